"""The block reader gives, block by block, exactly what calamine gives for the measured rows of
the whole sheet (``to_python(skip_empty_area=False, nrows=...)``), padded to the measured width:
the same values of the same types, the same rows, whatever the block size. Workbooks are built
with openpyxl and by hand (shared and inline strings, rich text, dates, errors, formulas, a
namespace prefix, gaps, cells far right), and at random; what cannot be cut exactly is read
whole, and still exact; a sheet whose cells leave their rows' order is said to be so
(``ReadWholeError``), for the caller to read it whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from analysis.ingest import limits
from analysis.ingest.blokken import ReadWholeError, SheetBlocks
from analysis.ingest.measure import SheetSize, WorkbookError, measure_xlsx
from tests.conftest import examples

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
KIND = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SIZES = (1, 2, 3, 7, 10_000)
# Styles: 0 general, 1 a date, 2 a date and time, 3 a time, 4 a duration.
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
          'formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts count="1"><font/></fonts>'
          '<fills count="1"><fill/></fills><borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/>'
          '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/>'
          '<xf numFmtId="21" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/>'
          "</cellXfs></styleSheet>")
SHARED = ["plain", "Zwolle", "Referent", "a & b <c>",
          '<r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve"> text</t></r>',
          "<t>kanji</t><rPh sb=\"0\" eb=\"1\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/>",
          "<t>line_x000D_break</t>", '<t xml:space="preserve">  spaced  </t>',
          "<t>  trimmed  </t>", "<t/>"]


def shared_strings(values: list[str]) -> str:
    items = "".join(f"<si>{v}</si>" if v.startswith("<") else f"<si><t>{escape(v)}</t></si>"
                    for v in values)
    return f'<sst xmlns="{MAIN}" uniqueCount="{len(values)}">{items}</sst>'


def package(path: Path, sheet: str, *, shared: list[str] | None = SHARED, pr: str = "",
            name: str = "Blad") -> Path:
    """A workbook written by hand: one sheet (its XML as given), shared strings and styles."""
    parts = {"workbook.xml": "sheet.main", "worksheets/sheet1.xml": "worksheet",
             "styles.xml": "styles", "sharedStrings.xml": "sharedStrings"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="/xl/{part}" ContentType="{KIND}.{kind}+xml"/>'
                      for part, kind in parts.items()) + "</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                         f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">{pr}'
                         f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", STYLES)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings(shared))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def worksheet(rows: str, prefix: str = "", head: str = "", tail: str = "") -> str:
    """A sheet document around ``rows``, its elements written with ``prefix`` (e.g. 'x:')."""
    declare = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<{prefix}worksheet {declare}="{MAIN}" xmlns:x14ac="urn:x14ac">{head}'
            f"<{prefix}sheetData>{rows}</{prefix}sheetData>{tail}</{prefix}worksheet>")


def measured(path: Path, sheet: str = "Blad") -> SheetSize:
    with zipfile.ZipFile(path) as archive:
        return measure_xlsx(archive, path.name)[sheet]


def whole(path: Path, sheet: str = "Blad") -> list[list[object]]:
    """calamine's reading of the sheet's measured rows, padded to its measured width."""
    size = measured(path, sheet)
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=size.rows)
    return [row + [""] * (size.cols - len(row)) for row in rows]


def typed(rows: list[list[object]]) -> list[list[tuple[type, object]]]:
    """Values with their types, so that 1 == 1.0 == True do not pass for each other."""
    return [[(type(value), value) for value in row] for row in rows]


def exact(path: Path, sheet: str = "Blad", sizes: tuple[int, ...] = SIZES) -> list[SheetBlocks]:
    """Assert that every block size gives the whole sheet, row numbers included."""
    expected = typed(whole(path, sheet))
    readers = []
    for rows in sizes:
        reader = SheetBlocks(path, sheet, measured(path, sheet), rows=rows)
        got, next_row = [], 1
        for block in reader:
            assert block.first_row == next_row
            next_row += len(block.rows)
            got.extend(block.rows)
        assert typed(got) == expected, f"blokken van {rows} rijen"
        readers.append(reader)
    return readers


def sliced(readers: list[SheetBlocks]) -> None:
    """Assert the sheet was read in slices (not whole), several for the smallest block size."""
    assert all(reader.reason is None for reader in readers), readers[0].reason
    assert readers[0].slices > 1


def test_openpyxl_workbook_of_every_kind_of_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Blad"
    sheet["C2"] = "titel"
    for row in range(4, 60):
        if row % 9 == 0:
            continue  # an empty row
        sheet.cell(row, 2, f"persoon {row}")
        sheet.cell(row, 3, row * 1.25)
        sheet.cell(row, 4, row)
        sheet.cell(row, 5, dt.date(2022, 1, 1) + dt.timedelta(days=row))
        sheet.cell(row, 6, dt.datetime(2023, 5, 1, 8, 30) + dt.timedelta(hours=row))
        sheet.cell(row, 7, row % 2 == 0)
    sheet["H10"] = dt.time(13, 45)
    sheet["I11"] = "#N/A"
    sheet["J12"] = "=SUM(C4:C10)"  # a formula without a stored value
    sheet["AD30"] = "ver rechts"
    sheet["A45"] = "eerste kolom"
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    sliced(exact(path))
    size, fouten = measured(path), {}
    for block in SheetBlocks(path, "Blad", size, rows=4):
        fouten.update(block.fouten)
    assert fouten == size.fouten


HAND_ROWS = (
    '<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
    '<c r="C1" t="s"><v>1</v></c></row>'
    '<row r="3"><c t="s"><v>2</v></c><c><v>3.5</v></c><c t="b"><v>1</v></c></row>'
    '<row r="4"><c r="B4" t="inlineStr"><is><t>inline</t></is></c>'
    '<c r="C4" t="str"><f>A1&amp;"x"</f><v>plainx</v></c><c r="D4" t="e"><f>1/0</f>'
    '<v>#DIV/0!</v></c><c r="E4" t="d"><v>2024-05-01T10:00:00</v></c>'
    '<c r="F4" t="inlineStr"><is><r><t>in</t></r><r><t>line rich</t></r></is></c></row>'
    '<row r="5"><c r="A5" s="1"><v>45000</v></c><c r="B5" s="2"><v>45000.25</v></c>'
    '<c r="C5" s="3"><v>0.5</v></c><c r="D5" s="4"><v>1.25</v></c><c r="E5"><v>-7</v></c>'
    '<c r="F5" t="n"><v>1E+3</v></c></row>'
    '<row r="6"><c r="A6" s="1"/><c r="F6"><f>SUM(A1:A2)</f></c><c r="G6"><v></v></c>'
    '<c r="H6" t="b"><v>0</v></c></row>'
    '<row r="7">' + "".join(f'<c r="{col}7" t="s"><v>{index}</v></c>'
                            for col, index in zip("ABCDEFG", range(3, 10), strict=True))
    + "</row>"
    '<row r="8"><c r="B8" t="s"><v>1</v></c></row><row><c t="s"><v>2</v></c></row>'
    '<row r="10"><c r="C10" t="inlineStr"><is><t>&lt;row r="11"&gt;</t></is></c>'
    '<c r="D10" t="str"><v>&lt;x:row r="11"/&gt; "&amp;"</v></c></row>'
    '<row r="12"><c r="AZ12"><v>1</v></c></row>'
    + "".join(f'<row r="{row}"><c r="B{row}" t="s"><v>{row % 3}</v></c><c r="C{row}">'
              f"<v>{row}</v></c></row>" for row in range(15, 41))
    + '<row r="41"/><row r="42" spans="1:3"></row>'
)


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_hand_written_sheet_with_strings_dates_errors_and_gaps(tmp_path: Path,
                                                               prefix: str) -> None:
    rows = HAND_ROWS.replace("<row", f"<{prefix}row").replace("</row", f"</{prefix}row")
    for tag in ("c", "v", "f", "is", "t", "r"):
        rows = rows.replace(f"<{tag}>", f"<{prefix}{tag}>").replace(f"<{tag} ", f"<{prefix}{tag} ")
        rows = rows.replace(f"</{tag}>", f"</{prefix}{tag}>").replace(f"<{tag}/>",
                                                                      f"<{prefix}{tag}/>")
    head = f'<{prefix}dimension ref="A1:AZ42"/><{prefix}sheetViews/>'
    tail = f'<{prefix}mergeCells count="1"><{prefix}mergeCell ref="A1:B1"/></{prefix}mergeCells>'
    path = package(tmp_path / "hand.xlsx", worksheet(rows, prefix, head, tail))
    sliced(exact(path))


def test_dates_in_the_1904_system(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{row}"><c r="A{row}" s="1"><v>{40000 + row}</v></c>'
                   f'<c r="B{row}" s="2"><v>{40000.5 + row}</v></c></row>' for row in range(1, 9))
    path = package(tmp_path / "1904.xlsx", worksheet(rows), pr='<workbookPr date1904="1"/>')
    sliced(exact(path))


def test_width_is_the_measured_one_when_the_last_column_holds_only_formulas_without_value(
        tmp_path: Path) -> None:
    """calamine keeps no cell for a formula without a value; the measurement counts it (as a
    cell without a value), and the blocks are as wide as measured, the extra column empty."""
    rows = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c><c r="E{row}"><f>A{row}*2</f>'
                   "</c></row>" for row in range(1, 12))
    rows += '<row r="12"><c r="C12"><v>1</v></c></row>'
    path = package(tmp_path / "breedte.xlsx", worksheet(rows))
    sliced(exact(path))
    book = CalamineWorkbook.from_path(str(path))
    assert book.get_sheet_by_name("Blad").width == 3
    assert len(whole(path)[0]) == 5


def test_cells_far_right_and_a_first_column_empty_in_a_slice(tmp_path: Path) -> None:
    rows = ['<row r="2"><c r="B2"><v>1</v></c></row>']
    rows += [f'<row r="{row}"><c r="D{row}" t="s"><v>1</v></c></row>' for row in range(3, 20)]
    rows += ['<row r="20"><c r="XFD20"><v>2</v></c></row>', '<row r="30"><c r="A30"><v>3</v></c>'
             "</row>"]
    path = package(tmp_path / "rechts.xlsx", worksheet("".join(rows)))
    sliced(exact(path, sizes=(1, 4, 10_000)))


def test_empty_sheet_and_a_sheet_of_empty_rows(tmp_path: Path) -> None:
    for number, rows in enumerate(["", '<row r="1"/><row r="2"><c r="A2"/></row>']):
        path = package(tmp_path / f"leeg{number}.xlsx", worksheet(rows))
        for reader in exact(path):
            assert list(reader) == []


@pytest.mark.parametrize(("case", "rows"), [
    ("CDATA", '<row r="5"><c r="A5" t="inlineStr"><is><t><![CDATA[<row r="9">]]></t></is></c>'
              "</row>"),
    ("commentaar", '<!-- <row r="6"> --><row r="6"><c r="A6"><v>6</v></c></row>'),
    ("instructie", '<?pi data?><row r="6"><c r="A6"><v>6</v></c></row>'),
    ("rij terug", '<row r="3"><c r="B3"><v>3</v></c></row>'),
])
def test_what_cannot_be_cut_is_read_whole_and_exact(tmp_path: Path, case: str,
                                                    rows: str) -> None:
    before = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>' for row in range(1, 5))
    after = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>' for row in range(7, 12))
    path = package(tmp_path / "heel.xlsx", worksheet(before + rows + after))
    readers = exact(path, sizes=(1,))
    assert readers[0].reason is not None, case
    assert readers[0].slices == 0


@pytest.mark.parametrize(("case", "rows"), [
    ("terug", '<row r="6"><c r="A2"><v>6</v></c></row>'),
    ("vooruit", '<row r="6"><c r="A6"><v>6</v></c><c r="B30"><v>7</v></c></row>'),
])
def test_cells_outside_their_rows_order_are_said_to_be_so(tmp_path: Path, case: str,
                                                          rows: str) -> None:
    """A cell that calamine places outside its slice's rows raises ReadWholeError when that
    slice is read; the caller then reads the sheet whole."""
    before = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>' for row in range(1, 5))
    after = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>' for row in range(7, 12))
    path = package(tmp_path / "volgorde.xlsx", worksheet(before + rows + after))
    with pytest.raises(ReadWholeError, match="buiten zijn rijen"):
        list(SheetBlocks(path, "Blad", measured(path), rows=1))


def test_rows_without_numbers_are_not_cut_inside(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row>' + "".join(
        f"<row><c><v>{row}</v></c><c t=\"s\"><v>{row % 4}</v></c></row>" for row in range(2, 9))
    rows += "".join(f'<row r="{row}"><c r="B{row}"><v>{row}</v></c></row>' for row in range(9, 14))
    path = package(tmp_path / "zonder-r.xlsx", worksheet(rows))
    readers = exact(path)
    assert readers[0].reason is None


def test_references_beyond_excels_columns_are_measured_as_calamine_reads_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine reads AAAA3 as column 18,279 and a row numbered "A5" as row 5; the measurement
    must see the rectangle calamine will allocate, or it guards nothing."""
    rows = ('<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="AAAA3"><v>2</v></c></row>'
            '<row r="A5"><c><v>5</v></c></row>'
            + "".join(f'<row r="{row}"><c r="B{row}"><v>{row}</v></c></row>'
                      for row in range(6, 12)))
    path = package(tmp_path / "letters.xlsx", worksheet(rows))
    sliced(exact(path, sizes=(1, 3)))
    assert (measured(path).rows, measured(path).cols) == (11, 18_279)
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, max_cells=100_000))
    with pytest.raises(WorkbookError, match="niet gelezen"):
        measured(path)


