"""Codes of municipalities that no longer existed on a row's date, read as their successor.

An export made after a herindeling may still carry the old code (or name). Ingest reads such a
row as the successor's, and says so once per file and code; a row after a split cannot be given
to one successor and is refused. Rows dated while their code still existed are kept as they are:
the computation itself carries a predecessor's stand over on the date of the herindeling.
"""

from __future__ import annotations

import pandas as pd

from analysis.domain.gemeenten import naam, provincie
from analysis.domain.herindelingen import geldig_tot, opvolgers, overgangen
from analysis.domain.periods import datum_tekst
from analysis.formatting import opsomming
from analysis.ingest.sources import SOURCES
from analysis.problems import Problem


def naar_opvolgers(source: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem],
                                                                 list[Problem]]:
    """The frame with ended codes replaced by their successor, the warnings saying so, and the
    problems for rows after a split. The day a row is about is the source's (see
    :mod:`analysis.ingest.sources`)."""
    found = opvolgers(frame["gemeente_code"], SOURCES[source].row_dates(frame))
    moved, split = found["opvolger"].notna(), found["gesplitst"]
    crossing = (moved & (provincie(found["code"]) != provincie(found["opvolger"])).fillna(False)
                if moved.any() else moved)
    warnings = [_problem(frame, rows, _moved_text(rows, found)) for rows in _per_file_and_code(
        frame, moved & ~crossing)]
    problems = [_problem(frame, rows, _split_text(rows, frame)) for rows in _per_file_and_code(
        frame, split)]
    problems += [_problem(frame, rows, _crossing_text(rows, found)) for rows in
                 _per_file_and_code(frame, crossing)]
    frame = frame.assign(gemeente_code=found["opvolger"].where(moved, frame["gemeente_code"]))
    return frame, warnings, problems


def _per_file_and_code(frame: pd.DataFrame, mask: pd.Series) -> list[pd.Index]:
    if not mask.any():
        return []
    chosen = frame[mask.to_numpy()]
    return [group.index for _, group in chosen.groupby(["bron_bestand", "gemeente_code"])]


def _ended(code: str) -> str:
    end = geldig_tot(pd.Series([code])).iloc[0]
    return datum_tekst(end.date())


def _name(code: str) -> str:
    return str(naam(pd.Series([code], dtype="string")).iloc[0])


def _moved_text(rows: pd.Index, found: pd.DataFrame) -> str:
    old, new = found.at[rows[0], "code"], found.at[rows[0], "opvolger"]
    return (f"gemeente {old} ({_name(old)}) bestaat sinds {_ended(old)} niet meer; "
            f"{len(rows)} rij(en) gelezen als de opvolger {new} ({_name(new)})")


def _crossing_text(rows: pd.Index, found: pd.DataFrame) -> str:
    old, new = found.at[rows[0], "code"], found.at[rows[0], "opvolger"]
    return (f"gemeente {old} ({_name(old)}, {_province(old)}) bestaat sinds {_ended(old)} niet "
            f"meer en de opvolger {new} ({_name(new)}) ligt in {_province(new)}; {len(rows)} "
            "rij(en) kunnen niet zonder meer aan een gemeente van een andere provincie worden "
            "toegerekend: gebruik de code van de gemeente waar de rij over gaat")


def _province(code: str) -> str:
    return str(provincie(pd.Series([code], dtype="string")).iloc[0])


def _split_text(rows: pd.Index, frame: pd.DataFrame) -> str:
    old = frame.at[rows[0], "gemeente_code"]
    parts = overgangen().query("oud_code == @old")["nieuw_naam"].tolist()
    return (f"gemeente {old} ({_name(old)}) is per {_ended(old)} verdeeld over "
            f"{opsomming(parts)}; {len(rows)} rij(en) van na die datum "
            "kunnen niet aan één opvolger worden toegerekend: gebruik de code van de opvolger")


def _problem(frame: pd.DataFrame, rows: pd.Index, text: str) -> Problem:
    first = frame.loc[rows[0]]
    row = first.get("bron_rij")
    return Problem(str(first["bron_bestand"]), text, first.get("bron_blad"),
                   None if pd.isna(row) else int(row), "gemeente")
