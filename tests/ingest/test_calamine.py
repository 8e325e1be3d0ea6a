"""Reading with python-calamine directly gives the grid ``pd.read_excel(engine="calamine")``
handed over: the same values of the same types, cell by cell, in the rows of a title block and
in the columns below it."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from analysis.config import RAW_DIR
from analysis.ingest.calamine import read_sheet
from analysis.ingest.spreadsheet import Book

# Cells of every kind calamine hands over, texts pandas reads as missing among them.
CELLS = [1, 2.0, 2.5, -0.0, 1e20, 2.0**64, 1e300, True, False, "NA", "", " ", "None", "n/a",
         "nan", "#N/A", "x", "0", dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 12, 30),
         dt.time(12, 30), dt.timedelta(days=1, hours=2), "=1/0", None]
# Columns below the top rows, each of one kind of cell (read at once) or of several.
COLUMNS = {
    "tekst": ["Assen", "NA", "", "n/a", "GM0106"],
    "getallen": [1.0, 2.5, 12.0, 1e20, -0.0],
    "datums": [dt.date(2024, 3, 1), dt.date(1900, 1, 1), dt.date(2099, 12, 31)],
    "momenten": [dt.datetime(2024, 3, 1, 6), dt.datetime(2025, 1, 1)],
    "ja/nee": [True, False],
    "gemengd": ["x", 7.0, dt.date(2024, 1, 1), True, None, "NA"],
}


def pandas_grid(path: Path, sheet: str) -> list[list[object]]:
    """The grid as the ingest read it before, through pandas."""
    grid = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    return grid.astype(object).where(grid.notna(), None).to_numpy().tolist()


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b


def assert_same_grid(path: Path, sheet: str) -> None:
    """The grid read directly, before error cells are marked (:class:`Book` does that for
    either reader), is pandas' cell for cell."""
    grid = read_sheet(CalamineWorkbook.from_path(path), sheet, None).tolist()
    expected = pandas_grid(path, sheet)
    assert len(grid) == len(expected)
    for row, (found, wanted) in enumerate(zip(grid, expected, strict=True)):
        assert all(same(a, b) for a, b in zip(found, wanted, strict=True)), (row, found, wanted)


@pytest.mark.parametrize("relative", [
    "coa/COA_realisatie_taakstelling_2023-03-01.xlsx",
    "coa/COA_realisatie_taakstelling_2024-07-01.xlsx",
    "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx",
    "tvs/TVS_export_huisvestingen_2022-2025.xlsx",
])
def test_the_sample_is_read_as_pandas_read_it(relative: str) -> None:
    path = RAW_DIR / relative
    with Book(path, path.name, "calamine") as book:
        sheets = book.sheet_names
    for sheet in sheets:
        assert_same_grid(path, sheet)


@pytest.mark.parametrize("first", ["Titel", "\ufeffTitel", '\ufeff"Ti"tel', "\ufeff", None])
def test_every_kind_of_cell_is_read_as_pandas_read_it(tmp_path: Path, first: object) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    sheet.cell(1, 1).value = first
    for index, value in enumerate(CELLS):
        sheet.cell(2 + index % 10, 1 + index // 10).value = value
    for column, (name, values) in enumerate(COLUMNS.items(), start=5):
        sheet.cell(12, column).value = name
        for row in range(13, 130):
            sheet.cell(row, column).value = values[row % len(values)]
    path = tmp_path / "soorten.xlsx"
    book.save(path)
    assert_same_grid(path, "Blad1")


def test_an_open_quote_after_a_byte_order_mark_is_refused_as_pandas_refused_it(
        tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = '\ufeff"open'
    path = tmp_path / "bom.xlsx"
    book.save(path)
    with pytest.raises(ValueError):
        pandas_grid(path, book.active.title)
    with pytest.raises(ValueError):
        read_sheet(CalamineWorkbook.from_path(path), book.active.title, None)


def test_only_the_measured_rows_are_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for row in range(1, 8):
        book.active.cell(row, 1).value = row
    path = tmp_path / "rijen.xlsx"
    book.save(path)
    values = read_sheet(CalamineWorkbook.from_path(path), book.active.title, 3)
    assert values.shape == (3, 1)
    assert np.array_equal(values[:, 0], np.array([1, 2, 3], dtype=object))
