"""Hostile and unusual workbooks are measured before they are loaded: each is refused with a Dutch
problem naming the file (and the sheet where known) before any engine opens it, or read within
bounds; genuine large exports, .xls, .xlsb and .ods files are read. How long the refusals take is
timed by benchmarks/bench_hostile.py, not asserted here."""

from __future__ import annotations

import dataclasses
import errno
import shutil
import tracemalloc
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import RAW_DIR
from analysis.ingest import limits, spreadsheet
from analysis.ingest.cells import Foutwaarde
from analysis.ingest.extract import Layout, extract, locate_layout
from analysis.ingest.measure import measure_xlsx
from analysis.ingest.specs import load_specs
from analysis.ingest.spreadsheet import Book, WorkbookError, check_workbook

pytestmark = pytest.mark.hostile

FIXTURES = Path(__file__).parents[1] / "fixtures"
COA = RAW_DIR / "coa" / "COA_realisatie_taakstelling_2023-03-01.xlsx"
ENGINES = ["openpyxl", "calamine"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
# What measuring a sheet may hold in Python objects at once: it streams the sheet in pieces
# (about 11 MiB at its peak, whatever the sheet's size); holding the sheet would take more.
STREAMED = 16 * limits.MIB


def content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = [("/xl/workbook.xml", "sheet.main"), ("/xl/sharedStrings.xml", "sharedStrings")] + [
        (f"/xl/worksheets/sheet{i}.xml", "worksheet") for i in range(1, sheets + 1)]
    overrides = "".join(f'<Override PartName="{part}" ContentType="{kind}.{what}+xml"/>'
                        for part, what in parts)
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>")


def write_xlsx(path: Path, sheets: dict[str, str], strings: tuple[str, ...] = (),
               dimension: str | None = None, prefix: str = "") -> Path:
    """A minimal xlsx written by hand: ``sheets`` maps a sheet name to its <sheetData> rows."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    entries = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                      for i, name in enumerate(sheets, 1))
    targets = "".join(f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    shared = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(len(sheets)))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                         f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
                         f"<sheets>{entries}</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{targets}'
                         f'<Relationship Id="rIdS" Type="{DOC_RELS}/sharedStrings" '
                         'Target="sharedStrings.xml"/></Relationships>')
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                         f'uniqueCount="{len(strings)}">{shared}</sst>')
        for i, rows in enumerate(sheets.values(), 1):
            size = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
            archive.writestr(f"xl/worksheets/sheet{i}.xml", f"<{p}worksheet {xmlns}>{size}"
                             f"<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>")
    return path


def write_ods(path: Path, rows: str, name: str = "Overzicht", manifest_extra: str = "") -> Path:
    """A minimal OpenDocument spreadsheet: ``rows`` is the table's row XML."""
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet><table:table table:name={quoteattr(name)}>{rows}"
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                f'manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def ods_cell(value: object) -> str:
    if isinstance(value, bool | int | float) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
    if value is None:
        return "<table:table-cell/>"
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
            "</table:table-cell>")


def refusal(path: Path, engine: str = "openpyxl") -> WorkbookError:
    """The WorkbookError of opening ``path`` and reading every sheet."""
    with pytest.raises(WorkbookError) as caught, Book(path, path.name, engine) as book:
        for sheet in book.sheet_names:
            book.grid(sheet)
    return caught.value


class EngineCalled(Exception):
    """pandas was asked to open or read a workbook that should have been refused before."""


