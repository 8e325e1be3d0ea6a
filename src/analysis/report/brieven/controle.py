"""The check a letter passes before it is written: its kind fits the recorded rung, every term
it cites is still ahead of its date, and no sentence contradicts another. A letter that fails is
not written; the command names it and says why."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.formatting import datum as datum_kort

# the terms each kind of letter cites, with how a message names them
TERMS = {"voornemen": (("termijn", "de termijn van het voornemen"),
                       ("zienswijze_termijn", "de termijn voor een zienswijze")),
         "gesprek": (("termijn", "de termijn voor het plan van aanpak"),)}
ESCALATING = {"voornemen": "een voornemen tot indeplaatsstelling",
              "gesprek": "een verzoek om een plan van aanpak"}


def bezwaren(kind: str, row: pd.Series, decision: pd.Series | None, datum: dt.date,
             bij_verschoning: str = "niet_opschalen") -> list[str]:
    """Why the letter of ``kind`` for the municipality in ``row`` (its assessment) on ``datum``
    cannot be signed; empty when it can. ``decision`` is the decision behind a gesprek or
    voornemen letter; ``bij_verschoning`` what the kader lets a verschoning do to the ladder."""
    if kind not in ESCALATING:
        return []
    what = ESCALATING[kind]
    problems = []
    rung, number = str(row["trede_op_datum"]), int(row["trede_op_datum_nummer"])
    if rung and number == 0:
        problems.append(f"{what} past niet bij de vastgelegde trede '{rung}' (niet op de "
                        f"interventieladder; {row['trede_op_datum_besluit']})")
    if pd.notna(row["verschoning_reden"]) and bij_verschoning != "doorlopen":
        problems.append(f"{what} spreekt de verschoning over deze periode tegen ({_kenmerk(row)}"
                        "; in het beoordelingskader sluit een verschoning opschalen uit); "
                        "trek de verschoning in met een besluit, of kies het besluit dat past")
    for field, label in TERMS[kind]:
        value = decision.get(field) if decision is not None else None
        if value is not None and pd.notna(value) and pd.Timestamp(value).date() <= datum:
            problems.append(f"{label} ({datum_kort(pd.Timestamp(value))}) is op de datum van "
                            f"de brief ({datum_kort(pd.Timestamp(datum))}) al verstreken")
    return problems


def _kenmerk(row: pd.Series) -> str:
    kenmerk = row.get("kenmerk")
    return f"kenmerk {kenmerk}" if pd.notna(kenmerk) and str(kenmerk) else "zonder kenmerk"
