"""Reading one xlsx sheet in blocks of rows, in bounded memory, each block exactly what
``CalamineWorkbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)`` gives for those
rows of the whole sheet.

The sheet has been measured whole before (``analysis.ingest.measure``: its extent within the
limits, its cells without a value); the reader takes that measurement and does not measure again.
Two passes. The first inflates the sheet, cuts it into slices of whole rows (:mod:`.cut`) and
writes each as a sheet of a temporary workbook that shares the source's strings and styles
(:mod:`.book`). The second opens that workbook with calamine once and reads the slices in order;
each slice's rows are padded to the measured width and preceded by the empty rows before them,
as the whole-sheet reading has them, and rows past the measured extent are left out, as the
whole-sheet reading of the measured rows leaves them out.

Whatever the first pass finds it cannot cut exactly, and anything that goes wrong before the
first block, sends the sheet to calamine whole (``reason`` says why), which is always exact.
A cell that calamine places outside its slice's rows (a sheet whose rows do not follow each
other), or calamine failing on a later slice, raises :class:`ReadWholeError` when that slice is
read: blocks handed out before may be wrong, and the caller reads the sheet whole instead (which
reports what calamine fails on).

The temporary workbook holds the sheet's cells (person-level data, for an export): it lives in
a folder of its own that only the user can open (``tempfile``), and goes when the reading ends,
by an error or an interrupt (SIGINT, SIGTERM: ``analysis.interrupt``) too.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from analysis.ingest.blokken.book import SliceBook
from analysis.ingest.blokken.cut import CHUNK, CannotCut, Cutter
from analysis.ingest.measure import SheetSize, check_members
from analysis.ingest.measure.archive import elements, inflated, sheet_parts

_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# What the first pass may meet that the whole-sheet reading then decides on.
_READ_WHOLE = (CannotCut, CalamineError, zipfile.BadZipFile, zlib.error, KeyError,
               RuntimeError, NotImplementedError)


class ReadWholeError(RuntimeError):
    """A slice after the first could not be read as one (calamine placed a cell outside its
    rows: the sheet's rows do not follow each other, or a cell names another row than its own;
    or calamine failed on it): blocks already handed out may be wrong; read the sheet whole."""


@dataclass
class Block:
    """Consecutive rows of a sheet: ``rows[0]`` is Excel row ``first_row``. ``fouten`` holds the
    measured cells without a value in these rows ((row, column), 0-based, as ``SheetSize``); a
    last block without rows holds those below the rows calamine gives."""

    first_row: int
    rows: list[list[object]]
    fouten: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Plan:
    """What the first pass found: calamine's workbook of slices, and each slice's sheet name
    and rows (0-based, from and up to; -1: to the end)."""

    book: CalamineWorkbook
    names: list[str]
    rows: list[tuple[int, int]]


class _Emitter:
    """Hands out the sheet's rows as blocks, from row 0 on, as wide as the measured sheet and
    no further down than its measured rows, with their cells without a value."""

    def __init__(self, size: SheetSize, rows: int):
        self.width, self.end, self.rows, self.next = size.cols, size.rows, rows, 0
        self._fouten = sorted(size.fouten.items())
        self._taken = 0

    def _take(self, last: int | None) -> dict[tuple[int, int], str]:
        start = self._taken
        while self._taken < len(self._fouten) and (
                last is None or self._fouten[self._taken][0][0] <= last):
            self._taken += 1
        return dict(self._fouten[start:self._taken])

    def block(self, values: list[list[object]]) -> Block:
        first = self.next
        values = values[:max(0, self.end - first)]
        self.next += len(values)
        return Block(first + 1, values, self._take(self.next - 1))

    def blank(self, count: int) -> list[list[object]]:
        return [[""] * self.width for _ in range(count)]

    def until(self, row: int) -> Iterator[Block]:
        """Blocks of empty rows while more than a block's worth lie before ``row``."""
        while min(row, self.end) - self.next > self.rows:
            yield self.block(self.blank(self.rows))

    def rest(self) -> Iterator[Block]:
        if self._taken < len(self._fouten):
            yield Block(self.next + 1, [], self._take(None))


