"""Measuring an OpenDocument spreadsheet: its content.xml streamed for the extent of each
table's filled cells, with the repetitions it declares.
"""

from __future__ import annotations

import zipfile
from xml.parsers import expat

from analysis.ingest.measure.archive import check_members, elements, parse_member, xml_parser
from analysis.ingest.measure.extent import Extent, SheetSize
from analysis.ingest.measure.refusal import refuse

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class _OdsTables:
    """Streams an OpenDocument content.xml: the extent of each table's filled cells, with the
    repetitions it declares (a run of empty cells costs nothing; a repeated value does)."""

    def __init__(self, parser: expat.XMLParserType, name: str):
        self.parser, self.name = parser, name
        self.sizes: dict[str, SheetSize] = {}
        self.extent: Extent | None = None
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
            self.extent = Extent(self.name, sheet)
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
    if manifest in archive.namelist() and elements(archive, manifest, name, "encryption-data"):
        raise refuse(name, "werkmap is met een wachtwoord beveiligd; sla het bestand op zonder "
                           "wachtwoord en lees het opnieuw in")
    if "content.xml" not in archive.namelist():
        raise refuse(name, "OpenDocument-bestand zonder inhoud (content.xml ontbreekt)")
    scan = _OdsTables(xml_parser(name), name)
    parse_member(scan.parser, archive, "content.xml", name, None)
    scan.close()
    return scan.sizes
