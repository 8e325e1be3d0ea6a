"""The GS workbook's sheet Signalen: the kader's monthly signals in the running half-year, each
an advies and no verdict; only for a kader with ``[[maandsignalen]]``."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.domain.periods import periode_tekst
from analysis.report.gs_samenvatting.opmaak import plain
from analysis.report.signalen import GEEN_OORDEEL, lopend_halfjaar, van

HEADERS = {"gemeente_code": "Code", "gemeente": "Gemeente", "periode": "Periode",
           "maand": "Na de cijfers van", "label": "Signaal",
           "advies": "Advies volgens het beoordelingskader", "stand_begin": "Stand begin",
           "realisatie_maand": "Realisatie in de maand", "realisatie_tot_nu": "Realisatie tot nu",
           "pad": "Lineair pad", "regel": "Regel"}
EXPLAINED = ("Signalen", "Wat het beoordelingskader na de maandcijfers adviseert in het halfjaar "
             "dat nog loopt (blad Signalen): een advies, geen besluit. " + GEEN_OORDEEL)


def signalen(book: Workbook, result: Berekening, periode: str) -> None:
    """The sheet, when the kader has signals: every month so far of the running half-year (the
    period itself, or the next one) with a signal, a row per municipality and signal."""
    if not result.maandsignalen:
        return
    running = lopend_halfjaar(result, periode)
    rows = van(result, running, actueel=False)
    shown = rows.reindex(columns=list(HEADERS)).astype(object)
    if len(rows):
        shown = shown.assign(gemeente=gemeenten.naam(rows["gemeente_code"]).to_numpy(object),
                             periode=rows["periode"].map(periode_tekst).to_numpy(object),
                             maand=(rows["peildatum"] - pd.offsets.MonthBegin(1)).dt.date,
                             pad=rows["pad"].astype(float).round(1))
    sheet = book.create_sheet("Signalen")
    empty = (f"Geen signalen in de {periode_tekst(running)}, die nog loopt." if running
             else "Geen halfjaar dat nog loopt: geen signalen.")
    plain(sheet, shown, list(HEADERS.values()), empty=empty,
          column_widths=[9, 18, 14, 12, 40, 50, 10, 12, 12, 10, 40])
    for row in range(2, len(shown) + 2):
        sheet.cell(row=row, column=4).number_format = "MM-YYYY"
        sheet.cell(row=row, column=10).number_format = "0.0"