KINDS = st.sampled_from(["s", "n", "date", "b", "e", "str", "inline", "f", "empty", "d"])


def cell(kind: str, ref: str, number: int) -> str:
    return {
        "s": f'<c{ref} t="s"><v>{number % len(SHARED)}</v></c>',
        "n": f"<c{ref}><v>{number * 0.5 - 3}</v></c>",
        "date": f'<c{ref} s="{1 + number % 4}"><v>{number * 1.75}</v></c>',
        "b": f'<c{ref} t="b"><v>{number % 2}</v></c>',
        "e": f'<c{ref} t="e"><v>#N/A</v></c>',
        "str": f'<c{ref} t="str"><f>"t"&amp;{number}</f><v>t{number}</v></c>',
        "inline": f'<c{ref} t="inlineStr"><is><t>i &lt;{number}&gt;</t></is></c>',
        "f": f"<c{ref}><f>{number}+1</f></c>",
        "empty": f'<c{ref} s="1"/>',
        "d": f'<c{ref} t="d"><v>2024-02-{1 + number % 28:02d}</v></c>',
    }[kind]


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, bool]:
    """A random sheet: rows with gaps, cells at random columns, sometimes without a reference;
    now and then a row without its number or a cell pointing back to an earlier row. Also
    whether it is plain (neither of those), and so to be read in slices."""
    rows, row, plain = [], 0, True
    for _ in range(draw(st.integers(0, 25))):
        row += draw(st.integers(1, 4))
        cols = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        cells, previous = [], 0
        for col in cols:
            letters = openpyxl.utils.get_column_letter(col)
            bare = col == previous + 1 and draw(st.booleans())
            back = draw(st.integers(0, 30)) == 0
            plain = plain and not back
            ref = "" if bare else f' r="{letters}{max(1, row - 5) if back else row}"'
            cells.append(cell(draw(KINDS), ref, row * col))
            previous = col
        numbered = draw(st.integers(0, 15)) > 0
        plain = plain and numbered
        number = f' r="{row}"' if numbered else ""
        rows.append(f"<row{number}>{''.join(cells)}</row>")
    return "".join(rows), plain


@settings(max_examples=examples(120), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets(), prefix=st.sampled_from(["", "x:"]), size=st.sampled_from([1, 2, 5]))
def test_random_sheets_read_in_blocks_equal_the_whole_sheet(
        tmp_path: Path, sheet: tuple[str, bool], prefix: str, size: int) -> None:
    rows, plain = sheet
    if prefix:
        rows = (rows.replace("<row", "<x:row").replace("</row", "</x:row")
                .replace("<c", "<x:c").replace("</c>", "</x:c>"))
    path = package(tmp_path / "willekeurig.xlsx", worksheet(rows, prefix))
    try:
        readers = exact(path, sizes=(size,))
    except ReadWholeError:
        assert not plain  # only a cell pointing back, or a row without its number, may
        return
    if plain:
        assert readers[0].reason is None
