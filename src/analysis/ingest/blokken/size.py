"""Measuring one slice of a sheet before calamine sees it: how far its cells reach, its lowest
row, and its cells without a usable value, with the limits and Dutch refusals of
``analysis.ingest.measure``.

This is the one place the block reader measures. It streams the slice's XML with expat the way
``measure.xlsx`` streams a whole sheet (the same notion of a cell that holds something, the same
positions, the same refusals), and adds the lowest row, which the reader needs to know that no
cell of a slice belongs to rows an earlier slice covers. Where ``measure.xlsx`` and calamine
differ, it follows calamine, whose allocation it guards: it knows elements by their local name,
whatever their prefix (``measure.xlsx`` takes the root's prefix for all), and it reads a
reference with more than three letters (``AAAA1``) or a row number with letters (``r="A5"``) as
calamine does. A faster, lexical measurement can take its place as long as it returns the same
:class:`SliceSize`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.ingest.measure.archive import xml_parser
from analysis.ingest.measure.cellref import COLUMNS as _COLUMNS
from analysis.ingest.measure.cellref import column_number
from analysis.ingest.measure.exact import check_dimension as _check_dimension
from analysis.ingest.measure.extent import Extent, SheetSize
from analysis.ingest.measure.refusal import NO_STORED_VALUE


@dataclass
class SliceSize:
    """A slice's extent from A1 and its cells without a value (``size``), and its lowest row
    holding something (1-based; 0 when it holds nothing)."""

    size: SheetSize
    low: int = 0


_DOLLAR_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})$")


def _position(ref: str, row: int, col: int) -> tuple[int, int]:
    """Column and row of a reference outside the common form (``$B$12``); the next cell when
    unclear."""
    match = _DOLLAR_REF.match(ref)
    if not match:
        return col + 1, row
    return column_number(match[1]), int(match[2])


def _calamine_position(ref: str, column: bool = True) -> tuple[int, int] | None:
    """Column and row (1-based) of a reference as calamine reads it: any number of letters (so
    AAAA1 is column 18,279, beyond Excel's last), then digits; None where calamine fails.
    Without ``column`` (a row's ``r``), letters may be missing."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if not digits or int(digits) == 0 or (column and not letters) \
            or not letters.isascii() or (letters and not letters.isalpha()):
        return None
    return column_number(letters), int(digits)


def measure_slice(xml: bytes, name: str, sheet: str) -> SliceSize:
    """Measure one slice: a complete sheet document holding some of a sheet's rows.

    Raises WorkbookError (Dutch) past a limit, and ``expat.ExpatError`` when the slice is not
    well-formed XML (the reader then reads the sheet whole, which reports it properly)."""
    parser = xml_parser(name, namespaces=False)
    extent = Extent(name, sheet)
    size = extent.size
    fouten = size.fouten
    row = col = 0
    low = 0
    kind: str | None = None
    pending = False  # the current cell holds something not yet counted
    formula: tuple[int, int] | None = None  # a formula cell whose value is not yet seen
    text: list[str] = []
    names: dict[str, str] = {}  # element name -> its local name, as calamine compares them

    def count() -> None:
        nonlocal pending, low
        pending = False
        if row < low or not low:
            low = row
        if row > size.rows or col > size.cols:
            extent.add(row, col)

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, kind, pending, formula, text
        local = names.get(tag)
        if local is None:
            local = names[tag] = tag.rpartition(":")[2]
        if local == "v":
            if pending:
                count()
            if formula is not None or kind == "e":
                text = []
                parser.CharacterDataHandler = text.append
                parser.EndElementHandler = end_value
        elif local == "c":
            if formula is not None:
                fouten[formula] = NO_STORED_VALUE
                formula = None
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                number = _COLUMNS.get(letters)
                if number is None or len(letters) == len(ref):
                    col, row = _calamine_position(ref) or _position(ref, row, col)
                else:
                    col, row = number, int(ref[len(letters):])
            else:
                col += 1
            kind = attrs.get("t")
            pending = True
        elif local == "row":
            if formula is not None:
                fouten[formula] = NO_STORED_VALUE
                formula = None
            number = attrs.get("r", "")
            if number.isdigit():
                row = int(number)
            else:
                position = _calamine_position(number, column=False)
                row = position[1] if position else row + 1
            col, kind, pending = 0, None, False
        elif local == "f":
            if pending:
                count()
                formula = (row - 1, col - 1)
        elif local == "is":
            if pending:
                count()
        elif local == "dimension":
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

    parser.StartElementHandler = start
    parser.Parse(xml, True)
    if formula is not None:  # the slice ended on a formula without a value
        fouten[formula] = NO_STORED_VALUE
    return SliceSize(size, low)

