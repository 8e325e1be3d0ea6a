"""Bad input stops ``analysis ingest`` with exit code 2 and a Dutch report naming file, sheet, row
and column; no traceback is shown and the processed folder is left exactly as it was."""

from __future__ import annotations

import io
import re
import shutil
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from analysis.cli import main
from analysis.config import RAW_DIR

COA = "coa/COA_realisatie_taakstelling_2023-03-01.xlsx"
BIJLAGE_A = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
GOOD = "gemeenten/Emmen_huisvesting_vergunninghouders_2024-2025.xlsx"
PREVIOUS = b"processed table of an earlier run"
# Nine levels of ten references each: expanded, the entity would be 3 GB of 'lol'.
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * 10 + '">' for level in range(1, 10))
    + "]>\n"
)


def raw_folder(tmp_path: Path, damaged: str) -> Path:
    """A raw folder with copies of ``damaged`` and of one good file; the path of the first."""
    for relative in (damaged, GOOD):
        target = tmp_path / "raw" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW_DIR / relative, target)
    return tmp_path / "raw" / damaged


def edit_sheet(path: Path, change: Callable[[Worksheet], object]) -> None:
    """Apply ``change`` to the first sheet of a workbook and save it in place."""
    book = openpyxl.load_workbook(path)
    change(book.worksheets[0])
    book.save(path)


def set_cells(path: Path, values: dict[str, object]) -> None:
    """Overwrite cells ('E9': 'twaalf') of the first sheet."""

    def change(sheet: Worksheet) -> None:
        for cell, value in values.items():
            sheet[cell] = value

    edit_sheet(path, change)


