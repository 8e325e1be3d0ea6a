"""Cutting a sheet's XML, as it is inflated, into slices of whole rows, by bytes alone.

A slice starts at a row start tag whose ``r`` gives its row number, so that calamine, reading the
slice as a sheet of its own, places every cell where it would place it in the whole sheet. The
sheet's head (everything up to ``<sheetData>``) is kept to wrap each slice, with an empty
``<mergeCells/>`` put before ``<sheetData>``: calamine scans each sheet a second time for its
merged cells and stops at the first ``mergeCells``, so the slices are not scanned twice.

Whatever a lexical cut cannot handle exactly raises :class:`CannotCut`, and the sheet is then
read whole: comments, CDATA, processing instructions or a DOCTYPE (``<!``, ``<?``) after the
XML declaration, no ``sheetData``, an empty one, a head too large, or rows whose numbers cannot
be read where a cut is wanted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

CHUNK = 4 << 20  # bytes inflated at a time
MAX_HEAD = 64 << 20  # a head larger than this is not a sheet the reader expects

_NAME = rb"[A-Za-z_][-.\w]*"
_ROOT = re.compile(rb"<(" + _NAME + rb"(?::" + _NAME + rb")?)(?=[\s/>])")
_SHEETDATA = re.compile(rb"<((?:" + _NAME + rb":)?)sheetData(?=[\s/>])")
_ATTRIBUTE = re.compile(rb"\s+([^\s=/>]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_TAG_END = re.compile(rb"\s*(/?)>")
_ROW_NUMBER = re.compile(rb"[1-9][0-9]{0,8}")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")
_AFTER_NAME = frozenset(b" \t\r\n/>")


class CannotCut(Exception):
    """The sheet cannot be cut exactly by bytes alone; it is read whole. Carries the reason."""


@dataclass
class Slice:
    """The rows of one slice as they stand in the sheet, and the Excel row number its first row
    declares (1 for the first slice, which starts where ``sheetData`` does)."""

    body: bytes
    first: int


def _tag(data: bytes | bytearray, at: int) -> tuple[dict[bytes, bytes], bool, int] | None:
    """The attributes of the start tag whose name ends at ``at``, whether it closes itself, and
    where it ends; None when the tag is not complete in ``data``."""
    attributes = {}
    while match := _ATTRIBUTE.match(data, at):
        attributes[match[1]] = match[2][1:-1]
        at = match.end()
    end = _TAG_END.match(data, at)
    if end is None:
        if data.find(b">", at) >= 0:
            raise CannotCut("een begintag is niet te lezen")
        return None
    return attributes, bool(end[1]), end.end()


def _no_markup(data: bytes, where: str) -> None:
    """Refuse comments, CDATA, DOCTYPE and processing instructions (cheaply: ``!`` and ``?`` are
    rare in sheet XML, so the two-byte search runs only when one occurs)."""
    for mark in (b"!", b"?"):
        if data.find(mark) >= 0 and data.find(b"<" + mark) >= 0:
            raise CannotCut(f"{where} bevat <{mark.decode()}")


class Cutter:
    """Cuts one sheet's XML, given in pieces as it is inflated, into slices of about ``rows``
    rows.

    After the first slice, ``head`` and ``tail`` wrap a slice into a sheet document; once all
    slices are read, ``frame`` is the sheet with its rows left out (its own head and tail)."""

    def __init__(self, pieces: Iterator[bytes], rows: int):
        self.pieces = pieces
        self.rows = max(1, rows)
        self.head = self.tail = self.frame = b""
        self._prefix = self._row = b""
        self._resume = 0  # where the search for a cut goes on after more is read

    def slices(self) -> Iterator[Slice]:
        buffer, original_head = self._read_head()
        first, done = 1, False
        per_row = None
        cut_bytes = cut_rows = 0
        while not done:
            chunk = next(self.pieces, b"")
            done = not chunk
            buffer += chunk
            if per_row is None and (done or len(buffer) >= CHUNK):
                per_row = len(buffer) / max(1, buffer.count(self._row))
            while per_row is not None:
                target = max(1, round(self.rows * (cut_bytes / cut_rows if cut_rows else per_row)))
                if len(buffer) < target:
                    break
                found = self._cut(buffer, max(target, self._resume))
                if found is None:
                    if not done and len(buffer) > max(4 * target, MAX_HEAD):
                        raise CannotCut("geen rij met een rijnummer om bij te snijden")
                    break
                at, number = found
                if number <= first:
                    raise CannotCut("rijnummers lopen niet op")
                body = bytes(memoryview(buffer)[:at])
                del buffer[:at]
                self._resume = 0
                _no_markup(body, "het blad")
                yield Slice(body, first)
                cut_bytes += len(body)
                cut_rows += number - first
                first = number
        end = buffer.rfind(b"</" + self._prefix + b"sheetData")
        if end < 0:
            raise CannotCut("het einde van sheetData ontbreekt")
        body = bytes(memoryview(buffer)[:end])
        _no_markup(body, "het blad")
        self.frame = original_head + bytes(memoryview(buffer)[end:])
        yield Slice(body, first)

    def _read_head(self) -> tuple[bytearray, bytes]:
        """Read up to the ``sheetData`` start tag; set ``head``, ``tail`` and the row tag.
        Returns what follows the start tag, and the head as the sheet has it."""
        buffer = bytearray()
        while True:
            chunk = next(self.pieces, b"")
            buffer += chunk
            found = _SHEETDATA.search(buffer)
            tag = found and _tag(buffer, found.end())
            if tag:
                break
            if not chunk or len(buffer) > MAX_HEAD:
                raise CannotCut("geen sheetData gevonden")
        _attributes, empty, end = tag
        if empty:
            raise CannotCut("sheetData is leeg")
        head = bytes(buffer[: found.start()])
        declaration = _DECLARATION.match(head)
        _no_markup(head[declaration.end() if declaration else 0:], "de kop van het blad")
        root = _ROOT.search(head)
        if root is None:
            raise CannotCut("geen hoofdelement gevonden")
        prefix = self._prefix = found[1]
        self._row = b"<" + prefix + b"row"
        self.head = head + b"<" + prefix + b"mergeCells/>" + bytes(buffer[found.start():end])
        self.tail = b"</" + prefix + b"sheetData></" + root[1] + b">"
        original = bytes(buffer[:end])
        del buffer[:end]
        return buffer, original

    def _cut(self, buffer: bytearray, start: int) -> tuple[int, int] | None:
        """The first row start tag at or after ``start`` that declares its row number, and that
        number; None when there is none yet in ``buffer`` (``_resume`` then says where to look
        on, so that rows without a number are not looked at twice)."""
        row = self._row
        at = buffer.find(row, start)
        while at >= 0:
            name_end = at + len(row)
            if name_end >= len(buffer):
                break
            if buffer[name_end] in _AFTER_NAME:
                tag = _tag(buffer, name_end)
                if tag is None:
                    break
                number = tag[0].get(b"r")
                if number is not None and _ROW_NUMBER.fullmatch(number):
                    return at, int(number)
            at = buffer.find(row, at + 1)
        self._resume = at if at >= 0 else max(start, len(buffer) - len(row))
        return None