class SheetBlocks:
    """The blocks of one sheet of an xlsx/xlsm workbook, measured whole as ``size``
    (``measure_xlsx``); iterate to read them.

    ``rows`` is about how many rows a block holds. After the first pass, ``slices`` is how many
    slices the sheet was cut into (0 when read whole), ``reason`` why it was read whole (None
    otherwise), and ``cpu`` the CPU seconds of each step: copying the source's parts (its shared
    strings) into the temporary workbook (parts), inflating, cutting and writing the slices
    (cut), calamine opening the temporary workbook, which parses the shared strings once (open),
    calamine reading the slices (calamine), and turning them into padded Python rows (python)."""

    def __init__(self, path: Path, sheet: str, size: SheetSize, *, rows: int = 20_000,
                 name: str | None = None, folder: Path | None = None):
        self.path, self.sheet, self.size, self.rows = Path(path), sheet, size, max(1, rows)
        self.name = name or self.path.name
        self.folder = folder  # where the temporary workbook goes (the system's default if None)
        self.slices = 0
        self.reason: str | None = None
        self.cpu: dict[str, float] = {}

    def _tick(self, step: str, since: float) -> float:
        now = time.process_time()
        self.cpu[step] = self.cpu.get(step, 0.0) + now - since
        return now

    def __iter__(self) -> Iterator[Block]:
        with tempfile.TemporaryDirectory(prefix="blokken-", dir=self.folder) as folder:
            try:
                blocks = self._sliced(self._prepare(Path(folder)))
                first = next(blocks, None)
            except _READ_WHOLE as error:  # nothing handed out yet: read the sheet whole
                self.reason = f"{type(error).__name__}: {error}"
                self.slices = 0
                yield from self._whole()
                return
            try:
                if first is not None:
                    yield first
                    yield from blocks
            finally:
                blocks.close()  # calamine lets go of the temporary workbook before it goes

    def _member(self, archive: zipfile.ZipFile) -> str:
        workbook = "xl/workbook.xml"
        sheets = [(s.get("name", ""), s.get(f"{_RELS_NS} id", ""))
                  for s in elements(archive, workbook, self.name, "sheet")]
        member = sheet_parts(archive, self.name, workbook, sheets).get(self.sheet)
        if member is None:
            raise CannotCut("blad niet gevonden")
        info = archive.getinfo(member)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                or info.flag_bits & 1:
            raise CannotCut("blad is anders ingepakt")
        return member

    def _prepare(self, folder: Path) -> _Plan:
        """The first pass: cut the slices and write them; open them with calamine. Raises one
        of ``_READ_WHOLE`` when the sheet is to be read whole."""
        since = time.process_time()
        firsts: list[int] = []
        with zipfile.ZipFile(self.path) as archive:
            check_members(archive, self.name)
            member = self._member(archive)
            book = SliceBook(archive, member, folder, self.name)
            since = self._tick("parts", since)
            try:
                cutter = Cutter(inflated(archive, member, CHUNK), self.rows)
                for piece in cutter.slices():
                    book.add(cutter.head, piece.body, cutter.tail)
                    firsts.append(piece.first)
                frame = book.add(cutter.frame)
                path = book.finish()
            finally:
                book.close()
        since = self._tick("cut", since)
        self.slices = len(firsts)
        workbook = CalamineWorkbook.from_path(str(path))
        since = self._tick("open", since)
        if any(workbook.sheet_names.count(name) != 1 for name in book.names):
            raise CannotCut("de namen van de blokken zijn niet uniek")
        workbook.get_sheet_by_name(frame)  # calamine's errors in the head or after the rows
        self._tick("calamine", since)
        ends = [*firsts[1:], 0]
        return _Plan(workbook, book.names[:-1],
                     [(first - 1, end - 1) for first, end in zip(firsts, ends, strict=True)])

    def _sliced(self, plan: _Plan) -> Iterator[Block]:
        """The second pass: each slice read by calamine, padded, in order."""
        emit = _Emitter(self.size, self.rows)
        try:
            yield from self._slices(plan, emit)
        finally:
            plan.book.close()
        yield from emit.rest()

    def _slices(self, plan: _Plan, emit: _Emitter) -> Iterator[Block]:
        since = time.process_time()
        for number, name in enumerate(plan.names):  # every one: each is checked to hold its rows
            try:
                sheet = plan.book.get_sheet_by_name(name)
            except CalamineError as error:
                raise ReadWholeError(f"{self.name}, blad '{self.sheet}': blok {number}: "
                                     f"{error}") from error
            since = self._tick("calamine", since)
            if sheet.start is None:
                continue
            (top, left), (bottom, right) = sheet.start, sheet.end
            low, high = plan.rows[number]
            if top < low or (high >= 0 and bottom >= high) or right >= emit.width:
                raise ReadWholeError(f"{self.name}, blad '{self.sheet}': blok {number} valt "
                                      "buiten zijn rijen")
            values = sheet.to_python(skip_empty_area=True)
            del sheet
            if left or right < emit.width - 1:
                before, after = [""] * left, [""] * (emit.width - 1 - right)
                values = [before + row + after for row in values]
            since = self._tick("python", since)
            yield from emit.until(top)
            if top > emit.next:
                values = emit.blank(min(top, emit.end) - emit.next) + values
            yield emit.block(values)
            del values  # the consumer holds the block; the reader holds nothing between blocks
            since = time.process_time()

    def _whole(self) -> Iterator[Block]:
        """The sheet read whole by calamine, in blocks of its rows."""
        since = time.process_time()
        values = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_name(
            self.sheet).to_python(skip_empty_area=False, nrows=self.size.rows)
        self._tick("calamine", since)
        emit = _Emitter(self.size, self.rows)
        width = len(values[0]) if values else 0
        pad = [""] * max(0, emit.width - width)
        for start in range(0, len(values), self.rows):
            yield emit.block([row + pad for row in values[start:start + self.rows]] if pad
                             else values[start:start + self.rows])
        yield from emit.rest()


def read_blocks(path: Path, sheet: str, size: SheetSize, rows: int = 20_000,
                name: str | None = None) -> Iterator[Block]:
    """The rows of one sheet, measured whole as ``size``, in blocks of about ``rows`` rows (see
    :class:`SheetBlocks`)."""
    return iter(SheetBlocks(path, sheet, size, rows=rows, name=name))
