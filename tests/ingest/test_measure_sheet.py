"""Measuring a sheet's XML: the lexical scan of ``<sheetData>`` gives exactly what the exact expat
scan gives (the same extent, the same cells without a value, the same refusal), because it hands
over to that scan wherever it does not accept the XML; and the measure reads cells the way
calamine does (any prefix, any reference of letters and digits)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ingest import limits
from analysis.ingest.measure import sheet as measuring
from analysis.ingest.measure.cellref import column_letters
from analysis.ingest.measure.refusal import WorkbookError
from tests.conftest import examples
from tests.ingest.test_hostile_workbooks import MAIN, unread_refusal, write_xlsx

pytestmark = pytest.mark.hostile

MEMBER = "xl/worksheets/sheet1.xml"
FAR = ("blad heeft een cel in XFD1048576; daarmee beslaat het blad 1.048.576 rijen × 16.384 "
       "kolommen = 17.179.869.184 cellen; verwacht hoogstens 20.000.000 cellen; verwijder losse "
       "cellen buiten de tabel; niet gelezen")


@contextlib.contextmanager
def reading(fast: bool, piece: int = 1 << 19, max_cells: int | None = None) -> Iterator[list]:
    """Measure with the lexical scan (from the first byte) or with expat alone, in pieces of
    ``piece`` bytes; yields the list of the places where expat took over from the scan."""
    saved = measuring.FAST_FROM, measuring.PIECE, measuring._Sheet._resume, limits.LIMITS
    handovers: list[bytes] = []

    def resume(self, open_tags, body, rest):
        handovers.append(rest[:40])
        return saved[2](self, open_tags, body, rest)

    measuring.FAST_FROM, measuring.PIECE = (0 if fast else 1 << 62), piece
    measuring._Sheet._resume = resume
    if max_cells is not None:
        limits.LIMITS = dataclasses.replace(limits.LIMITS, max_cells=max_cells)
    try:
        yield handovers
    finally:
        measuring.FAST_FROM, measuring.PIECE, measuring._Sheet._resume, limits.LIMITS = saved


def measured(xml: bytes) -> tuple:
    """The outcome of measuring a sheet with this XML: its size, or its refusal."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, xml)
    with zipfile.ZipFile(data) as archive:
        try:
            size = measuring.scan_sheet(archive, MEMBER, "blad.xlsx", "Blad1")
        except WorkbookError as error:
            return "geweigerd", error.problem.melding, error.problem.blad
    return size.rows, size.cols, sorted(size.fouten.items())


def both(xml: bytes, piece: int = 1 << 19, max_cells: int | None = None) -> tuple:
    """The outcome of the exact scan, that of the lexical scan, and where it handed over."""
    with reading(False, max_cells=max_cells):
        exact = measured(xml)
    with reading(True, piece, max_cells) as handovers:
        fast = measured(xml)
    return exact, fast, handovers


def sheet(rows: str, prefix: str = "", head: str = "", tail: str = "",
          declaration: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n') -> bytes:
    """A sheet's XML around ``rows`` (written with ``prefix``, 'x:' or '')."""
    xmlns = f'xmlns:{prefix[:-1]}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f"{declaration}<{prefix}worksheet {xmlns}>{head}<{prefix}sheetData>{rows}"
            f"</{prefix}sheetData>{tail}</{prefix}worksheet>").encode()


# Generated sheets: mostly what exports write, with every form the lexical scan must hand over.

TEXTS = st.sampled_from(["Assen", ' r="XFD1048576"', "<c r='XFD1'>", "'s-Hertogenbosch", "a&b",
                         "  spaties  ", "é ü ✓", '"', "="])
VALUES = st.sampled_from(["0", "14", "-1.5E-3", "", "#N/A", "2024-01-01"])


