"""Cells, headers, table sheets and page set-up shared by every sheet of the GS workbook.

Numbers are written as values, never as formulas; text from input files that starts with
``=``, ``+``, ``-`` or ``@`` is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFF2CC")
HIGHLIGHT_FONT = Font(bold=True)
LINE_HEIGHT = 15  # points per line of 11-point text


def safe(value: object) -> object:
    """A cell value; NaN becomes empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def write_row(sheet: Worksheet, row: int, values: list[object]) -> None:
    """``values`` from column A on; text that looks like a formula stays text."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=safe(value))
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"  # text, never a formula


def header(sheet: Worksheet, row: int, names: list[str]) -> None:
    """A header row: bold on a grey fill, wrapped."""
    write_row(sheet, row, names)
    for column in range(1, len(names) + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def widths(sheet: Worksheet, by_letter: dict[str, float]) -> None:
    """Column widths by column letter."""
    for letter, width in by_letter.items():
        sheet.column_dimensions[letter].width = width


def date(value: object) -> dt.date | None:
    """A timestamp as a date cell; empty where the file names none."""
    return None if pd.isna(value) else pd.Timestamp(value).date()


def plain(sheet: Worksheet, frame: pd.DataFrame, names: list[str], *, empty: str,
          highlight: tuple[str, object] | None = None,
          column_widths: list[float] | None = None) -> None:
    """A table sheet; rows whose ``highlight`` column holds its value (the report's own
    half-year) in bold on a light fill; the sentence ``empty`` when there are no rows."""
    header(sheet, 1, names)
    marked = (frame[highlight[0]] == highlight[1]).to_numpy() if highlight else None
    for number, record in enumerate(frame.itertuples(index=False), start=2):
        write_row(sheet, number, list(record))
        if marked is not None and marked[number - 2]:
            for cell in sheet[number]:
                cell.font, cell.fill = HIGHLIGHT_FONT, HIGHLIGHT_FILL
    sheet.freeze_panes = "A2"
    column_widths = column_widths or [16] * (len(names) - 1) + [70]
    for column, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if not len(frame):
        sheet.cell(row=2, column=1, value=empty)  # on one line, over the empty cells beside it
        return
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(frame) + 1}"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > column_widths[cell.column - 1]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def fit_rows(sheet: Worksheet) -> None:
    """Row heights that hold every wrapped cell's lines, so that no line runs into the next
    row (LibreOffice does not grow rows by itself)."""
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = sheet.column_dimensions[cell.column_letter].width or 10
            per_line = max(1, int(width * 1.1) - 2)  # characters of 11-point text per line
            lines = max(lines, sum(-(-max(1, len(part)) // per_line)
                                   for part in str(cell.value).split("\n")))
        bold = any(cell.font and cell.font.sz and cell.font.sz > 12 for cell in row)
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + (6 if bold else 0)


def page_setup(sheet: Worksheet, provincie: str, periode: str) -> None:
    """A4 landscape, one page wide, the header row on every page, and who made it."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = sheet.title != "Toelichting"
    if sheet.title != "Toelichting":
        sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = (f"Toezicht huisvesting vergunninghouders {provincie}, "
                                   f"{periode}: {sheet.title}")
    sheet.oddFooter.left.text = "Gedeputeerde Staten, samenvatting"
    sheet.oddFooter.right.text = "Pagina &P van &N"
