"""The GS workbook's sheet Besluiten: the decisions about the period or dated in it, each
municipality's name beside its code, and a decision about every municipality on one row."""

from __future__ import annotations

from openpyxl import Workbook

from analysis.compute.berekening import Berekening
from analysis.report.gs_samenvatting.opmaak import plain
from analysis.report.kerncijfers import besluiten_van, per_besluit

EMPTY = "Geen besluiten vastgelegd."  # as the overview and municipality pages say it
HEADERS = {"datum": "Datum", "gemeente_code": "Code", "gemeente": "Gemeente", "soort": "Soort",
           "kenmerk": "Kenmerk", "periode": "Periode", "trede": "Trede",
           "personen": "Personen", "aantal": "Aantal", "termijn": "Termijn", "reden": "Reden"}
DATES = ("Datum", "Termijn")


def besluiten(book: Workbook, result: Berekening, periode: str) -> None:
    """The sheet: a row per decision and municipality, oldest first, dates as dates."""
    decided = per_besluit(besluiten_van(result.table("besluiten"), periode))
    shown = decided[list(HEADERS)].assign(datum=decided["datum"].dt.date,
                                          termijn=decided["termijn"].dt.date)
    sheet = book.create_sheet("Besluiten")
    plain(sheet, shown, list(HEADERS.values()), empty=EMPTY,
          column_widths=[12, 9, 18, *[16] * (len(HEADERS) - 4), 70])
    for column in (list(HEADERS.values()).index(name) + 1 for name in DATES):
        for row in range(2, len(shown) + 2):
            sheet.cell(row=row, column=column).number_format = "DD-MM-YYYY"