def with_xml_bomb(xlsx: bytes) -> bytes:
    """The workbook with a billion-laughs entity in the first text cell of its first sheet."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    bombed = io.BytesIO()
    with zipfile.ZipFile(bombed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                sheet, count = re.subn(r"<t>[^<]*</t>", "<t>&lol9;</t>", data.decode(), count=1)
                assert count == 1
                data = (BILLION_LAUGHS + sheet).encode()
            target.writestr(info, data)
    return bombed.getvalue()


def encrypted(xlsx: bytes, password: str) -> bytes:
    """The workbook encrypted the way Excel does it when a password is set."""
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx)).encrypt(password, out)
    return out.getvalue()


def failing_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str], damaged: str,
                   engine: str = "openpyxl") -> str:
    """Run the CLI over ``tmp_path/raw``; check it refused cleanly, only complained about the
    damaged file and wrote nothing. Returns stderr."""
    processed = tmp_path / "processed"
    processed.mkdir()
    previous = processed / "taakstelling.parquet"
    previous.write_bytes(PREVIOUS)
    code = main(["ingest", "--raw", str(tmp_path / "raw"), "--processed", str(processed),
                 "--engine", engine])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("Inlezen afgebroken:")
    assert err.rstrip().endswith("Er is niets weggeschreven; de vorige verwerkte gegevens zijn "
                                 "ongewijzigd.")
    problems = [line for line in err.splitlines() if line.startswith("- ")]
    assert problems and all(line.startswith(f"- {damaged}") for line in problems), err
    assert list(processed.iterdir()) == [previous]
    assert previous.read_bytes() == PREVIOUS
    return err


@pytest.mark.parametrize(("damaged", "values", "expected"), [
    pytest.param(COA, {"A9": "Atlantis"},
                 f"{COA}, blad 'Overzicht', rij 9, kolom A ('Gemeente'): 'Atlantis' is geen "
                 "bekende gemeente (naam of CBS-code)",
                 id="unknown-municipality"),
    pytest.param(BIJLAGE_A, {"A13": "GM0106"},
                 f"{BIJLAGE_A}, blad 'Bijlage A', rij 13: herhaalt Assen (GM0106), 2024-H1, "
                 "vastgesteld op 02-10-2023 van rij 12, met inwoners 25700 in plaats van 69100 "
                 "en taakstelling 28 in plaats van 73; herstel of verwijder een van beide rijen",
                 id="duplicate-municipality"),
    pytest.param(BIJLAGE_A, {"A13": "GM0106", "B13": "Assen", "D13": 69_100, "E13": 73},
                 f"{BIJLAGE_A}, blad 'Bijlage A', rij 13: herhaalt Assen (GM0106), 2024-H1, "
                 "vastgesteld op 02-10-2023 van rij 12 met dezelfde cijfers; verwijder een van "
                 "beide rijen",
                 id="duplicate-row-breaking-the-totals"),
    pytest.param(COA, {"E9": "twaalf"},
                 f"{COA}, blad 'Overzicht', rij 9, kolom E ('Gerealiseerd'): 'twaalf' is geen "
                 "geheel getal",
                 id="non-numeric-cell"),
    pytest.param(BIJLAGE_A, {"E13": -28},
                 f"{BIJLAGE_A}, blad 'Bijlage A', rij 13, kolom E ('Taakstelling'): -28 is "
                 "kleiner dan 0; verwacht een getal van minstens 0",
                 id="negative-taakstelling"),
    pytest.param(COA, {"E6": "Aantal gehuisvest"},
                 f"{COA}, blad 'Overzicht', rij 6: kolom ontbreekt in de koprij; verwacht een "
                 "kolom met kop 'Gerealiseerd'; gevonden koppen in rij 6: 'Gemeente', "
                 "'Taakstelling', 'Voor-/achterstand 1/1 of 1/7', 'Gecorrigeerde taakstelling', "
                 "'Aantal gehuisvest', 'Nog te realiseren'; heet de kolom nu anders, voeg die kop "
                 "dan toe aan de labels van gerealiseerd in "
                 "src/analysis/ingest/specs/coa_maandoverzicht_2022.toml",
                 id="missing-column"),
    pytest.param(COA, {"B19": 605},
                 f"{COA}, blad 'Overzicht', rij 19, kolom B ('Taakstelling'): totaalrij 605 klopt "
                 "niet met de som van de rijen (604)",
                 id="totals-row-does-not-add-up"),
    pytest.param(BIJLAGE_A, {"B3": "ergens in 2024"},
                 f"{BIJLAGE_A}, blad 'Bijlage A', rij 3, kolom B ('Periode'): 'ergens in 2024' bij "
                 "'Periode' is geen periode (verwacht bijvoorbeeld '1e helft 2024' of '2024-H1')",
                 id="unparseable-period"),
])
def test_bad_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str], damaged: str,
                  values: dict[str, object], expected: str) -> None:
    set_cells(raw_folder(tmp_path, damaged), values)
    assert f"- {expected}\n" in failing_ingest(tmp_path, capsys, damaged)


@pytest.mark.parametrize(("replace", "expected"), [
    pytest.param(lambda _: b"<!DOCTYPE html>\n<html><body><table><tr><td>GM0106</td></tr></table>"
                           b"</body></html>\n",
                 "dit is een HTML- of XML-bestand met de extensie .xlsx; verwacht een echt "
                 "Excel-bestand (.xlsx)",
                 id="html"),
    pytest.param(lambda _: b"Code;Gemeente;Taakstelling\nGM0106;Assen;73\n",
                 "dit is een tekstbestand (CSV) met de extensie .xlsx; verwacht een echt "
                 "Excel-bestand (.xlsx)",
                 id="csv"),
    pytest.param(lambda xlsx: xlsx[: len(xlsx) // 2],
                 "beschadigd of afgebroken xlsx-bestand (zip niet leesbaar)",
                 id="truncated-zip"),
    pytest.param(lambda _: b"",
                 "bestand is leeg (0 bytes); verwacht een Excel-bestand (.xlsx)",
                 id="empty-file"),
])
def test_not_a_real_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         replace: Callable[[bytes], bytes], expected: str) -> None:
    path = raw_folder(tmp_path, BIJLAGE_A)
    path.write_bytes(replace(path.read_bytes()))
    assert f"- {BIJLAGE_A}: {expected}\n" in failing_ingest(tmp_path, capsys, BIJLAGE_A)


@pytest.mark.parametrize(("change", "expected"), [
    pytest.param(lambda sheet: sheet.delete_rows(1, sheet.max_row),
                 f"{BIJLAGE_A}, blad 'Bijlage A': blad is leeg; verwacht een tabel met kolomkoppen",
                 id="empty-sheet"),
    pytest.param(lambda sheet: setattr(sheet, "title", "Blad1"),
                 f"{BIJLAGE_A}: blad 'Bijlage A' of 'Taakstelling' ontbreekt; aanwezige bladen: "
                 "'Blad1'",
                 id="missing-sheet"),
])
def test_empty_or_missing_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                change: Callable[[Worksheet], object], expected: str) -> None:
    edit_sheet(raw_folder(tmp_path, BIJLAGE_A), change)
    assert f"- {expected}\n" in failing_ingest(tmp_path, capsys, BIJLAGE_A)


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_xml_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             engine: str) -> None:
    # The workbook is measured before either engine parses it, with entity declarations refused.
    expected = (f"{BIJLAGE_A}: werkmap bevat verboden XML-constructies (mogelijk een XML-bom); "
                "niet gelezen")
    path = raw_folder(tmp_path, BIJLAGE_A)
    path.write_bytes(with_xml_bomb(path.read_bytes()))
    tracemalloc.start()
    try:
        err = failing_ingest(tmp_path, capsys, BIJLAGE_A, engine)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"- {expected}\n" in err
    assert peak < 100 * 1024**2  # Python allocations; the expanded entity would be 3 GB


def test_password_protected_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_folder(tmp_path, BIJLAGE_A)
    path.write_bytes(encrypted(path.read_bytes(), "geheim"))
    assert (f"- {BIJLAGE_A}: werkmap is met een wachtwoord beveiligd; sla het bestand op zonder "
            "wachtwoord en lees het opnieuw in\n") in failing_ingest(tmp_path, capsys, BIJLAGE_A)


def test_every_problem_in_a_file_is_reported(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_folder(tmp_path, COA)
    sheet = openpyxl.load_workbook(path)["Overzicht"]
    total, lost = sheet["E19"].value, sheet["E14"].value
    set_cells(path, {"A9": "Atlantis", "E14": "twaalf"})
    err = failing_ingest(tmp_path, capsys, COA)
    assert err.startswith("Inlezen afgebroken: 3 problemen gevonden.\n")
    for expected in [
        "rij 9, kolom A ('Gemeente'): 'Atlantis' is geen bekende gemeente (naam of CBS-code)",
        "rij 14, kolom E ('Gerealiseerd'): 'twaalf' is geen geheel getal",
        f"rij 19, kolom E ('Gerealiseerd'): totaalrij {total} klopt niet met de som van de rijen "
        f"({total - lost})",
    ]:
        assert f"- {COA}, blad 'Overzicht', {expected}\n" in err
