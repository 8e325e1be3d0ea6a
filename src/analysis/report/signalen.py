"""The kader's monthly signals as the products show them: the running half-year's, each an
advies in its own words and never a verdict on a half-year that is still running.

Only a kader with ``[[maandsignalen]]`` makes a product show anything here; without them every
function gives nothing, so that such a kader's pages and workbook stay as they were. The pages'
HTML of them is in :mod:`analysis.report.views.signalen`; the workbook needs no HTML.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain.periods import MONTHS_NL, volgende_periode

SIGNAAL = "Signaal (advies volgens het beoordelingskader):"
GEEN_OORDEEL = "Dit is geen oordeel: het halfjaar loopt nog."


def lopend_halfjaar(result: Berekening, periode: str) -> str | None:
    """The running half-year whose signals a product about ``periode`` shows: ``periode``
    itself while it runs, else the next half-year when that one runs; None without signals in
    the kader or without such a half-year."""
    if not result.maandsignalen:
        return None
    stand = result.table("stand")
    running = set(stand.loc[~stand["volledig"].astype(bool).to_numpy(), "periode"])
    return next((p for p in (periode, volgende_periode(periode)) if p in running), None)


def van(result: Berekening, periode: str | None, actueel: bool = True) -> pd.DataFrame:
    """The signals of a running half-year: of its latest checked month (``actueel``), or of
    every month so far; none for ``periode`` None."""
    if periode is None:
        return pd.DataFrame(columns=["gemeente_code", "periode", "peildatum"])
    table = result.table("signalen")
    rows = table[(table["periode"] == periode).to_numpy() & table["lopend"].to_numpy(bool)
                 & (table["actueel"].to_numpy(bool) | (not actueel))]
    return rows.sort_values(["peildatum", "gemeente_code", "code"], ignore_index=True)


def maand_van(peildatum: object) -> str:
    """'januari 2025': the month a signal is about (the month before its peildatum)."""
    month = pd.Timestamp(peildatum) - pd.offsets.MonthBegin(1)
    return f"{MONTHS_NL[month.month - 1]} {month.year}"


def zin(row: pd.Series) -> str:
    """'<label>. <advies>'."""
    return f"{str(row['label']).rstrip('. ')}. {row['advies']}"
