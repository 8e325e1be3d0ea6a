"""The backlog per half-year of origin in words, one wording for the page, the GS workbook and
the letter: which cohort ("uit de 1e helft 2023", "van vóór 1 januari 2022"), where its
deadline comes from, and a sentence per cohort with a remainder."""

from __future__ import annotations

import pandas as pd

from analysis.domain.datums import datum_tekst
from analysis.domain.periods import periode_einde, periode_tekst
from analysis.formatting import getal

KADER = "beoordelingskader"


def van_periode(cohorten: pd.DataFrame, code: str, periode: str) -> pd.DataFrame:
    """The cohorts of one municipality as of the end of one half-year, oldest first."""
    rows = cohorten[(cohorten["gemeente_code"] == code).to_numpy()
                    & (cohorten["periode"] == periode).to_numpy()]
    return rows.sort_values(["cohort", "cohort_voor_begin"], ascending=[True, False])


def halfjaar(row: pd.Series) -> str:
    """The cohort as a table names it: '1e helft 2023', or 'vóór 1 januari 2022' for the
    backlog of the opening stand, whose origin the data do not show."""
    if bool(row["cohort_voor_begin"]):
        return f"vóór {datum_tekst(periode_einde(str(row['cohort'])))}"
    return periode_tekst(str(row["cohort"]))


def herkomst(row: pd.Series) -> str:
    """'uit de 1e helft 2023' or 'van vóór 1 januari 2022'."""
    if bool(row["cohort_voor_begin"]):
        return f"van {halfjaar(row)}"
    return f"uit de {halfjaar(row)}"


def termijn(row: pd.Series) -> str:
    """The deadline as a letter writes it: '1 juli 2025'."""
    return datum_tekst(pd.Timestamp(row["termijn"]).date())


def termijn_bron(row: pd.Series) -> str:
    """Where the deadline comes from: the kader, or the decision that set it."""
    if str(row["termijn_bron"]) == "kader":
        return KADER
    decided = f"besluit van {datum_tekst(pd.Timestamp(row['besluit_datum']).date())}"
    return f"{decided}, kenmerk {row['besluit']}" if str(row["besluit"]) else decided


def _resteren(count: int) -> str:
    return f"resteert nog {getal(count)}" if count == 1 else f"resteren nog {getal(count)}"


def brief_zin(row: pd.Series) -> str:
    """The letter's sentence: 'Van de achterstand uit de 1e helft 2023 resteren nog 12;
    termijn 1 juli 2025.'"""
    return (f"Van de achterstand {herkomst(row)} {_resteren(int(row['resterend']))}; termijn "
            f"{termijn(row)}.")


def pagina_zin(row: pd.Series, lopend: bool) -> str:
    """The page's sentence: the remainder at the half-year's end (so far, for one still
    running), the deadline with its source, and whether it has passed."""
    when = "tot nu toe" if lopend else (
        f"op {datum_tekst(pd.Timestamp(row['peildatum_eind']).date())}")
    count = int(row["resterend"])
    verb = "resteert" if count == 1 else "resteren"
    sentence = (f"Van de achterstand {herkomst(row)} {verb} {when} nog {getal(count)}; "
                f"termijn {termijn(row)} ({termijn_bron(row)}).")
    if bool(row["verlopen"]) and not lopend:
        sentence += " Die termijn is verstreken."
    return sentence


def brief_zinnen(cohorten: pd.DataFrame, code: str, periode: str) -> str:
    """The letter's sentences for every cohort left at the half-year's end; empty when none."""
    rows = van_periode(cohorten, code, periode)
    return " ".join(brief_zin(row) for _, row in rows[rows["resterend"] > 0].iterrows())