def unread_refusal(path: Path, monkeypatch: pytest.MonkeyPatch,
                   engine: str = "openpyxl") -> WorkbookError:
    """The WorkbookError of opening ``path``, raised by the checks and the measurement before
    an engine opens the file or reads a sheet (where a reader allocates the sheet's whole grid):
    pandas' ExcelFile and read_excel, and python-calamine's opening and reading of a workbook, are
    replaced by a spy that records the call and stops it."""
    calls: list[str] = []

    def spy(reader: str):
        def stop(*_args: object, **_kwargs: object) -> None:
            calls.append(reader)
            raise EngineCalled(f"{reader} called for {path.name}")
        return stop

    for reader in ("ExcelFile", "read_excel"):
        monkeypatch.setattr(spreadsheet.pd, reader, spy(reader))
    monkeypatch.setattr(spreadsheet, "CalamineWorkbook",
                        SimpleNamespace(from_path=spy("CalamineWorkbook.from_path")))
    monkeypatch.setattr(spreadsheet, "read_sheet", spy("read_sheet"))
    error = refusal(path, engine)
    assert calls == []
    return error


def lowered(monkeypatch: pytest.MonkeyPatch, **changes: int) -> None:
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, **changes))


FAR = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
       '<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>')


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dimension", [None, "A1", "A1:XFD1048576"])
@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_far_cell_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str,
                               dimension: str | None, prefix: str) -> None:
    rows = prefixed(FAR, f"{prefix}:" if prefix else "")
    path = write_xlsx(tmp_path / "ver.xlsx", {"Overzicht": rows}, strings=("Gemeente", " "),
                      dimension=dimension, prefix=prefix)
    error = unread_refusal(path, monkeypatch, engine)
    assert error.problem.bestand == "ver.xlsx"
    assert error.problem.blad == "Overzicht"
    if dimension == "A1:XFD1048576":
        assert error.problem.melding == (
            "blad heeft 1.048.576 rijen × 16.384 kolommen volgens de opgegeven afmeting; "
            "verwacht hoogstens 20.000.000 cellen; niet gelezen")
    else:
        assert error.problem.melding == (
            "blad heeft een cel in XFD1048576; daarmee beslaat het blad 1.048.576 rijen × "
            "16.384 kolommen = 17.179.869.184 cellen; verwacht hoogstens 20.000.000 cellen; "
            "verwijder losse cellen buiten de tabel; niet gelezen")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stray_empty_styled_cell_far_away_does_not_widen_the_grid(tmp_path: Path,
                                                                   engine: str) -> None:
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>7</v></c></row>'
            '<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    path = write_xlsx(tmp_path / "opmaak.xlsx", {"Overzicht": rows}, strings=("Gemeente",))
    with Book(path, path.name, engine) as book:
        assert book.grid("Overzicht").to_numpy().tolist() == [["Gemeente", 7]]


@pytest.mark.parametrize("field", ["max_rows", "max_cells"])
def test_a_cell_beyond_a_lowered_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  field: str) -> None:
    lowered(monkeypatch, **{field: 99})
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="100"><c r="A100"><v>2</v></c></row>'
    error = unread_refusal(write_xlsx(tmp_path / "lang.xlsx", {"Blad1": rows}), monkeypatch)
    assert error.problem.blad == "Blad1"
    assert "verwacht hoogstens 99" in error.problem.melding


@pytest.mark.parametrize(("field", "expected"), [
    ("max_shared_strings", "tabel met gedeelde teksten heeft meer dan 1.000 teksten; niet gelezen"),
    ("max_shared_string_chars",
     "tabel met gedeelde teksten is langer dan 1.000 tekens; niet gelezen"),
])
def test_too_many_shared_strings_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             field: str, expected: str) -> None:
    lowered(monkeypatch, **{field: 1000})
    strings = tuple(f"t{n}" for n in range(1001))
    path = write_xlsx(tmp_path / "teksten.xlsx", {"Blad1": '<row r="1"><c r="A1" t="s"><v>0</v>'
                                                  "</c></row>"}, strings=strings)
    error = unread_refusal(path, monkeypatch)
    assert (error.problem.bestand, error.problem.melding) == ("teksten.xlsx", expected)


