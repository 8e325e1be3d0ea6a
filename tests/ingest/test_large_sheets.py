"""A large sheet is read in blocks and typed block by block, to what reading and typing it whole
gives; where its rows cannot be read in blocks it is read whole after all; and the block
reader's temporary workbook, which holds the sheet's cells, is gone when the file is read, by an
error or an interrupt too. "Large" is made small here (the thresholds of ``spreadsheet``)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.ingest import convert as convert_module
from analysis.ingest import spreadsheet
from analysis.ingest.convert import Extracted, Table, convert
from analysis.ingest.mirror import read_file
from analysis.ingest.specs import load_specs
from analysis.interrupt import Interrupted
from tests.ingest.test_blokken import package, worksheet

NAME = "tvs/TVS_export_groot.xlsx"
HEADER = ["Registratienummer", "Huishouden", "Relatie", "Geboortejaar", "Gemeente",
          "Gemeentecode", "Datum huisvesting", "Nareiziger", "Mutatie", "Telling"]


def export(path: Path, rows: int = 300) -> Path:
    """A person-level export with numbers for registration numbers (one left empty: text
    beside an empty cell, '12.0'), a date with a time and bad cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Taakstellingvolgsysteem - export (synthetisch)"])
    sheet.append(["Exportdatum", dt.date(2026, 1, 5)])
    sheet.append([])
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([10**9 + number, f"HH{number // 3}", "Referent", 1980 + number % 40,
                      "Assen", "GM0106", dt.date(2023, 1, 1) + dt.timedelta(days=number % 700),
                      "Ja" if number % 4 == 0 else "Nee", "Huisvesting", 1])
    sheet["A150"] = None
    sheet["G170"] = dt.datetime(2024, 2, 3, 10, 30)
    sheet["J200"] = "twee"
    sheet["F250"] = "GM9999"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def read(path: Path, name: str = NAME) -> Table | Extracted | list:
    specs = [spec for spec in load_specs() if spec.matches(name)]
    return read_file(path, name, specs, "calamine")


def typed_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> Extracted:
    with monkeypatch.context() as whole:
        whole.setattr(spreadsheet, "LARGE_ROWS", 10**9)
        table = read(path)
    assert isinstance(table, Table)
    [result], frame = convert([table])
    result.frame = frame
    return result


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Sheets of more than 50 rows read in blocks of about 40; the temporary folder watched."""
    monkeypatch.setattr(spreadsheet, "LARGE_ROWS", 50)
    monkeypatch.setattr(spreadsheet, "BLOCK_ROWS", 40)
    folder = tmp_path / "tijdelijk"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def assert_same(got: Extracted, expected: Extracted) -> None:
    assert got.problems == expected.problems
    assert got.rows == expected.rows
    assert got.frame.dtypes.equals(expected.frame.dtypes)
    assert got.frame.equals(expected.frame)


def test_a_large_export_typed_in_blocks_is_typed_as_whole(
        tmp_path: Path, small_blocks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = export(tmp_path / NAME)
    got = read(path)
    assert isinstance(got, Extracted), "read in blocks, typed block by block"
    expected = typed_whole(path, monkeypatch)
    assert_same(got, expected)
    assert {(problem.rij, problem.melding.split(";")[0]) for problem in got.problems} >= {
        (150, "lege cel"), (200, "'twee' is geen geheel getal")}
    assert got.frame["persoon_id"].iloc[0] == "1000000000.0"  # beside an empty cell, as whole
    assert list(small_blocks.iterdir()) == []


@pytest.mark.parametrize("back", [45, 110])
def test_rows_out_of_order_are_read_whole_after_all(tmp_path: Path, small_blocks: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    back: int) -> None:
    """A cell of row 45 (in the first blocks, where the header is looked for) or 110 (after
    blocks were typed) that names row 2: calamine would place it above its slice, so the sheet
    is read whole, to what reading it whole gives."""
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Registratienummer</t></is></c>'
            + "".join(f'<c r="{chr(66 + i)}1" t="inlineStr"><is><t>{label}</t></is></c>'
                      for i, label in enumerate(["Gemeentecode", "Datum huisvesting", "Mutatie",
                                                 "Telling", "Nareiziger"])) + "</row>"]
    for row in range(2, 120):
        first = 2 if row == back else row
        rows.append(f'<row r="{row}"><c r="A{first}"><v>{row}</v></c>'
                    f'<c r="B{row}" t="inlineStr"><is><t>GM0106</t></is></c>'
                    f'<c r="C{row}"><v>{45000 + row}</v></c>'
                    f'<c r="D{row}" t="inlineStr"><is><t>Huisvesting</t></is></c>'
                    f'<c r="E{row}"><v>1</v></c><c r="F{row}" t="inlineStr"><is><t>Nee</t>'
                    "</is></c></row>")
    (tmp_path / "tvs").mkdir()
    path = package(tmp_path / "tvs" / "volgorde.xlsx", worksheet("".join(rows)), name="Export")
    got = read(path, "tvs/volgorde.xlsx")
    assert isinstance(got, Table), "read whole after all"
    [result], frame = convert([got])
    with monkeypatch.context() as whole:
        whole.setattr(spreadsheet, "LARGE_ROWS", 10**9)
        [expected], expected_frame = convert([read(path, "tvs/volgorde.xlsx")])
    assert result.problems == expected.problems
    assert frame.equals(expected_frame)
    assert list(small_blocks.iterdir()) == []


def test_the_temporary_workbook_goes_on_an_interrupt(tmp_path: Path, small_blocks: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = export(tmp_path / NAME)
    typed = convert_module._convert
    calls = []

    def interrupted(tables):
        calls.append(1)
        if len(calls) == 3:
            assert list(small_blocks.iterdir()), "the temporary workbook is there while read"
            raise Interrupted(15)
        return typed(tables)

    monkeypatch.setattr(convert_module, "_convert", interrupted)
    with pytest.raises(Interrupted):
        read(path)
    assert list(small_blocks.iterdir()) == []


def test_a_large_sheet_with_totals_rows_is_read_whole(tmp_path: Path, small_blocks: Path) -> None:
    """A totals row is checked against the sum of all rows: such a sheet is read whole."""
    name = "coa/COA_realisatie_taakstelling_2024-09-01.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Realisatie per gemeente"
    sheet.append(["Peildatum", dt.date(2024, 9, 1)])
    sheet.append(["CBS-code", "Netto taakstelling", "Stand begin halfjaar",
                  "Totaal te huisvesten", "Gehuisvest", "Resterend"])
    for _ in range(60):
        sheet.append(["GM0106", 10, 0, 10, 4, 6])
    sheet.append(["Totaal", 600, 0, 600, 240, 360])
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    book.save(path)
    found = read(path, name)
    assert isinstance(found, Table)
    [result], _ = convert([found])
    assert result.problems == []
    assert pd.Series(found.blank).size == 61
