"""Measuring a binary (xlsb) workbook: its records walked the way calamine reads them, for the
extent of each sheet's cells and its error values.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import IO

from analysis.ingest.measure.archive import check_members, sheet_parts
from analysis.ingest.measure.extent import Extent, SheetSize

# Error values of the binary format (MS-XLSB BErr).
_XLSB_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
                0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


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
    for sheet, member in sheet_parts(archive, name, workbook, sheets).items():
        extent, row = Extent(name, sheet), 0
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
