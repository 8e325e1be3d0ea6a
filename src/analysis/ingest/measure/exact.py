"""The exact measure of a sheet: its XML streamed through expat, one Python call per element.

This is the reference the lexical scan (:mod:`.lexical`) is held to and the scan that takes over
wherever that one does not understand the XML. Elements are matched by their local name,
whatever their prefix, because calamine reads them that way: a cell written ``<y:c>`` is a cell
to the reader, so it is one to the measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.cellref import COLUMNS, cell_position, column_number
from analysis.ingest.measure.extent import Extent
from analysis.ingest.measure.refusal import NO_STORED_VALUE, refuse

_DIMENSION = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})$")
# Local names the scan acts on, by number (0: any other element).
_CELL, _VALUE, _FORMULA, _ROW, _INLINE, _DIMENSION_TAG = 1, 2, 3, 4, 5, 6
_KINDS = {"c": _CELL, "v": _VALUE, "f": _FORMULA, "row": _ROW, "is": _INLINE,
          "dimension": _DIMENSION_TAG}
CELL_PARTS = frozenset(("c", "v", "f", "row", "is"))  # the local names of a sheet's cells


@dataclass(frozen=True)
class Position:
    """Where a scan of a sheet stands between two elements: the last cell's row and column (a
    row's start: its row and column 0), that cell's type (``t``), and whether it still waits
    for a value to be counted in the extent."""

    row: int = 0
    col: int = 0
    kind: str | None = None
    pending: bool = False


def check_dimension(ref: str, name: str, sheet: str) -> None:
    """Refuse a sheet whose declared dimension (``A1:K20``) is larger than a sheet may be."""
    first, _, last = ref.partition(":")
    start, end = _DIMENSION.match(first), _DIMENSION.match(last or first)
    if not (start and end):
        return
    rows = int(end[2]) - int(start[2]) + 1
    cols = column_number(end[1]) - column_number(start[1]) + 1
    if rows * cols > limits.LIMITS.max_declared_cells:
        raise refuse(name, f"blad heeft {getal(rows)} rijen × {getal(cols)} kolommen "
                           "volgens de opgegeven afmeting; verwacht hoogstens "
                           f"{getal(limits.LIMITS.max_declared_cells)} cellen; niet gelezen",
                     sheet)


class ExactScan:
    """Measures the elements expat reports: the extent of cells that hold something, and the
    cells without a usable value (error values, formulas without a stored result).

    Installs its handlers on ``parser`` (made with ``namespaces=False``) and starts from
    ``position``. Called for every element of sheets with millions of cells, so it does as
    little as it can: state lives in closure variables, and text is collected only from the
    values of error and formula cells."""

    def __init__(self, parser: expat.XMLParserType, extent: Extent, position: Position):
        name, sheet = extent.name, extent.sheet
        size = extent.size
        fouten = size.fouten
        row, col, kind, pending = position.row, position.col, position.kind, position.pending
        formula: tuple[int, int] | None = None  # a formula cell whose value is not yet seen
        text: list[str] = []
        kinds: dict[str, int] = {}

        def count() -> None:
            nonlocal pending
            pending = False
            if row > size.rows or col > size.cols:
                extent.add(row, col)

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal row, col, kind, pending, formula, text
            what = kinds.get(tag)
            if what is None:
                what = kinds[tag] = _KINDS.get(tag.rpartition(":")[2], 0)
            if what == _VALUE:
                if pending:
                    count()
                if formula is not None or kind == "e":
                    text = []
                    parser.CharacterDataHandler = text.append
                    parser.EndElementHandler = end_value
            elif what == _CELL:
                if formula is not None:
                    fouten[formula] = NO_STORED_VALUE
                    formula = None
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    number = COLUMNS.get(letters)
                    if number is None or len(letters) == len(ref):
                        row, col = cell_position(ref) or (row, col + 1)
                    else:
                        col, row = number, int(ref[len(letters):])
                else:
                    col += 1
                kind = attrs.get("t")
                pending = True
            elif what == _ROW:
                if formula is not None:
                    fouten[formula] = NO_STORED_VALUE
                    formula = None
                number = attrs.get("r", "")
                row = int(number) if number.isascii() and number.isdigit() else row + 1
                col, kind, pending = 0, None, False
            elif what == _FORMULA:
                if pending:
                    count()
                    formula = (row - 1, col - 1)
            elif what == _INLINE:
                if pending:
                    count()
            elif what == _DIMENSION_TAG:
                check_dimension(attrs.get("ref", ""), name, sheet)

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

        def finish() -> None:
            if formula is not None:  # the sheet ended on a formula without a value
                fouten[formula] = NO_STORED_VALUE

        parser.StartElementHandler = start
        self.start, self.finish = start, finish