@st.composite
def cell(draw, prefix: str, row: int) -> str:
    p = prefix if draw(st.integers(0, 19)) else "y:"  # now and then another prefix
    column = draw(st.sampled_from([1, 2, 3, 11, 26, 27, 702, 703, 16384]))
    letters = column_letters(column)
    ref = draw(st.sampled_from([
        f'r="{letters}{row}"', f'r="{letters}{row}"', f'r="{letters}{row}"',
        f'r="{letters.lower()}{row}"', f"r='{letters}{row}'", f'r = "{letters}{row}"',
        f'r="{letters}0{row}"', f'r="$A${row}"', f'r="AAAA{row}"', f'r="{letters}"', "",
        f'r="{letters}{row}" r="XFD1048576"', f'r="{letters}{row + 1048576}"',
        f'rX"{letters}{row}" s="12"', f'r="{letters}{row}"s="1"', f'r="{letters}12345678"',
        f'r="{letters}123456789"', f'r="{letters}0"', f'cm="1" r="{letters}{row}"']))
    kind = draw(st.sampled_from(["", "", ' t="s"', ' t="n"', ' t="e"', ' t="str"',
                                 ' t="inlineStr"', ' t="b"', " t='e'", ' t="&#101;"']))
    style = draw(st.sampled_from(["", "", ' s="1"', ' s="12"']))
    attrs = draw(st.sampled_from([f" {ref}{style}{kind}", f" {ref}{kind}{style}",
                                  f"{kind} {ref}", f" {ref}{style}{kind} "]))
    value = escape(draw(VALUES))
    text = escape(draw(TEXTS))
    content = draw(st.sampled_from([
        f"<{p}v>{value}</{p}v>", f"<{p}v>{value}</{p}v>", f"<{p}v/>", f"<{p}v></{p}v>",
        f"<{p}is><{p}t>{text}</{p}t></{p}is>",
        f'<{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is>',
        f"<{p}f>SUM(A1:A2)</{p}f>", f"<{p}f>A1</{p}f><{p}v>{value}</{p}v>",
        f"<{p}is><{p}r><{p}t>{text}</{p}t></{p}r></{p}is>", "", None,
        f"\n  <{p}v>{value}</{p}v>\n", f"<!-- <{p}c r=\"XFD1048576\"><{p}v>1</{p}v></{p}c> -->",
        f"<{p}is><{p}t><![CDATA[<c r=\"XFD1\">]]></{p}t></{p}is>"]))
    if content is None:
        return f"<{p}c{attrs}/>"
    return f"<{p}c{attrs}>{content}</{p}c>"


@st.composite
def rows(draw, prefix: str) -> str:
    written = []
    for _ in range(draw(st.integers(0, 6))):
        number = draw(st.integers(1, 40))
        r = draw(st.sampled_from([f' r="{number}"'] * 4 + ["", f" r='{number}'", ' r="x"',
                                                         f' r="{number}" r="1048576"']))
        extra = draw(st.sampled_from(["", "", ' spans="1:11"', ' spans="1:3" ht="15.75" '
                                      'customHeight="1" x14ac:dyDescent="0.25"', ' s="2"',
                                      ' hidden="1" spans="1:2"', ' ht="12" ht="13"']))
        cells = "".join(draw(st.lists(cell(prefix, number), max_size=5)))
        between = draw(st.sampled_from(["", "", "\n", "\n  ", "<?pi?>"]))
        if draw(st.integers(0, 9)):
            written.append(f"<{prefix}row{r}{extra}>{cells}</{prefix}row>{between}")
        else:
            written.append(f"<{prefix}row{r}{extra}/>{between}")
    return "".join(written)


@st.composite
def sheets(draw) -> bytes:
    prefix = draw(st.sampled_from(["", "", "x:"]))
    head = draw(st.sampled_from(["", f'<{prefix}dimension ref="A1:K40"/>',
                                 f'<{prefix}dimension ref="A1:XFD1048576"/>',
                                 f'<{prefix}sheetViews><{prefix}sheetView workbookViewId="0"/>'
                                 f"</{prefix}sheetViews>"]))
    tail = draw(st.sampled_from(["", f'<{prefix}mergeCells count="1"><{prefix}mergeCell '
                                 f'ref="A1:B1"/></{prefix}mergeCells>',
                                 f"<{prefix}extLst><{prefix}v>1</{prefix}v></{prefix}extLst>",
                                 f'<{prefix}c r="XFD1048576"><{prefix}v>1</{prefix}v>'
                                 f"</{prefix}c>"]))
    declaration = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n', "",
                                        '<?xml version="1.0"?>\r\n']))
    return sheet(draw(rows(prefix)), prefix, head, tail, declaration)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml=sheets(), piece=st.sampled_from([1, 40, 97, 256, 1 << 16]),
       max_cells=st.sampled_from([None, 60, 150]))
def test_the_lexical_scan_measures_as_expat_does(xml: bytes, piece: int,
                                                 max_cells: int | None) -> None:
    exact, fast, _ = both(xml, piece, max_cells)
    assert fast == exact


