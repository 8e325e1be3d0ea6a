"""The Excel summary for Gedeputeerde Staten, written with openpyxl: a module per sheet, or
per kind of sheet.

Numbers are written as values, never as formulas; text from input files that starts with
``=``, ``+``, ``-`` or ``@`` is written as text, never as a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from analysis.atomic import write_atomic
from analysis.compute.berekening import Berekening
from analysis.report.gs_samenvatting import bladen
from analysis.report.gs_samenvatting.besluiten import besluiten
from analysis.report.gs_samenvatting.cohorten import cohorten
from analysis.report.gs_samenvatting.opmaak import fit_rows, page_setup
from analysis.report.gs_samenvatting.overzicht import OVERVIEW, overview_rows, overzicht
from analysis.report.gs_samenvatting.signalen import signalen
from analysis.report.gs_samenvatting.toelichting import toelichting
from analysis.report.totalen import totalen

__all__ = ["OVERVIEW", "overview_rows", "write_summary"]


def write_summary(path: Path, result: Berekening, periode: str, provincie: str,
                  versie: int | None = None, wijzigingen: pd.DataFrame | None = None) -> Path:
    """Write ``GS-samenvatting-<periode>.xlsx`` from the computed result; as version
    ``versie`` of the period, with the sheet Wijzigingen where ``wijzigingen`` lists what
    changed against the previous version."""
    beoordeling = result.table("beoordeling")
    rows = overview_rows(beoordeling, periode)
    book = Workbook()
    toelichting(book.active, result, periode, provincie, versie, wijzigingen is not None)
    overzicht(book.create_sheet("Overzicht"), rows,
              totalen(beoordeling[beoordeling["periode"] == periode]))
    if wijzigingen is not None:
        bladen.wijzigingen(book, wijzigingen)
    bladen.kerncijfers_blad(book, result, periode)
    besluiten(book, result, periode)
    signalen(book, result, periode)  # only for a kader with monthly signals
    if result.cohorten:  # only where the kader tracks the backlog per half-year of origin
        cohorten(book, result, periode)
    bladen.historie(book, result, periode)
    bladen.verschillen(book, result, periode)
    bladen.validatie(book, result)
    bladen.verantwoording_blad(book, result, periode, rows["Code"].tolist())
    bladen.bronnen(book, result)
    for sheet in book.worksheets:
        fit_rows(sheet)
        page_setup(sheet, provincie, periode)
    write_atomic(path, lambda temporary: book.save(temporary))
    return path
