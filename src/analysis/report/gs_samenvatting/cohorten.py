"""The GS workbook's sheet Cohorten: every municipality's backlog per half-year of origin at
the period's end, with each cohort's deadline and where it comes from; only for a kader that
tracks cohorts (``[cohorten]``)."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.report import cohorttekst
from analysis.report.gs_samenvatting.opmaak import plain

HEADERS = ["Code", "Gemeente", "Halfjaar van ontstaan", "Ontstaan", "Ingelopen", "Resterend",
           "Termijn", "Bron termijn", "Trede", "Aantal in besluit", "Termijn verstreken"]
EMPTY = "Geen achterstand aan het eind van deze periode."


def cohorten(book: Workbook, result: Berekening, periode: str) -> None:
    """The sheet: a row per municipality and cohort with a remainder or housed in the period,
    oldest first per municipality; the deadline as a date; 'Termijn verstreken' only for a
    half-year whose count has closed."""
    table = result.table("cohorten")
    rows = table[(table["periode"] == periode).to_numpy()].copy()
    rows["gemeente_naam"] = gemeenten.naam(rows["gemeente_code"]).astype(object).to_numpy()
    rows = rows.sort_values(["gemeente_naam", "cohort", "cohort_voor_begin"],
                            ascending=[True, True, False])
    status = result.table("beoordeling").set_index(["gemeente_code", "periode"])["status"]
    running = [status.get((code, periode)) == "lopend" for code in rows["gemeente_code"]]
    shown = pd.DataFrame({
        "gemeente_code": rows["gemeente_code"].astype(object).to_numpy(),
        "gemeente_naam": rows["gemeente_naam"].to_numpy(),
        "halfjaar": [cohorttekst.halfjaar(row) for _, row in rows.iterrows()],
        "ontstaan": rows["ontstaan"].to_numpy(), "ingelopen": rows["ingelopen"].to_numpy(),
        "resterend": rows["resterend"].to_numpy(),
        "termijn": rows["termijn"].dt.date.to_numpy(),
        "bron": [cohorttekst.termijn_bron(row) for _, row in rows.iterrows()],
        "trede": rows["trede"].astype(object).to_numpy(),
        "aantal": rows["aantal_besluit"].astype(object).where(
            rows["aantal_besluit"].notna(), None).to_numpy(),
        "verlopen": ["" if lopend else ("ja" if over else "nee")
                     for lopend, over in zip(running, rows["verlopen"], strict=True)]})
    sheet = book.create_sheet("Cohorten")
    plain(sheet, shown, HEADERS, empty=EMPTY,
          column_widths=[9, 18, 22, 11, 11, 11, 12, 40, 20, 11, 12])
    for row in range(2, len(shown) + 2):
        sheet.cell(row=row, column=HEADERS.index("Termijn") + 1).number_format = "DD-MM-YYYY"
