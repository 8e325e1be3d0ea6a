"""The kader's monthly signals as the products show them: the running half-year's, each an
advies in its own words and never a verdict on a half-year that is still running.

Only a kader with ``[[maandsignalen]]`` makes a product show anything here; without them every
function gives nothing, so that such a kader's pages and workbook stay as they were.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.domain.periods import MONTHS_NL, periode_tekst, volgende_periode
from analysis.formatting import getal
from analysis.report import toon

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


def gemeente_tekst(rows: pd.DataFrame) -> HTML | None:
    """One municipality's signals: each as 'Signaal (advies volgens het beoordelingskader):
    <label>. <advies>', the figures it was checked on, and that it is no verdict."""
    if rows.empty:
        return None
    parts = []
    for _, row in rows.iterrows():  # the few rules that fired for one municipality
        month = MONTHS_NL[int(row["maand"]) - 1]
        parts += [toon.alinea(toon.vet(SIGNAAL), " ", zin(row)),
                  toon.alinea(f"Na de cijfers van {maand_van(row['peildatum'])}: stand aan het "
                              f"begin van de {periode_tekst(str(row['periode']))} "
                              f"{getal(row['stand_begin'])}, gehuisvest in {month} "
                              f"{getal(row['realisatie_maand'])} (in het halfjaar tot nu "
                              f"{getal(row['realisatie_tot_nu'])}), lineair pad "
                              f"{getal(row['pad'], 1)}.")]
    return toon.samen(*parts, toon.alinea(GEEN_OORDEEL))


def overzicht_tekst(rows: pd.DataFrame, periode: str | None) -> HTML | None:
    """The municipalities with a signal in the running half-year, or that there are none."""
    if periode is None:
        return None
    running = periode_tekst(periode)
    if rows.empty:
        return toon.alinea(f"Geen gemeente met een signaal volgens het beoordelingskader in de "
                           f"{running}, die nog loopt.")
    names = gemeenten.naam(rows["gemeente_code"]).to_numpy()
    lines = [f"{name}, na de cijfers van {maand_van(row['peildatum'])}: {zin(row)}"
             for name, (_, row) in zip(names, rows.iterrows(), strict=True)]
    return toon.samen(toon.alinea(toon.vet(f"Signalen (advies volgens het beoordelingskader) in "
                                           f"de {running}, die nog loopt:")),
                      toon.lijst(sorted(lines)), toon.alinea(GEEN_OORDEEL))
