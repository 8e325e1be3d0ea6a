"""A result as a formatted workbook: its first line what the table is and which computation
it comes from, Dutch headers, figures as numbers with Dutch number formats (percentages as
percentages), written atomically so that no half-written workbook is ever left behind."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analysis.atomic import write_atomic
from analysis.problems import Refused
from analysis.report.gs_samenvatting.opmaak import header, write_row

if TYPE_CHECKING:
    from analysis.verkenning.uitkomst import Uitkomst

HEADER_ROW = 3  # under the title line and the line that marks a scenario
GEHEEL, PROCENT, DECIMAAL, DATUM = "#,##0", "0.0%", "#,##0.0", "DD-MM-YYYY"


def opmaak(frame: pd.DataFrame, procenten: tuple[str, ...]) -> dict[str, str]:
    """The number format of every figure column of ``frame``: whole numbers with a
    thousands separator, fractions in ``procenten`` as percentages, other decimals with one
    decimal place, dates as 19-11-2024."""
    formats = {}
    for column in frame.columns:
        values = frame[column]
        if column in procenten:
            formats[column] = PROCENT
        elif pd.api.types.is_bool_dtype(values):
            continue
        elif pd.api.types.is_integer_dtype(values):
            formats[column] = GEHEEL
        elif pd.api.types.is_float_dtype(values):
            formats[column] = DECIMAAL
        elif pd.api.types.is_datetime64_any_dtype(values):
            formats[column] = DATUM
    return formats


def cellen(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as cell values: empty for a missing value, ja/nee for a truth value."""
    values = frame.astype(object).where(frame.notna(), None)
    for column in frame.columns:
        if pd.api.types.is_bool_dtype(frame[column]):
            values[column] = values[column].map({True: "ja", False: "nee", None: None})
    return values


def schrijf(path: Path, uitkomst: Uitkomst) -> Path:
    """Write ``uitkomst`` to ``path`` (an .xlsx file) atomically; returns ``path``."""
    if path.suffix.lower() != ".xlsx":
        raise Refused(f"naar_excel: '{path}' is geen Excel-bestand (verwacht een naam op "
                      ".xlsx)")
    frame = uitkomst.data
    book = Workbook()
    sheet = book.active
    sheet.title = "Verkenning"
    write_row(sheet, 1, [uitkomst.kopregel])
    sheet.cell(row=1, column=1).font = Font(bold=True)
    marks = [uitkomst.melding] if uitkomst.melding else []
    marks += [uitkomst.herkomst.scenario] if uitkomst.herkomst.scenario else []
    if marks:
        write_row(sheet, 2, [" ".join(marks)])
        sheet.cell(row=2, column=1).font = Font(bold=True)
    header(sheet, HEADER_ROW, [str(column) for column in frame.columns])
    for number, record in enumerate(cellen(frame).itertuples(index=False), start=HEADER_ROW + 1):
        write_row(sheet, number, list(record))
    formats = opmaak(frame, uitkomst.procenten)
    for position, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(position)
        if column in formats:
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=position,
                                           max_col=position):
                cell.number_format = formats[column]
        longest = frame[column].astype("string").str.len().max() if len(frame) else 0
        sheet.column_dimensions[letter].width = min(max(len(str(column)),
                                                        int(longest or 0), 8) + 2, 60)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    if len(frame.columns):
        sheet.auto_filter.ref = (f"A{HEADER_ROW}:{get_column_letter(len(frame.columns))}"
                                 f"{HEADER_ROW + len(frame)}")
    write_atomic(path, lambda temporary: book.save(temporary))
    return path
