"""The GS workbook's overview sheet: a row per municipality and the province's totals."""

from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from analysis.domain.periods import volgende_periode
from analysis.report.gs_samenvatting.opmaak import header, widths, write_row
from analysis.report.totalen import Totalen

OVERVIEW = ["Code", "Gemeente", "Stand begin", "Taakstelling", "Opgave", "Realisatie",
            "Stand eind", "% taakstelling", "% totaalopgave", "Taakstelling volgend halfjaar",
            "Opgave volgend halfjaar", "Oordeel", "Trede", "Advies", "Reden"]
PERCENT = {"% taakstelling", "% totaalopgave"}
NEXT = ["Taakstelling volgend halfjaar", "Opgave volgend halfjaar"]
NOG_NIET_BEKEND = "nog niet bekend"  # a next taakstelling not yet known, as the page says it


def overview_rows(beoordeling: pd.DataFrame, periode: str) -> pd.DataFrame:
    """One row per municipality for the period, with next half-year's taakstelling and opgave
    ('nog niet bekend' while that taakstelling is not known)."""
    current = beoordeling[beoordeling["periode"] == periode].sort_values("gemeente_naam")
    following = volgende_periode(periode)
    nxt = beoordeling[beoordeling["periode"] == following].set_index("gemeente_code")
    frame = pd.DataFrame({
        "Code": current["gemeente_code"], "Gemeente": current["gemeente_naam"],
        "Stand begin": current["stand_begin"], "Taakstelling": current["taakstelling"],
        "Opgave": current["opgave"], "Realisatie": current["realisatie"],
        "Stand eind": current["stand_eind"], "% taakstelling": current["pct_taakstelling"],
        "% totaalopgave": current["pct_totaalopgave"],
        "Taakstelling volgend halfjaar": current["gemeente_code"].map(nxt["taakstelling"])
        if len(nxt) else pd.NA,
        "Oordeel": current["oordeel_label"], "Trede": current["trede_op_datum"],
        "Advies": current["advies_tekst"],
        "Reden": current["reden"], "_kleur": current["kleur"],
    })
    frame["Opgave volgend halfjaar"] = frame["Taakstelling volgend halfjaar"] - frame["Stand eind"]
    if "volledig" in current:  # a running half-year has no end stand yet, nor what follows it
        running = ~current["volledig"].astype(bool)
        ended = ["Stand eind", "% taakstelling", "% totaalopgave", "Opgave volgend halfjaar"]
        frame[ended] = frame[ended].astype(object).where(~running, None)
    unknown = frame["Taakstelling volgend halfjaar"].isna()
    frame[NEXT] = frame[NEXT].astype(object).where(~unknown, NOG_NIET_BEKEND)
    return frame.reset_index(drop=True)


def _next_total(values: pd.Series) -> object:
    """The sum of a next half-year's figures; 'nog niet bekend' when one of them is."""
    if (values == NOG_NIET_BEKEND).any():
        return NOG_NIET_BEKEND
    return pd.to_numeric(values).sum(min_count=1)


def total_row(rows: pd.DataFrame, sums: Totalen) -> list[object]:
    """The 'Totaal' row: the province's figures and its two percentages as the overview page
    computes them (:meth:`Totalen.percentages`), as fractions for the cells' % format."""
    if not len(rows):
        return ["", "Totaal", *[None] * (len(OVERVIEW) - 2)]
    percentages = [None if value is None else round(value / 100, 3)
                   for value in sums.percentages()]
    return ["", "Totaal", sums.stand_begin, sums.taakstelling, sums.opgave, sums.realisatie,
            sums.stand_eind_afgesloten, *percentages, *(_next_total(rows[name]) for name in NEXT),
            None, None, None, None]


def overzicht(sheet: Worksheet, rows: pd.DataFrame, sums: Totalen) -> None:
    """The overview sheet: a row per municipality and the province's totals (the end stand
    over the municipalities whose half-year is complete)."""
    header(sheet, 1, OVERVIEW)
    for number, record in enumerate(rows.itertuples(index=False), start=2):
        values = dict(zip(rows.columns, record, strict=True))
        write_row(sheet, number, [values[name] for name in OVERVIEW])
        colour = str(values["_kleur"]).lstrip("#").upper()
        sheet.cell(row=number, column=OVERVIEW.index("Oordeel") + 1).fill = PatternFill(
            "solid", fgColor=colour)
        for column, name in enumerate(OVERVIEW, start=1):
            sheet.cell(row=number, column=column).alignment = Alignment(
                wrap_text=name in ("Oordeel", "Trede", "Advies", "Reden"), vertical="top")
    last = len(rows) + 1
    write_row(sheet, last + 1, total_row(rows, sums))
    for column in range(1, len(OVERVIEW) + 1):
        sheet.cell(row=last + 1, column=column).font = Font(bold=True)
    for column, name in enumerate(OVERVIEW, start=1):
        for row in range(2, last + 2):
            cell = sheet.cell(row=row, column=column)
            if name in PERCENT:
                cell.number_format = "0%"
            elif 3 <= column <= 11:
                cell.number_format = "#,##0;-#,##0"
    table = Table(displayName="Overzicht", ref=f"A1:{get_column_letter(len(OVERVIEW))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "C2"
    widths(sheet, {"A": 9, "B": 18, **{get_column_letter(c): 12 for c in range(3, 12)},
                   "L": 24, "M": 18, "N": 24, "O": 80})