def test_a_member_that_packs_like_a_zip_bomb_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "bom.xlsx", {"Blad1": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/opvulling.xml", b" " * (5 * limits.MIB))
    error = unread_refusal(path, monkeypatch)
    assert error.problem.melding.startswith("onderdeel xl/media/opvulling.xml pakt ")
    assert error.problem.melding.endswith("keer zo groot uit als het is; verwacht hoogstens 100 "
                                          "keer (mogelijk een zip-bom); niet gelezen")


@pytest.mark.parametrize(("field", "expected"), [
    ("max_member_bytes", "onderdeel xl/worksheets/sheet1.xml is uitgepakt 0 MB; verwacht "
                         "hoogstens 0 MB (mogelijk een zip-bom); niet gelezen"),
    ("max_total_bytes", "uitgepakt 0 MB; verwacht hoogstens 0 MB (mogelijk een zip-bom); niet "
                        "gelezen"),
])
def test_members_unpacking_past_a_lowered_size_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, expected: str) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 400))
    path = write_xlsx(tmp_path / "groot.xlsx", {"Blad1": rows})
    lowered(monkeypatch, **{field: 10_000 if field == "max_member_bytes" else 12_000})
    error = refusal(path)
    assert error.problem.melding == expected


def test_an_xml_bomb_in_the_shared_strings_is_refused(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "lach.xlsx", {"Blad1": ""})
    bomb = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "' + f"&{chr(97 + n)};" * 10 + '">' for n in range(8))
        + f']><sst xmlns="{MAIN}"><si><t>&i;</t></si></sst>')
    replace_member(path, "xl/sharedStrings.xml", bomb.encode())
    error = unread_refusal(path, monkeypatch)
    assert error.problem.melding == ("werkmap bevat verboden XML-constructies (mogelijk een "
                                     "XML-bom); niet gelezen")


def replace_member(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)


def test_a_member_with_a_wrong_checksum_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "kapot.xlsx", {"Blad1": '<row r="1"><c r="A1"><v>1</v></c>'
                                                "</row>" * 50})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF  # inside the packed data
    path.write_bytes(bytes(data))
    error = refusal(path)
    assert error.problem.bestand == "kapot.xlsx"
    assert "beschadigd" in error.problem.melding or "niet leesbaar" in error.problem.melding


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("prefix", ["", "x"])
def test_error_values_and_formulas_without_a_value_reach_the_grid(tmp_path: Path, engine: str,
                                                                  prefix: str) -> None:
    p = f"{prefix}:" if prefix else ""
    cells = [('t="e"', "<v>#N/A</v>"), ("", "<f>1+1</f>"), ("", "<f>A1</f><v></v>"),
             ('t="s"', "<v>0</v>"), ('t="e"', "<f>1/0</f><v>#DIV/0!</v>"),
             ('t="str"', "<f>\"\"</f><v></v>"), ("", "<f>1+1</f><v>2</v>")]
    row = "".join(f'<{p}c r="{col}2" {attrs}>{prefixed(body, p)}</{p}c>'
                  for col, (attrs, body) in zip("ABCDEFG", cells, strict=True))
    rows = f'<{p}row r="2">{row}</{p}row><{p}row r="3"><{p}c r="B3"><{p}f>B2</{p}f></{p}c></{p}row>'
    path = write_xlsx(tmp_path / "fouten.xlsx", {"Blad1": rows}, strings=("tekst",), prefix=prefix)
    with Book(path, path.name, engine) as book:
        grid = book.grid("Blad1").to_numpy().tolist()
    empty = Foutwaarde("formule zonder opgeslagen waarde")
    assert grid[0] == [None] * 7
    assert grid[1] == [Foutwaarde("#N/A"), empty, empty, "tekst", Foutwaarde("#DIV/0!"), None, 2]
    assert grid[2] == [None, empty, None, None, None, None, None]


def prefixed(xml: str, prefix: str) -> str:
    """Element names of ``xml`` with a namespace prefix ('x:')."""
    return xml.replace("</", "\0").replace("<", f"<{prefix}").replace("\0", f"</{prefix}")


