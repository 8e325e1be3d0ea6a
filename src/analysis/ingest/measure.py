"""Measure a workbook before a reader loads it: how far each sheet's cells reach, how large its
zip members unpack and how many shared strings it holds, all streamed in bounded memory.

A reader allocates the whole rectangle from A1 to a sheet's last cell, so one cell at XFD1048576
would cost hundreds of gigabytes; such a sheet, a forged dimension, a zip bomb or a huge
shared-string table is refused here with a Dutch message before any reader sees the file. The
same pass records the cells that hold no usable value (Excel error values, formulas whose result
was not stored), which the readers would otherwise hand back as empty.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from analysis.ingest import limits
from analysis.problems import Problem

NO_STORED_VALUE = "formule zonder opgeslagen waarde"
XML_BOMB = "werkmap bevat verboden XML-constructies (mogelijk een XML-bom); niet gelezen"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})$")
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# Error values of the binary format (MS-XLSB BErr).
_XLSB_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
                0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; carries its Dutch problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def refuse(name: str, message: str, sheet: str | None = None) -> WorkbookError:
    return WorkbookError(Problem(bestand=name, blad=sheet, melding=message))


def number(value: int) -> str:
    """A count the Dutch way: 1.048.576."""
    return f"{value:,}".replace(",", ".")


@dataclass
class SheetSize:
    """How far a sheet's cells reach (1-based; 0 when empty) and its cells without a value."""

    rows: int = 0
    cols: int = 0
    fouten: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based


def check_members(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip whose members unpack too large, or pack too well to be genuine."""
    limit = limits.LIMITS
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limit.max_member_bytes:
            raise refuse(name, f"onderdeel {info.filename} is uitgepakt "
                               f"{number(info.file_size // limits.MIB)} MB; verwacht hoogstens "
                               f"{number(limit.max_member_bytes // limits.MIB)} MB (mogelijk een "
                               "zip-bom); niet gelezen")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limit.ratio_from_bytes and ratio > limit.max_ratio:
            raise refuse(name, f"onderdeel {info.filename} pakt {ratio:.0f} keer zo groot uit "
                               f"als het is; verwacht hoogstens {limit.max_ratio} keer (mogelijk "
                               "een zip-bom); niet gelezen")
    if total > limit.max_total_bytes:
        raise refuse(name, f"uitgepakt {number(total // limits.MIB)} MB; verwacht hoogstens "
                           f"{number(limit.max_total_bytes // limits.MIB)} MB (mogelijk een "
                           "zip-bom); niet gelezen")


def _parser(name: str, namespaces: bool = True) -> expat.XMLParserType:
    """An expat parser that refuses entity declarations, as defusedxml does."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def forbidden(*_: object) -> None:
        raise refuse(name, XML_BOMB)

    parser.EntityDeclHandler = forbidden
    parser.UnparsedEntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    return parser


def _parse(parser: expat.XMLParserType, archive: zipfile.ZipFile, member: str, name: str,
           sheet: str | None) -> None:
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise refuse(name, f"onderdeel {member} is geen geldige XML (regel {error.lineno}, "
                           f"kolom {error.offset}); niet gelezen", sheet) from None


def _elements(archive: zipfile.ZipFile, member: str, name: str,
              wanted: str) -> list[dict[str, str]]:
    """The attributes of every element named ``wanted`` in a small XML member."""
    found: list[dict[str, str]] = []
    parser = _parser(name)

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] == wanted:
            found.append(attrs)

    parser.StartElementHandler = start
    _parse(parser, archive, member, name, None)
    return found


