"""Measuring an xlsx/xlsm workbook: each sheet's XML streamed for the extent of its cells and
its cells without a usable value (error values, formulas without a stored result), the declared
dimension and the shared-string table checked against the limits.
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.archive import (
    check_members,
    elements,
    parse_member,
    sheet_parts,
    xml_parser,
)
from analysis.ingest.measure.extent import Extent, SheetSize
from analysis.ingest.measure.refusal import NO_STORED_VALUE, refuse

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})$")
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _check_dimension(ref: str, name: str, sheet: str) -> None:
    first, _, last = ref.partition(":")
    start, end = _REF.match(first), _REF.match(last or first)
    if not (start and end):
        return
    rows = int(end[2]) - int(start[2]) + 1
    cols = column_index_from_string(end[1].upper()) - column_index_from_string(start[1].upper()) + 1
    if rows * cols > limits.LIMITS.max_declared_cells:
        raise refuse(name, f"blad heeft {getal(rows)} rijen × {getal(cols)} kolommen "
                           "volgens de opgegeven afmeting; verwacht hoogstens "
                           f"{getal(limits.LIMITS.max_declared_cells)} cellen; niet gelezen",
                     sheet)


def _scan_sheet(archive: zipfile.ZipFile, member: str, name: str, sheet: str) -> SheetSize:
    """Stream one sheet's XML: the extent of cells that hold something, and error cells.

    Called for every element of sheets with millions of cells, so it does as little as it can:
    state lives in closure variables, element names are compared without namespace processing
    (with the document's own prefix), and text is collected only from the values of error and
    formula cells."""
    parser = xml_parser(name, namespaces=False)
    extent = Extent(name, sheet)
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
    parse_member(parser, archive, member, name, sheet)
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
    parser = xml_parser(name)

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag.endswith(" si"):
            counts["si"] += 1
            if counts["si"] > limit.max_shared_strings:
                raise refuse(name, f"tabel met gedeelde teksten heeft meer dan "
                                   f"{getal(limit.max_shared_strings)} teksten; niet gelezen")

    def text(data: str) -> None:
        counts["chars"] += len(data)
        if counts["chars"] > limit.max_shared_string_chars:
            raise refuse(name, f"tabel met gedeelde teksten is langer dan "
                               f"{getal(limit.max_shared_string_chars)} tekens; niet gelezen")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    parse_member(parser, archive, member, name, None)


def measure_xlsx(archive: zipfile.ZipFile, name: str) -> dict[str, SheetSize]:
    """Every sheet of an xlsx/xlsm workbook, measured; raises WorkbookError past a limit."""
    check_members(archive, name)
    workbook = "xl/workbook.xml"
    sheets = [(s.get("name", ""), s.get(f"{_RELS_NS} id", ""))
              for s in elements(archive, workbook, name, "sheet")]
    for member in archive.namelist():
        if posixpath.basename(member).lower() == "sharedstrings.xml":
            _shared_strings(archive, member, name)
    sizes = {}
    for sheet, member in sheet_parts(archive, name, workbook, sheets).items():
        sizes[sheet] = _scan_sheet(archive, member, name, sheet)
    return sizes