def copy(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    return target


def coa_ods(path: Path) -> Path:
    """The sample COA overview of 1 March 2023 as an OpenDocument spreadsheet."""
    sheet = openpyxl.load_workbook(COA).worksheets[0]
    rows = "".join("<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
                   for row in sheet.iter_rows(values_only=True))
    empty_tail = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                  'table:number-columns-repeated="16384"/></table:table-row>')
    return write_ods(path, rows + empty_tail, name=sheet.title)


def read_coa(path: Path, engine: str) -> list[tuple[str, int]]:
    """The (gemeente, gerealiseerd) rows a COA overview spec extracts from ``path``."""
    spec = next(s for s in load_specs() if s.naam.startswith("COA maandoverzicht realisatie "
                                                              "taakstelling (indeling 2022"))
    with Book(path, path.name, engine) as book:
        layout = locate_layout(spec, book)
        assert isinstance(layout, Layout), layout
        result = extract(spec, layout, path.name, "")
    assert not result.problems, result.problems
    assert result.frame is not None
    return list(result.frame[["gemeente_code", "gerealiseerd"]].itertuples(index=False,
                                                                          name=None))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("make", [
    pytest.param(lambda folder: copy(FIXTURES / "coa_overzicht_2023-03-01.xls",
                                     folder / "coa.xls"), id="xls"),
    pytest.param(lambda folder: coa_ods(folder / "coa.ods"), id="ods"),
])
def test_xls_and_ods_overviews_are_read(tmp_path: Path, engine: str, make) -> None:
    expected = read_coa(copy(COA, tmp_path / "coa.xlsx"), "openpyxl")
    assert len(expected) > 5
    assert read_coa(make(tmp_path), engine) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_an_xlsb_workbook_is_read(tmp_path: Path, engine: str) -> None:
    path = copy(FIXTURES / "calamine_date.xlsb", tmp_path / "datum.xlsb")
    with Book(path, path.name, engine) as book:
        grid = book.grid(book.sheet_names[0])
    assert grid.shape == (3, 2)
    assert grid[1].tolist() == [15, 16, 17]


def test_an_xlsb_workbook_is_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lowered(monkeypatch, max_cells=5)
    error = refusal(copy(FIXTURES / "calamine_date.xlsb", tmp_path / "datum.xlsb"))
    assert error.problem.blad == "Sheet1"
    assert error.problem.melding.startswith("blad heeft een cel in A3; daarmee beslaat het blad "
                                            "3 rijen × 2 kolommen = 6 cellen")


def test_a_repeated_value_in_an_ods_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cell = ('<table:table-cell office:value-type="string" table:number-columns-repeated="16384">'
            "<text:p>x</text:p></table:table-cell>")
    rows = f'<table:table-row table:number-rows-repeated="1048576">{cell}</table:table-row>'
    error = unread_refusal(write_ods(tmp_path / "herhaald.ods", rows), monkeypatch)
    assert error.problem.blad == "Overzicht"
    assert error.problem.melding.startswith("blad heeft een cel in ")


def test_a_password_protected_ods_is_refused(tmp_path: Path) -> None:
    extra = '<manifest:encryption-data manifest:checksum-type="SHA1"/>'
    error = refusal(write_ods(tmp_path / "geheim.ods", "", manifest_extra=extra))
    assert error.problem.melding == ("werkmap is met een wachtwoord beveiligd; sla het bestand op "
                                     "zonder wachtwoord en lees het opnieuw in")


