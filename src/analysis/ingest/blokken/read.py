"""Reading one xlsx sheet in blocks of rows, in bounded memory, each block exactly what
``CalamineWorkbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)`` gives for those
rows of the whole sheet.

Two passes. The first inflates the sheet once, cuts it into slices of whole rows
(:mod:`.cut`), measures each slice (:mod:`.size`: limits and Dutch refusals, before calamine sees
anything) and writes it as a sheet of a temporary workbook that shares the source's strings and
styles (:mod:`.book`). The second opens that workbook with calamine once and reads the slices in
order; each slice's rows are padded to the whole sheet's width and preceded by the empty rows
before them, as the whole-sheet reading has them.

Whatever the first pass finds it cannot cut exactly, and anything that goes wrong before the
first block, sends the sheet to calamine whole (``reason`` says why), which is always exact.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from analysis.ingest.blokken.book import SliceBook
from analysis.ingest.blokken.cut import CannotCut, Cutter
from analysis.ingest.blokken.size import SliceSize, measure_slice
from analysis.ingest.measure import SheetSize, check_members, measure_xlsx, refuse
from analysis.ingest.measure.archive import elements, sheet_parts
from analysis.ingest.measure.extent import Extent

_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NOT_FOUND = "blad is niet te vinden in de werkmap; niet gelezen"
# What the first pass may meet that the whole-sheet reading then decides on.
_READ_WHOLE = (CannotCut, expat.ExpatError, CalamineError, zipfile.BadZipFile, KeyError,
               RuntimeError, NotImplementedError)


class SliceOrderError(RuntimeError):
    """calamine placed a cell outside the rows its slice was measured to hold. The measurement
    rules this out; should it happen, blocks already handed out may be wrong: read the sheet
    whole."""


@dataclass
class Block:
    """Consecutive rows of a sheet: ``rows[0]`` is Excel row ``first_row``. ``fouten`` holds the
    measured cells without a value in these rows ((row, column), 0-based, as ``SheetSize``); a
    last block without rows holds those below the sheet's last row."""

    first_row: int
    rows: list[list[object]]
    fouten: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Plan:
    """What the first pass found: calamine's workbook of slices, each slice's sheet name and
    rows (0-based, from and up to), its width, and a slice calamine read already."""

    book: CalamineWorkbook
    names: list[str]
    rows: list[tuple[int, int]]
    width: int
    read: dict[int, CalamineSheet]


class _Emitter:
    """Hands out the sheet's rows as blocks, from row 0 on, with their cells without a value."""

    def __init__(self, width: int, rows: int, fouten: dict[tuple[int, int], str]):
        self.width, self.rows, self.next = width, rows, 0
        self._fouten = sorted(fouten.items())
        self._taken = 0

    def _take(self, last: int | None) -> dict[tuple[int, int], str]:
        start = self._taken
        while self._taken < len(self._fouten) and (
                last is None or self._fouten[self._taken][0][0] <= last):
            self._taken += 1
        return dict(self._fouten[start:self._taken])

    def block(self, values: list[list[object]]) -> Block:
        first = self.next
        self.next += len(values)
        return Block(first + 1, values, self._take(self.next - 1))

    def blank(self, count: int) -> list[list[object]]:
        return [[""] * self.width for _ in range(count)]

    def until(self, row: int) -> Iterator[Block]:
        """Blocks of empty rows while more than a block's worth lie before ``row``."""
        while row - self.next > self.rows:
            yield self.block(self.blank(self.rows))

    def rest(self) -> Iterator[Block]:
        if self._taken < len(self._fouten):
            yield Block(self.next + 1, [], self._take(None))


