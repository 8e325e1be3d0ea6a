"""Typing the files of one spec together gives every file what typing it alone gives: the same
problems in the same order, and the same rows of the same types."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd

from analysis.config import RAW_DIR
from analysis.ingest.convert import Table, convert
from analysis.ingest.mirror import read_file
from analysis.ingest.specs import load_specs


def edited(tmp_path: Path, relative: str, cells: dict[str, object]) -> Path:
    """A copy of a sample file with some cells of its first visible sheet set."""
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(RAW_DIR / relative, target)
    if cells:
        book = openpyxl.load_workbook(target)
        sheet = next(s for s in book.worksheets if s.sheet_state == "visible")
        for cell, value in cells.items():
            sheet[cell] = value
        book.save(target)
    return target


def tables(tmp_path: Path, files: dict[str, dict[str, object]]) -> list[Table]:
    specs = list(load_specs())
    found = []
    for relative, cells in files.items():
        path = edited(tmp_path, relative, cells)
        table = read_file(path, relative, [s for s in specs if s.matches(relative)], "calamine")
        assert isinstance(table, Table), table
        found.append(table)
    return found


def assert_as_alone(cut: list[Table]) -> None:
    together, frame = convert(cut)
    alone = [convert([table]) for table in cut]
    for result, ([single], _) in zip(together, alone, strict=True):
        assert result.problems == single.problems
        assert result.rows == single.rows
    expected = pd.concat([single for _, single in alone], ignore_index=True)
    assert list(frame.columns) == list(expected.columns)
    assert frame.dtypes.equals(expected.dtypes)
    assert frame.equals(expected)


def test_overviews_with_bad_cells_and_totals(tmp_path: Path) -> None:
    assert_as_alone(tables(tmp_path, {
        "coa/COA_realisatie_taakstelling_2023-03-01.xlsx": {},
        "coa/COA_realisatie_taakstelling_2023-04-01.xlsx": {"E9": "twaalf", "A10": None,
                                                            "B19": 605, "C11": -3},
        "coa/COA_realisatie_taakstelling_2023-05-01.xlsx": {"A3": "Stand per ergens"},
    }))


def test_metadata_of_several_types_and_a_label_without_value(tmp_path: Path) -> None:
    cut = tables(tmp_path, {
        "coa/COA_realisatie_taakstelling_2024-07-01.xlsx": {"E1": "Versie", "F1": 2},
        "coa/COA_realisatie_taakstelling_2024-08-01.xlsx": {"E1": "Versie"},
        "coa/COA_realisatie_taakstelling_2024-09-01.xlsx": {"E1": "Versie", "F1": "v3"},
    })
    assert_as_alone(cut)
    assert len({str(frame["versie"].dtype) for _, frame in map(convert, [[t] for t in cut])}) > 1


def test_text_of_whole_numbers_beside_an_empty_cell_is_written_per_file(tmp_path: Path) -> None:
    """to_text writes a file's whole numbers as pandas infers them with its other cells: beside
    an empty cell as '12.0'. Typed together, the other files keep '12'."""
    source = openpyxl.load_workbook(RAW_DIR / "tvs/TVS_export_huisvestingen_2022-2025.xlsx")
    rows = list(source.worksheets[0].iter_rows(values_only=True))
    household = next(i for i, label in enumerate(rows[4]) if str(label).startswith("Huishouden"))
    for name, start, empty in [("a.xlsx", 5, True), ("b.xlsx", 25, False)]:
        book = openpyxl.Workbook()
        book.active.title = "Export"
        for row in rows[:5]:
            book.active.append(row)
        for number, row in enumerate(rows[start:start + 20]):
            row = list(row)
            row[household] = None if empty and number == 3 else 100 + number
            book.active.append(row)
        (tmp_path / "tvs").mkdir(exist_ok=True)
        book.save(tmp_path / "tvs" / name)
    specs = [s for s in load_specs() if s.bron == "tvs_personen"]
    cut = [read_file(tmp_path / "tvs" / name, f"tvs/{name}", specs, "calamine")
           for name in ("a.xlsx", "b.xlsx")]
    assert_as_alone(cut)
    _, frame = convert(cut)
    assert frame["huishouden"].iloc[0] == "100.0"
    assert frame["huishouden"].iloc[20] == "100"
