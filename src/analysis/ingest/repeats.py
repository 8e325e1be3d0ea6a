"""Rows that repeat the key of an earlier row: a copy-paste slip that real exports contain.

A repeat is refused, never summed or dropped: an exact copy would count twice, and a repeat of
the key with another figure leaves no way to tell which one holds. Each repeat is one problem
that names its own row and the row it repeats and, for a conflict, both figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.domain.gemeenten import naam
from analysis.domain.periods import MONTHS_NL
from analysis.domain.values import missing, same
from analysis.formatting import datum
from analysis.problems import Problem

# Personal data: never named in a message, only that it differs.
PERSONAL = ("persoon_id", "huishouden")
# How a key column is written in a message; a column not listed is shown by its value alone.
KEY_LABELS = {"peildatum": "peildatum", "datum": "datum", "versiedatum": "vastgesteld op",
              "mutatie": "mutatie"}


def repeated_rows(frame: pd.DataFrame, key: list[str]) -> list[Problem]:
    """One problem per row whose key an earlier row has (rows without a full key are reported
    elsewhere, as empty cells): 'herhaalt <key> van rij 17', with the figures that differ."""
    complete = frame.dropna(subset=key)
    later, earlier = _pairs(complete, key)
    if later.empty:
        return []
    values = [c for c in complete.columns
              if c not in key and not c.startswith(("bron_", "bestand_"))]
    problems = []
    for row, original, text in zip(later.to_dict("records"), earlier.to_dict("records"),
                                   describe(later, key), strict=True):
        changes = [_change(column, row[column], original[column]) for column in values
                   if not same(row[column], original[column])]
        tail = (f", met {' en '.join(changes)}; herstel of verwijder een van beide rijen"
                if changes else " met dezelfde cijfers; verwijder een van beide rijen")
        problems.append(Problem(str(row["bron_bestand"]),
                                f"herhaalt {text} van {_row(row, original)}{tail}",
                                _text_or_none(row.get("bron_blad")), int(row["bron_rij"])))
    return problems


def _pairs(frame: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows whose ``key`` an earlier row has, and beside each that earlier row."""
    repeated = frame.duplicated(key, keep="first").to_numpy()
    if not repeated.any():  # the usual case: no earlier rows to find
        return frame.iloc[:0], frame.iloc[:0]
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    first = position.groupby([frame[c] for c in key], sort=False).transform("first")
    return frame[repeated], frame.iloc[first.to_numpy()[repeated]]


def describe(rows: pd.DataFrame, key: list[str]) -> list[str]:
    """The key of every row as a message names it: 'De Wolden (GM1690), 2024-H1'."""
    parts: list[pd.Series] = []
    for column in sorted(key, key=lambda column: column != "gemeente_code"):
        if column in PERSONAL or column.startswith("bron_"):
            continue
        if column == "gemeente_code":
            codes = rows[column].astype("string")
            parts.append(naam(codes).fillna(codes) + " (" + codes + ")")
            continue
        if column == "maand":
            parts.append(rows[column].map(lambda month: f"{MONTHS_NL[month.month - 1]} "
                                                        f"{month.year}").astype("string"))
            continue
        shown = rows[column].map(_show).astype("string")
        label = KEY_LABELS.get(column)
        parts.append(label + " " + shown if label else shown)
    if not parts:
        return ["dezelfde sleutel"] * len(rows)
    return parts[0].str.cat(parts[1:], sep=", ").tolist()


def _row(row: dict, original: dict) -> str:
    """Where the original row is: 'rij 17', or 'other.xlsx rij 17' in another file."""
    same = original["bron_bestand"] == row["bron_bestand"]
    return f"{'' if same else original['bron_bestand'] + ' '}rij {original['bron_rij']}"


def _change(column: str, value: object, original: object) -> str:
    if column in PERSONAL:
        return f"een andere waarde in {column}"
    return f"{column} {_show(value)} in plaats van {_show(original)}"


def _show(value: object) -> str:
    if missing(value):
        return "leeg"
    if isinstance(value, pd.Timestamp):
        return datum(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def _text_or_none(value: object) -> str | None:
    return None if missing(value) else str(value)


def housed_twice(persons: pd.DataFrame, key: list[str]) -> list[Problem]:
    """One problem per person (by registration number, which no message names) housed a second
    time without being marked as a correction: counted in two municipalities, or twice in one,
    the person would raise two realisations. Rows repeating ``key`` are reported as repeats."""
    housed = persons[~is_correction(persons["mutatie"])].dropna(subset=key).drop_duplicates(key)
    later, earlier = _pairs(housed, ["persoon_id"])
    if later.empty:
        return []
    shown = describe(earlier, ["gemeente_code", "datum"])
    return [
        Problem(str(row["bron_bestand"]),
                f"dezelfde persoon (registratienummer) is al gehuisvest volgens "
                f"{_row(row, original)} ({text}); een tweede huisvesting telt alleen als "
                "correctie (Mutatie 'Correctie')",
                _text_or_none(row.get("bron_blad")), int(row["bron_rij"]))
        for row, original, text in zip(later.to_dict("records"), earlier.to_dict("records"),
                                       shown, strict=True)]


def is_correction(mutatie: pd.Series) -> pd.Series:
    """Whether a person-level row is a correction ('Correctie', 'correctie verhuizing')."""
    return mutatie.astype("string").str.strip().str.lower().str.startswith("correctie") \
        .fillna(False)