class SheetBlocks:
    """The blocks of one sheet of an xlsx/xlsm workbook; iterate to read them.

    ``rows`` is about how many rows a block holds. After the first pass, ``size`` is the sheet's
    measurement as ``measure_xlsx`` gives it, ``slices`` how many slices it was cut into (0 when
    read whole), ``reason`` why it was read whole (None otherwise), and ``cpu`` the CPU seconds
    of each step: copying the source's parts (its shared strings) into the temporary workbook
    (parts), inflating, cutting and writing the slices (cut), measuring them (measure), calamine
    opening the temporary workbook, which parses the shared strings once (open), calamine
    reading the slices (calamine), and turning them into padded Python rows (python). Raises
    WorkbookError (Dutch) past a limit or for a sheet that is not there."""

    def __init__(self, path: Path, sheet: str, *, rows: int = 20_000, name: str | None = None,
                 folder: Path | None = None):
        self.path, self.sheet, self.rows = Path(path), sheet, max(1, rows)
        self.name = name or self.path.name
        self.folder = folder  # where the temporary workbook goes (the system's default if None)
        self.size: SheetSize | None = None
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
        """The first pass: cut, measure and write the slices; open them with calamine and find
        the sheet's width. Raises one of ``_READ_WHOLE`` when the sheet is to be read whole."""
        since = time.process_time()
        firsts: list[int] = []
        sizes: list[SliceSize] = []
        with zipfile.ZipFile(self.path) as archive:
            check_members(archive, self.name)
            member = self._member(archive)
            book = SliceBook(archive, member, folder, self.name)
            since = self._tick("parts", since)
            try:
                with archive.open(member) as stream:
                    cutter = Cutter(stream, self.rows)
                    for piece in cutter.slices():
                        since = self._tick("cut", since)
                        sizes.append(measure_slice(cutter.head + piece.body + cutter.tail,
                                                   self.name, self.sheet))
                        since = self._tick("measure", since)
                        book.add(cutter.head, piece.body, cutter.tail)
                        firsts.append(piece.first)
                    measure_slice(cutter.frame, self.name, self.sheet)
                    frame = book.add(cutter.frame)
                path = book.finish()
            finally:
                book.close()
        since = self._tick("cut", since)
        rows = self._check(firsts, sizes)
        self.slices = len(rows)
        workbook = CalamineWorkbook.from_path(str(path))
        since = self._tick("open", since)
        names = book.names[:-1]
        if any(workbook.sheet_names.count(name) != 1 for name in book.names):
            raise CannotCut("de namen van de blokken zijn niet uniek")
        workbook.get_sheet_by_name(frame)  # calamine's errors in the head or after the rows
        width, read = self._width(workbook, names, [size.size.cols for size in sizes])
        self._tick("calamine", since)
        return _Plan(workbook, names, rows, width, read)

    def _check(self, firsts: list[int], sizes: list[SliceSize]) -> list[tuple[int, int]]:
        """Each slice's rows (0-based, from and up to); raises CannotCut unless every cell of a
        slice lies in them. Sets ``size`` and refuses the sheet past the limits as a whole."""
        ends = [*firsts[1:], None]
        whole = SheetSize()
        for first, end, sliced in zip(firsts, ends, sizes, strict=True):
            size = sliced.size
            if sliced.low and (sliced.low < first or (end is not None and size.rows >= end)):
                raise CannotCut("cellen staan buiten de rijen van hun stuk")
            whole.rows, whole.cols = max(whole.rows, size.rows), max(whole.cols, size.cols)
            whole.fouten.update(size.fouten)
        if whole.rows:
            Extent(self.name, self.sheet).add(whole.rows, whole.cols)
        self.size = whole
        return [(first - 1, (end or 0) - 1) for first, end in zip(firsts, ends, strict=True)]

    @staticmethod
    def _width(workbook: CalamineWorkbook, names: list[str],
               measured: list[int]) -> tuple[int, dict[int, CalamineSheet]]:
        """The whole sheet's width as calamine has it: its last column holding a value. The
        measurement counts a cell a little more often than calamine keeps one (a formula
        without a value), so slices are read, widest first, until none can be wider; the
        first slice, when read here, is kept for the blocks."""
        width, read = 0, {}
        for number in sorted(range(len(names)), key=lambda number: -measured[number]):
            if measured[number] <= width:
                break
            sheet = workbook.get_sheet_by_name(names[number])
            if sheet.end is not None:
                width = max(width, sheet.end[1] + 1)
            if number == 0:
                read[0] = sheet
        return width, read

    def _sliced(self, plan: _Plan) -> Iterator[Block]:
        """The second pass: each slice read by calamine, padded, in order."""
        assert self.size is not None
        emit = _Emitter(plan.width, self.rows, self.size.fouten)
        since = time.process_time()
        try:
            yield from self._slices(plan, emit, since)
        finally:
            plan.read.clear()
            plan.book.close()
        yield from emit.rest()

    def _slices(self, plan: _Plan, emit: _Emitter, since: float) -> Iterator[Block]:
        for number, name in enumerate(plan.names):
            sheet = plan.read.pop(number, None)
            if sheet is None:
                sheet = plan.book.get_sheet_by_name(name)
            since = self._tick("calamine", since)
            if sheet.start is None:
                continue
            (top, left), (bottom, right) = sheet.start, sheet.end
            low, high = plan.rows[number]
            if top < low or (high >= 0 and bottom >= high) or right >= plan.width:
                raise SliceOrderError(f"{self.name}, blad '{self.sheet}': blok {number} valt "
                                      "buiten zijn rijen")
            values = sheet.to_python(skip_empty_area=True)
            del sheet
            if left or right < plan.width - 1:
                before, after = [""] * left, [""] * (plan.width - 1 - right)
                values = [before + row + after for row in values]
            since = self._tick("python", since)
            yield from emit.until(top)
            yield emit.block(emit.blank(top - emit.next) + values if top > emit.next else values)
            del values  # the consumer holds the block; the reader holds nothing between blocks
            since = time.process_time()

    def _whole(self) -> Iterator[Block]:
        """The sheet read whole by calamine, measured first as the workbook reader does."""
        since = time.process_time()
        with zipfile.ZipFile(self.path) as archive:
            size = measure_xlsx(archive, self.name).get(self.sheet)
        if size is None:
            raise refuse(self.name, _NOT_FOUND, self.sheet)
        self.size = size
        since = self._tick("measure", since)
        values = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_name(
            self.sheet).to_python(skip_empty_area=False)
        self._tick("calamine", since)
        emit = _Emitter(len(values[0]) if values else 0, self.rows, size.fouten)
        for start in range(0, len(values), self.rows):
            yield emit.block(values[start:start + self.rows])
        yield from emit.rest()


def read_blocks(path: Path, sheet: str, rows: int = 20_000,
                name: str | None = None) -> Iterator[Block]:
    """The rows of one sheet in blocks of about ``rows`` rows (see :class:`SheetBlocks`)."""
    return iter(SheetBlocks(path, sheet, rows=rows, name=name))