def _sheet_parts(archive: zipfile.ZipFile, name: str, workbook: str,
                 sheets: list[tuple[str, str]]) -> dict[str, str]:
    """Sheet name -> zip member, from (name, relationship id) pairs and the workbook's rels."""
    folder, base = posixpath.split(workbook)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    targets = {}
    if rels in archive.namelist():
        for rel in _elements(archive, rels, name, "Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            targets[rel.get("Id")] = posixpath.normpath(path)
    return {sheet: targets[rid] for sheet, rid in sheets if targets.get(rid) in archive.namelist()}


def _check_dimension(ref: str, name: str, sheet: str) -> None:
    first, _, last = ref.partition(":")
    start, end = _REF.match(first), _REF.match(last or first)
    if not (start and end):
        return
    rows = int(end[2]) - int(start[2]) + 1
    cols = column_index_from_string(end[1].upper()) - column_index_from_string(start[1].upper()) + 1
    if rows * cols > limits.LIMITS.max_declared_cells:
        raise refuse(name, f"blad heeft {number(rows)} rijen × {number(cols)} kolommen "
                           "volgens de opgegeven afmeting; verwacht hoogstens "
                           f"{number(limits.LIMITS.max_declared_cells)} cellen; niet gelezen",
                     sheet)


class _Extent:
    """The growing rectangle of a sheet's cells; refuses it once it grows too large."""

    def __init__(self, name: str, sheet: str):
        self.name, self.sheet = name, sheet
        self.size = SheetSize()

    def add(self, row: int, col: int) -> None:
        size = self.size
        if row <= size.rows and col <= size.cols:
            return
        limit = limits.LIMITS
        if row > limit.max_rows:
            raise refuse(self.name, f"blad heeft een cel in rij {number(row)}; "
                                    f"verwacht hoogstens {number(limit.max_rows)} rijen; niet "
                                    "gelezen", self.sheet)
        size.rows, size.cols = max(size.rows, row), max(size.cols, col)
        if size.rows * size.cols > limit.max_cells:
            raise refuse(self.name, "blad heeft een cel in "
                                    f"{get_column_letter(min(col, 18278))}{row}; daarmee beslaat "
                                    f"het blad {number(size.rows)} rijen × {number(size.cols)} "
                                    f"kolommen = {number(size.rows * size.cols)} cellen; verwacht "
                                    f"hoogstens {number(limit.max_cells)} cellen; verwijder losse "
                                    "cellen buiten de tabel; niet gelezen", self.sheet)


def _scan_sheet(archive: zipfile.ZipFile, member: str, name: str, sheet: str) -> SheetSize:
    """Stream one sheet's XML: the extent of cells that hold something, and error cells.

    Called for every element of sheets with millions of cells, so it does as little as it can:
    state lives in closure variables, element names are compared without namespace processing
    (with the document's own prefix), and text is collected only from the values of error and
    formula cells."""
    parser = _parser(name, namespaces=False)
    extent = _Extent(name, sheet)
    size = extent.size
    fouten = size.fouten
    row = col = 0
    kind: str | None = None
    pending = False  # the current cell holds something not yet counted in the extent
    formula: tuple[int, int] | None = None  # a formula cell whose value is not yet seen
    text: list[str] = []
    tags = dict.fromkeys(("c", "v", "f", "row", "is", "dimension"))

    def count() -> None:
        nonlocal pending
        pending = False
        if row > size.rows or col > size.cols:
            extent.add(row, col)

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, kind, pending, formula, text
        if tag == v_tag:
            if pending:
                count()
            if formula is not None or kind == "e":
                text = []
                parser.CharacterDataHandler = text.append
                parser.EndElementHandler = end_value
        elif tag == c_tag:
            if formula is not None:
                fouten[formula] = NO_STORED_VALUE
                formula = None
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                number = _COLUMNS.get(letters)
                if number is None or len(letters) == len(ref):
                    col, row = _position(ref, row, col)
                else:
                    col, row = number, int(ref[len(letters):])
            else:
                col += 1
            kind = attrs.get("t")
            pending = True
        elif tag == row_tag:
            if formula is not None:
                fouten[formula] = NO_STORED_VALUE
                formula = None
            number = attrs.get("r", "")
            row = int(number) if number.isdigit() else row + 1
            col, kind, pending = 0, None, False
        elif tag == f_tag:
            if pending:
                count()
                formula = (row - 1, col - 1)
        elif tag == is_tag:
            if pending:
                count()
        elif tag == dimension_tag:
            _check_dimension(attrs.get("ref", ""), name, sheet)

    def end_value(_tag: str) -> None:
        nonlocal formula
        parser.CharacterDataHandler = None
        parser.EndElementHandler = None
        value = "".join(text).strip()
        if kind == "e":
            fouten[row - 1, col - 1] = value or "#FOUT"
        elif not value and kind not in ("str", "inlineStr"):
            fouten[row - 1, col - 1] = NO_STORED_VALUE
        formula = None

    def root(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal c_tag, v_tag, f_tag, row_tag, is_tag, dimension_tag
        prefix = tag.rpartition(":")[0] + ":" if ":" in tag else ""
        c_tag, v_tag, f_tag, row_tag, is_tag, dimension_tag = (prefix + t for t in tags)
        parser.StartElementHandler = start

    c_tag = v_tag = f_tag = row_tag = is_tag = dimension_tag = ""
    parser.StartElementHandler = root
    _parse(parser, archive, member, name, sheet)
    if formula is not None:  # the sheet ended on a formula without a value
        fouten[formula] = NO_STORED_VALUE
    return size


# Column letters -> number, for every column Excel has.
_COLUMNS = {get_column_letter(number): number for number in range(1, 16385)}


def _position(ref: str, row: int, col: int) -> tuple[int, int]:
    """Column and row of a cell reference outside the common form; the next cell when unclear."""
    match = _REF.match(ref)
    if not match:
        return col + 1, row
    return column_index_from_string(match[1].upper()), int(match[2])


def _shared_strings(archive: zipfile.ZipFile, member: str, name: str) -> None:
    limit = limits.LIMITS
    counts = {"si": 0, "chars": 0}
    parser = _parser(name)

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag.endswith(" si"):
            counts["si"] += 1
            if counts["si"] > limit.max_shared_strings:
                raise refuse(name, f"tabel met gedeelde teksten heeft meer dan "
                                   f"{number(limit.max_shared_strings)} teksten; niet gelezen")

    def text(data: str) -> None:
        counts["chars"] += len(data)
        if counts["chars"] > limit.max_shared_string_chars:
            raise refuse(name, f"tabel met gedeelde teksten is langer dan "
                               f"{number(limit.max_shared_string_chars)} tekens; niet gelezen")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    _parse(parser, archive, member, name, None)


def measure_xlsx(archive: zipfile.ZipFile, name: str) -> dict[str, SheetSize]:
    """Every sheet of an xlsx/xlsm workbook, measured; raises WorkbookError past a limit."""
    check_members(archive, name)
    workbook = "xl/workbook.xml"
    sheets = [(s.get("name", ""), s.get(f"{_RELS_NS} id", ""))
              for s in _elements(archive, workbook, name, "sheet")]
    for member in archive.namelist():
        if posixpath.basename(member).lower() == "sharedstrings.xml":
            _shared_strings(archive, member, name)
    sizes = {}
    for sheet, member in _sheet_parts(archive, name, workbook, sheets).items():
        sizes[sheet] = _scan_sheet(archive, member, name, sheet)
    return sizes


class _OdsTables:
    """Streams an OpenDocument content.xml: the extent of each table's filled cells, with the
    repetitions it declares (a run of empty cells costs nothing; a repeated value does)."""

    def __init__(self, parser: expat.XMLParserType, name: str):
        self.parser, self.name = parser, name
        self.sizes: dict[str, SheetSize] = {}
        self.extent: _Extent | None = None
        self.row = self.row_repeat = self.col = 0
        self.cell: tuple[int, int, bool] | None = None  # first column, repeat, has a value
        parser.StartElementHandler = self.start

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        uri, _, local = tag.rpartition(" ")
        if uri == _TEXT_NS and self.cell is not None:
            self.cell = (self.cell[0], self.cell[1], True)
        if uri != _TABLE_NS:
            return
        if local in ("table-cell", "covered-table-cell"):
            self.close()
            repeat = _count(attrs.get(f"{_TABLE_NS} number-columns-repeated"))
            self.cell = (self.col + 1, repeat, f"{_OFFICE_NS} value-type" in attrs)
            self.col += repeat
        elif local == "table-row":
            self.close()
            self.row += self.row_repeat
            self.row_repeat = _count(attrs.get(f"{_TABLE_NS} number-rows-repeated"))
            self.col = 0
        elif local == "table":
            self.close()
            sheet = attrs.get(f"{_TABLE_NS} name", "")
            self.extent = _Extent(self.name, sheet)
            self.sizes[sheet] = self.extent.size
            self.row, self.row_repeat, self.col = 0, 0, 0

    def close(self) -> None:
        if self.cell is not None and self.cell[2] and self.extent is not None:
            first, repeat, _ = self.cell
            self.extent.add(self.row + self.row_repeat, first + repeat - 1)
        self.cell = None


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def measure_ods(archive: zipfile.ZipFile, name: str) -> dict[str, SheetSize]:
    """Every table of an OpenDocument spreadsheet, measured; raises WorkbookError past a limit."""
    check_members(archive, name)
    manifest = "META-INF/manifest.xml"
    if manifest in archive.namelist() and _elements(archive, manifest, name, "encryption-data"):
        raise refuse(name, "werkmap is met een wachtwoord beveiligd; sla het bestand op zonder "
                           "wachtwoord en lees het opnieuw in")
    if "content.xml" not in archive.namelist():
        raise refuse(name, "OpenDocument-bestand zonder inhoud (content.xml ontbreekt)")
    scan = _OdsTables(_parser(name), name)
    _parse(scan.parser, archive, "content.xml", name, None)
    scan.close()
    return scan.sizes


def _records(stream: IO[bytes]) -> Callable[[], tuple[int, bytes] | None]:
    """A reader of the binary format's records (type and body), one per call; None at the end."""
    state = {"buf": b"", "pos": 0}

    def need(count: int) -> bool:
        buf, pos = state["buf"], state["pos"]
        while len(buf) - pos < count:
            more = stream.read(max(1 << 20, count))
            if not more:
                state["buf"], state["pos"] = buf, pos
                return False
            buf, pos = buf[pos:] + more, 0
        state["buf"], state["pos"] = buf, pos
        return True

    def varint(width: int) -> int | None:
        value = 0
        for shift in range(width):
            if not need(1):
                return None
            byte = state["buf"][state["pos"]]
            state["pos"] += 1
            value |= (byte & 0x7F) << (7 * shift)
            if not byte & 0x80:
                break
        return value

    def next_record() -> tuple[int, bytes] | None:
        kind, size = varint(2), varint(4)
        if kind is None or size is None or not need(size):
            return None
        pos = state["pos"]
        state["pos"] = pos + size
        return kind, state["buf"][pos:pos + size]

    return next_record


def _wide_string(body: bytes, offset: int) -> tuple[str, int]:
    length = int.from_bytes(body[offset:offset + 4], "little")
    if length == 0xFFFFFFFF:
        return "", offset + 4
    end = offset + 4 + 2 * length
    return body[offset + 4:end].decode("utf-16-le", "replace"), end


def measure_xlsb(archive: zipfile.ZipFile, name: str) -> dict[str, SheetSize]:
    """Every sheet of a binary workbook, measured by walking its records the way calamine
    reads them (row headers, then cells with their column); raises WorkbookError past a limit."""
    check_members(archive, name)
    workbook = "xl/workbook.bin"
    sheets = []
    with archive.open(workbook) as stream:
        next_record = _records(stream)
        while (record := next_record()) is not None:
            kind, body = record
            if kind == 0x9C:  # BrtBundleSh: state, tab id, relationship id, name
                rid, offset = _wide_string(body, 8)
                sheets.append((_wide_string(body, offset)[0], rid))
    sizes = {}
    for sheet, member in _sheet_parts(archive, name, workbook, sheets).items():
        extent, row = _Extent(name, sheet), 0
        with archive.open(member) as stream:
            next_record = _records(stream)
            while (record := next_record()) is not None:
                kind, body = record
                if kind == 0x00 and len(body) >= 4:  # BrtRowHdr
                    row = int.from_bytes(body[:4], "little") + 1
                elif 0x02 <= kind <= 0x0B and len(body) >= 9:  # cell records
                    col = int.from_bytes(body[:4], "little") + 1
                    extent.add(row, col)
                    if kind in (0x03, 0x0B):  # BrtCellError, BrtFmlaError
                        extent.size.fouten[row - 1, col - 1] = _XLSB_ERRORS.get(body[8], "#FOUT")
                elif kind == 0x92:  # BrtEndSheetData
                    break
        sizes[sheet] = extent.size
    return sizes