def zip_with(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("make", "expected"), [
    pytest.param(lambda folder: coa_ods(folder / "coa.xlsx"),
                 "dit is een OpenDocument-rekenblad (.ods) met de extensie .xlsx; geef het "
                 "bestand de extensie .ods of sla het op als .xlsx", id="ods-as-xlsx"),
    pytest.param(lambda folder: zip_with(folder / "coa.xlsx", {"xl/workbook.bin": b"\x83\x01\x00"}),
                 "dit is een binair Excel-bestand (.xlsb) met de extensie .xlsx; geef het "
                 "bestand de extensie .xlsb of sla het op als .xlsx", id="xlsb-as-xlsx"),
    pytest.param(lambda folder: copy(FIXTURES / "coa_overzicht_2023-03-01.xls",
                                     folder / "coa.xlsx"),
                 "dit is een oud Excel-bestand (.xls) met de extensie .xlsx; geef het bestand de "
                 "extensie .xls of sla het op als .xlsx", id="xls-as-xlsx"),
    pytest.param(lambda folder: copy(COA, folder / "coa.xls"),
                 "dit is een Excel-bestand (.xlsx) met de extensie .xls; geef het bestand de "
                 "extensie .xlsx of sla het op als .xlsx", id="xlsx-as-xls"),
    pytest.param(lambda folder: zip_with(folder / "coa.ods", {"mimetype": "text/plain"}),
                 "zip-bestand zonder Excel-werkmap (xl/workbook.xml ontbreekt)",
                 id="zip-without-workbook"),
    pytest.param(lambda folder: (folder / "coa.xls").write_bytes(b"<html><table><tr><td>Assen"
                                                                 b"</td></tr></table></html>")
                 and folder / "coa.xls",
                 "dit is een HTML- of XML-bestand met de extensie .xls; verwacht een echt oud "
                 "Excel-bestand (.xls)", id="html-as-xls"),
    pytest.param(lambda folder: (folder / "coa.ods").write_bytes(b"") or folder / "coa.ods",
                 "bestand is leeg (0 bytes); verwacht een OpenDocument-rekenblad (.ods)",
                 id="empty-ods"),
])
def test_a_renamed_file_is_named_by_what_it_is(tmp_path: Path, make, expected: str) -> None:
    path = make(tmp_path)
    with pytest.raises(WorkbookError) as caught:
        check_workbook(path, path.name)
    assert (caught.value.problem.bestand, caught.value.problem.melding) == (path.name, expected)
    error = refusal(path, "calamine")
    assert error.problem.melding == expected


def test_a_folder_named_like_a_workbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").mkdir()
    error = refusal(tmp_path / "x.xlsx")
    assert error.problem.melding == ("dit is een map, geen bestand; verwacht een Excel-bestand "
                                     "(.xlsx)")


@pytest.mark.parametrize(("code", "reason"), [(errno.EACCES, "geen leesrechten"),
                                              (errno.EIO, "invoer-/uitvoerfout")])
@pytest.mark.parametrize("engine", ENGINES)
def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       code: int, reason: str, engine: str) -> None:
    path = copy(COA, tmp_path / "coa.xlsx")
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):
        if self == path:
            raise OSError(code, "weigering", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    error = refusal(path, engine)
    assert (error.problem.bestand, error.problem.melding) == (
        "coa.xlsx", f"bestand is niet leesbaar ({reason}); niet gelezen")


@pytest.mark.zwaar
def test_a_large_genuine_export_passes_the_measurement_in_bounded_memory(
        tmp_path: Path) -> None:
    rows, columns = 100_000, 10
    path = write_xlsx(tmp_path / "export.xlsx", {"Export": ""}, strings=("Assen", "Ja"))
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:J{rows}"/><sheetData>'
                        .encode())
            for r in range(1, rows + 1):
                sheet.write((f'<row r="{r}">' + "".join(
                    f'<c r="{col}{r}" t="s"><v>{r % 2}</v></c>' if col in "AE"
                    else f'<c r="{col}{r}"><v>{r * 7 + 3}</v></c>' for col in "ABCDEFGHIJ")
                    + "</row>").encode())
            sheet.write(b"</sheetData></worksheet>")
    with zipfile.ZipFile(path) as archive:
        unpacked = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        tracemalloc.start()
        try:
            sizes = measure_xlsx(archive, path.name)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert unpacked > STREAMED  # 31 MiB of sheet XML: holding it whole breaks the bound
    assert peak < STREAMED  # Python allocations: streamed, the sheet is never held whole
    assert (sizes["Export"].rows, sizes["Export"].cols, sizes["Export"].fouten) == (
        rows, columns, {})


