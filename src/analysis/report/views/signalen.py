"""The kader's monthly signals on the pages: a municipality's, and the overview's list, each
an advies and never a verdict on a half-year that is still running."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from analysis.domain import gemeenten
from analysis.domain.periods import MONTHS_NL, periode_tekst
from analysis.formatting import getal
from analysis.report import toon
from analysis.report.signalen import GEEN_OORDEEL, SIGNAAL, maand_van, zin


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
