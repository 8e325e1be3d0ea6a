"""The tidy tables' columns: the Dutch name a reader sees for each computed column, and its
dtype, decided in one place so that every table of the exploration names and types a figure
alike (and percentages stay fractions: 1.052632, shown as 105,3 %)."""

from __future__ import annotations

import pandas as pd

TEKST, GEHEEL, FRACTIE, DECIMAAL, JA_NEE = "string", "Int64", "fractie", "decimaal", "boolean"
DTYPES = {TEKST: "string", GEHEEL: "Int64", FRACTIE: "Float64", DECIMAAL: "Float64",
          JA_NEE: "boolean"}

# internal name -> (Dutch name, kind)
KOLOMMEN: dict[str, tuple[str, str]] = {
    "gemeente_code": ("Gemeentecode", TEKST),
    "gemeente_naam": ("Gemeente", TEKST),
    "periode": ("Periode", TEKST),
    "status": ("Status", TEKST),
    "inwoners": ("Inwoners", GEHEEL),
    "stand_begin": ("Stand begin", GEHEEL),
    "taakstelling": ("Taakstelling", GEHEEL),
    "opgave": ("Opgave", GEHEEL),
    "realisatie": ("Realisatie", GEHEEL),
    "stand_eind": ("Stand eind", GEHEEL),
    "pct_taakstelling": ("% taakstelling", FRACTIE),
    "pct_totaalopgave": ("% totaalopgave", FRACTIE),
    "ontwikkeling": ("Ontwikkeling", TEKST),
    "oordeel_label": ("Oordeel", TEKST),
    "trede": ("Trede", TEKST),
    "advies_tekst": ("Advies", TEKST),
}

# what the stand table holds, and with the rating what a municipality's or a period's holds
STAND = ["gemeente_code", "gemeente_naam", "periode", "stand_begin", "taakstelling", "opgave",
         "realisatie", "stand_eind", "pct_taakstelling", "pct_totaalopgave", "ontwikkeling",
         "inwoners", "status"]
BEOORDEELD = [*STAND, "oordeel_label", "trede", "advies_tekst"]
# the figures a running half-year does not have yet (left empty, as on the pages)
NA_AFLOOP = ["stand_eind", "pct_taakstelling", "pct_totaalopgave", "ontwikkeling"]


def naam(column: str) -> str:
    """The Dutch name of an internal column."""
    return KOLOMMEN[column][0]


def procenten(frame: pd.DataFrame) -> tuple[str, ...]:
    """The Dutch names of ``frame``'s columns that hold fractions shown as percentages."""
    shown = {name for name, kind in KOLOMMEN.values() if kind == FRACTIE}
    return tuple(column for column in frame.columns if column in shown)


def netjes(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``rows`` (internal names; those ``rows`` lacks are left out) under their
    Dutch names and typed; a running half-year's end stand, percentages and development
    empty, the rung 'geen' where none is recorded."""
    present = [column for column in columns if column in rows]
    frame = rows[present].copy()
    if "volledig" in rows:
        running = ~rows["volledig"].astype(bool)
        for column in NA_AFLOOP:
            if column in frame:
                frame[column] = frame[column].astype(object).mask(running)
    if "trede" in frame:
        frame["trede"] = frame["trede"].astype(object).mask(frame["trede"].fillna("") == "",
                                                            "geen")
    frame = frame.astype({column: DTYPES[KOLOMMEN[column][1]] for column in present})
    return frame.rename(columns={column: naam(column) for column in present}).reset_index(
        drop=True)
