"""Measuring one sheet of an xlsx workbook, its XML inflated and read once.

expat reads the sheet up to ``<sheetData>`` (the XML declaration, a DOCTYPE, the declared
dimension, all checked as before). From there the lexical scan (:mod:`.lexical`) reads the rows
and cells; where it meets anything it does not accept, at the latest at ``</sheetData>``, a new
expat parser takes over from that point: it is first given the elements that are open there
(``<worksheet><sheetData><row>``) and the state of the scan, then the rest of the sheet (it does
not hand back). Its errors are reported at their place in the sheet. A small sheet, or one that
is not UTF-8, has a DOCTYPE or cells before ``<sheetData>``, is read by expat alone.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from analysis.ingest.measure.archive import inflated, xml_parser
from analysis.ingest.measure.exact import CELL_PARTS, ExactScan, Position
from analysis.ingest.measure.extent import Extent, SheetSize
from analysis.ingest.measure.lexical import MARGIN, BodyScan
from analysis.ingest.measure.refusal import refuse

PIECE = 1 << 20  # bytes inflated and scanned at a time (about 11 times that held at once)
FAST_FROM = 1 << 18  # sheets unpacking to less are read by expat alone (as quick, no numpy)
MAX_CARRY = 1 << 23  # bytes without a row or cell start after which expat takes over
_BEHIND = 1 << 12  # bytes kept from before the last piece given to expat (<sheetData> in them)


class _Body(Exception):
    """expat has read ``<sheetData>``: the rest is the body, scanned lexically."""

    def __init__(self, rest: bytes, line: int, column: int, open_tags: list[str]):
        super().__init__("sheetData")
        self.rest, self.line, self.column, self.open_tags = rest, line, column, open_tags


def scan_sheet(archive: zipfile.ZipFile, member: str, name: str, sheet: str) -> SheetSize:
    """The extent of one sheet's cells and its cells without a usable value."""
    extent = Extent(name, sheet)
    fast = archive.getinfo(member).file_size >= FAST_FROM
    _Sheet(inflated(archive, member, PIECE // 2), extent, member).run(fast)
    return extent.size


class _Sheet:
    def __init__(self, chunks: Iterator[bytes], extent: Extent, member: str):
        self.chunks, self.extent, self.member = chunks, extent, member
        self.read, self.window, self.head = 0, b"", b""  # bytes given to expat: how many,
        # the last of them, and the first four

    def run(self, fast: bool) -> None:
        body = self._expat(fast)
        if body is not None:  # the parser that read up to it is gone, with what it held
            self.window = b""
            self._body(body)

    def _expat(self, fast: bool) -> _Body | None:
        """Read the sheet with expat: to its end, or, if ``fast``, to ``<sheetData>`` when the
        body can be read lexically (returned)."""
        parser = xml_parser(self.extent.name, namespaces=False)
        scan = ExactScan(parser, self.extent, Position())
        try:
            if fast:
                self._watch_head(parser, scan)
            for chunk in self.chunks:
                self.window = self.window[-_BEHIND:] + chunk
                self.head = (self.head + chunk[:4])[:4]
                self.read += len(chunk)
                self._parse(parser, chunk)
        except _Body as body:
            return body.with_traceback(None)  # which would keep this frame and its parser
        self._parse(parser, b"", final=True)
        scan.finish()
        return None

    def _watch_head(self, parser: expat.XMLParserType, scan: ExactScan) -> None:
        """Let expat raise _Body at ``<sheetData>``, when the sheet so far allows a lexical
        scan: UTF-8, no DOCTYPE (whose defaults would add attributes), no cells before it."""
        open_tags: list[str] = []
        allowed = True

        def declaration(_version: str, encoding: str | None, _standalone: int) -> None:
            nonlocal allowed
            allowed &= encoding is None or encoding.lower() in ("utf-8", "utf8")

        def doctype(*_: object) -> None:
            nonlocal allowed
            allowed = False

        def plain() -> None:
            parser.StartElementHandler, parser.EndElementHandler = scan.start, None

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag.rpartition(":")[2]
            if local in CELL_PARTS:
                plain()
            else:
                open_tags.append(tag)
            scan.start(tag, attrs)
            if local != "sheetData":
                return
            plain()
            if not allowed or b"\0" in self.head or self.head[:2] in (b"\xff\xfe", b"\xfe\xff"):
                return  # UTF-16 or UTF-32, which expat reads too
            at = parser.CurrentByteIndex - (self.read - len(self.window))
            text = f"<{tag}>".encode()
            if at >= 0 and self.window[at:at + len(text)] == text:
                raise _Body(self.window[at + len(text):], parser.CurrentLineNumber - 1,
                            parser.CurrentColumnNumber + len(tag) + 2, open_tags)

        def end(_tag: str) -> None:
            open_tags.pop()

        parser.XmlDeclHandler, parser.StartDoctypeDeclHandler = declaration, doctype
        parser.StartElementHandler, parser.EndElementHandler = start, end

    def _body(self, body: _Body) -> None:
        """Scan the body lexically, then hand the rest to a new expat parser."""
        prefix = body.open_tags[-1][:-len("sheetData")]
        scan = BodyScan(self.extent, prefix.encode(), Position())
        scan.line, scan.column = body.line, body.column
        starts = (b"<" + prefix.encode() + b"c ", b"<" + prefix.encode() + b"row ")
        buf, done, body.rest = body.rest, False, b""
        while True:
            parts, size = [buf], len(buf)  # joined once: one new buffer for each piece
            while not done and size < PIECE + MARGIN:
                parts.append(next(self.chunks, b""))
                size += len(parts[-1])
                done = not parts[-1]
            buf = b"".join(parts) + (bytes(MARGIN) if done else b"")
            end = size
            if not done:
                end = max(buf.rfind(part, 1, size - MARGIN) for part in starts)
                if end <= 0 and size < MAX_CARRY:  # no row or cell starts in the piece
                    data = next(self.chunks, b"")
                    done = not data
                    buf += data
                    continue
            here = scan.scan(buf, 0, end) if end > 0 else 0
            if here < end or done or end <= 0:
                tags = body.open_tags + [prefix + "row"] * scan.in_row
                self._resume(tags, scan, buf[here:size])
                return
            buf = buf[end:]

    def _resume(self, open_tags: list[str], body: BodyScan, rest: bytes) -> None:
        """Read the rest of the sheet with expat, from where the lexical scan stopped."""
        parser = xml_parser(self.extent.name, namespaces=False)
        parser.Parse("".join(f"<{tag}>" for tag in open_tags).encode() + b"\n", False)
        scan = ExactScan(parser, self.extent, body.position)
        origin = (body.line, body.column)
        self._parse(parser, rest, origin=origin)
        for chunk in self.chunks:
            self._parse(parser, chunk, origin=origin)
        self._parse(parser, b"", final=True, origin=origin)
        scan.finish()

    def _parse(self, parser: expat.XMLParserType, data: bytes, final: bool = False,
               origin: tuple[int, int] | None = None) -> None:
        """Feed ``data`` to expat; an error refused with its line and column in the sheet (for
        a parser that took over at ``origin``: lines before it, characters on its line)."""
        try:
            parser.Parse(data, final)
        except expat.ExpatError as error:
            line, column = error.lineno, error.offset
            if origin is not None:  # the parser's line 1 holds the open tags, line 2 is origin
                line, column = (origin[0] + 1, origin[1] + column) if line <= 2 else (
                    origin[0] + line - 1, column)
            raise refuse(self.extent.name, f"onderdeel {self.member} is geen geldige XML "
                                           f"(regel {line}, kolom {column}); niet gelezen",
                         self.extent.sheet) from None