CELL_VALUES = st.one_of(
    st.integers(-10**6, 10**6).map(lambda n: ("", f"<v>{n}</v>", n)),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(
        lambda x: ("", f"<v>{x!r}</v>", x)),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8).map(
        lambda s: ('t="inlineStr"', f"<is><t>{escape(s)}</t></is>", s)),
    st.sampled_from(["#N/A", "#REF!", "#DIV/0!", "#VALUE!"]).map(
        lambda e: ('t="e"', f"<v>{e}</v>", Foutwaarde(e))),
    st.just(("", "<f>SUM(A1:A2)</f>", Foutwaarde("formule zonder opgeslagen waarde"))),
    st.booleans().map(lambda b: ('t="b"', f"<v>{int(b)}</v>", b)),
)
SHEET_NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                                    exclude_characters="[]:*?/\\"), min_size=1, max_size=31)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=SHEET_NAMES, origin=st.tuples(st.integers(1, 40), st.integers(1, 30)),
       cells=st.lists(st.lists(CELL_VALUES, min_size=1, max_size=5), min_size=1, max_size=6),
       engine=st.sampled_from(ENGINES), declared=st.sampled_from([None, "A1", "A1:XFD1048576"]))
def test_generated_workbooks_give_a_grid_or_a_workbook_error(
        tmp_path: Path, name: str, origin: tuple[int, int], cells: list, engine: str,
        declared: str | None) -> None:
    top, left = origin
    rows = "".join(
        f'<row r="{top + i}">' + "".join(
            f'<c r="{openpyxl.utils.get_column_letter(left + j)}{top + i}" {attrs}>{body}</c>'
            for j, (attrs, body, _) in enumerate(row)) + "</row>"
        for i, row in enumerate(cells))
    path = write_xlsx(tmp_path / "gegenereerd.xlsx", {name: rows}, dimension=declared)
    try:
        with Book(path, path.name, engine) as book:
            grid = book.grid(book.sheet_names[0])
    except WorkbookError as error:
        assert error.problem.bestand == "gegenereerd.xlsx"
        assert declared == "A1:XFD1048576"
        return
    for i, row in enumerate(cells):
        for j, (_, _, expected) in enumerate(row):
            r, c = top - 1 + i, left - 1 + j
            value = grid.iat[r, c] if r < grid.shape[0] and c < grid.shape[1] else None
            if isinstance(expected, Foutwaarde):
                assert value == expected
            else:
                assert not isinstance(value, Foutwaarde)


@pytest.fixture(scope="module")
def sample_overview() -> pd.DataFrame:
    """The COA overview table of the sample's own ingest, read once for both formats."""
    from analysis.ingest.mirror import ingest

    return ingest(RAW_DIR).tables["coa_overzicht"]


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_overview_in_another_format_is_ingested_like_the_xlsx(
        tmp_path: Path, suffix: str, sample_overview: pd.DataFrame) -> None:
    """A COA overview saved as .xls or .ods among the sample's exports is found, matched by the
    overview's spec and gives the same rows as the .xlsx it replaces."""
    from analysis.ingest.mirror import ingest

    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    (raw / "coa" / COA.name).unlink()
    other = raw / "coa" / COA.with_suffix(suffix).name
    if suffix == ".xls":
        copy(FIXTURES / "coa_overzicht_2023-03-01.xls", other)
    else:
        coa_ods(other)
    expected = sample_overview
    found = ingest(raw).tables["coa_overzicht"]
    data = [c for c in expected.columns if not c.startswith(("bron_", "bestand_"))]
    assert found[data].equals(expected[data])
    assert (found["bron_bestand"] == f"coa/{other.name}").sum() == 12