REGULAR_CELLS = st.lists(st.tuples(
    st.sampled_from([1, 2, 11, 27, 16384]), st.sampled_from(["", ' t="s"', ' s="3"', ' s="12"',
                                                              ' s="3" t="n"', ' t="str"']),
    st.sampled_from(["<v>7</v>", "<v></v>", "<v/>", "<is><t>a b</t></is>", ""])), max_size=6)


@settings(max_examples=60, deadline=None)
@given(numbers=st.lists(st.integers(1, 1_048_576), max_size=8), cells=REGULAR_CELLS,
       prefix=st.sampled_from(["", "x:"]), piece=st.sampled_from([1, 50, 1 << 16]))
def test_a_regular_sheet_is_read_lexically_to_its_end(numbers: list[int], cells: list,
                                                     prefix: str, piece: int) -> None:
    """What exports write is measured by the lexical scan alone: expat takes over only at
    </sheetData>."""
    p = prefix
    body = "".join(
        f'<{p}row r="{number}" spans="1:9">' + "".join(
            f'<{p}c r="{column_letters(column)}{number}"{attrs}>'
            f'{content.replace("<", "<" + p).replace("<" + p + "/", "</" + p)}</{p}c>'
            if content else f'<{p}c r="{column_letters(column)}{number}"{attrs}/>'
            for column, attrs, content in cells) + f"</{p}row>"
        for number in sorted(set(numbers)))
    exact, fast, handovers = both(sheet(body, prefix), piece)
    assert fast == exact
    if exact[0] != "geweigerd":  # a refusal stops the scan where it is
        assert handovers == [f"</{p}sheetData></{p}worksheet>".encode()]


def test_errors_after_a_hand_over_are_placed_in_the_sheet() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{n}</v></c></row>\n'
                   for n in range(1, 300))
    for broken in ('<c r="B5"><v>1</v></d>', '<c r="B5" r="B6"><v>1</v></c>', "<c>&nope;</c>"):
        xml = sheet(rows + f'<row r="300">{broken}</row>' + rows.replace('r="', 'r="9'))
        exact, fast, handovers = both(xml, 97)
        assert fast == exact
        assert fast[1].startswith(f"onderdeel {MEMBER} is geen geldige XML (regel 301, kolom ")
        assert handovers


def test_a_sheet_cut_short_is_refused_as_expat_refuses_it() -> None:
    xml = sheet("".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 99)))
    for end in (len(xml) - 40, len(xml) - 300, len(xml) // 2):
        exact, fast, _ = both(xml[:end], 64)
        assert fast == exact
        assert exact[0] == "geweigerd"


def test_a_cell_waiting_for_its_value_at_the_end_of_the_sheet_data_is_counted() -> None:
    """As expat counts it: a <v> after </sheetData> still counts the last cell."""
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"/></row>',
                tail="<extLst><v>1</v></extLst>")
    exact, fast, handovers = both(xml, 16)
    assert fast == exact == ("geweigerd", FAR, "Blad1")
    assert len(handovers) == 1
    assert handovers[0].startswith(b"</sheetData><extLst><v>1</v>")


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
@pytest.mark.parametrize("cells", [
    pytest.param('<y:c xmlns:y="urn:iets" r="XFD1048576"><y:v>1</y:v></y:c>', id="prefix"),
    pytest.param('<c r="XFD1048576"><x:v xmlns:x="urn:iets">1</x:v></c>', id="value-prefix"),
    pytest.param('<c r="xfd1048576"><v>1</v></c>', id="lower-case"),
    pytest.param('<c r="XFD01048576"><v>1</v></c>', id="leading-zero"),
])
def test_a_far_cell_in_any_form_calamine_reads_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, cells: str) -> None:
    """calamine reads a cell by its local name, whatever its prefix, and any reference of
    letters and digits; so does the measure (expat alone read <y:c> as no cell)."""
    rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{cells}</row>'
    path = write_xlsx(tmp_path / "ver.xlsx", {"Blad1": rows})
    error = unread_refusal(path, monkeypatch, engine)
    assert (error.problem.blad, error.problem.melding) == ("Blad1", FAR)


def test_a_reference_of_four_letters_is_the_column_calamine_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2000"><c r="AAAA2000"><v>1</v></c></row>'
    error = unread_refusal(write_xlsx(tmp_path / "breed.xlsx", {"Blad1": rows}), monkeypatch)
    assert error.problem.melding.startswith("blad heeft een cel in AAAA2000; daarmee beslaat het "
                                            "blad 2.000 rijen × 18.279 kolommen")
