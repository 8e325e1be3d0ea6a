"""Open spreadsheet files safely and read one sheet as a grid of raw cell values.

Files are checked before parsing: a renamed HTML, CSV, OpenDocument or binary workbook, a
truncated zip, a password-protected workbook, an unreadable file and a zip bomb each get a Dutch
message instead of a crash. Then the workbook is measured (``analysis.ingest.measure``): a sheet
whose cells would span more than ``Limits.max_cells`` is refused, whichever engine is asked, even
when the excess is one stray cell far beyond the table, because calamine allocates the whole
rectangle up to the last cell. XML is parsed with entity declarations refused (defusedxml for
openpyxl, the same rule in the measurement), so an XML bomb is refused, not expanded.
"""

from __future__ import annotations

import errno
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from analysis.ingest import limits
from analysis.ingest.blokken import Block, SheetBlocks
from analysis.ingest.blokken.book import listing
from analysis.ingest.calamine import as_read, read_sheet
from analysis.ingest.cells import Foutwaarde
from analysis.ingest.measure import (
    XML_BOMB,
    SheetSize,
    WorkbookError,
    measure_ods,
    measure_xlsb,
    measure_xlsx,
    number,
    refuse,
)
from analysis.options import ENGINES

__all__ = ["BLOCK_ROWS", "ENGINES", "FORMATS", "LARGE_ROWS", "Book", "WorkbookError",
           "check_workbook"]

# A sheet of an xlsx workbook read with calamine that is measured to hold more rows than this is
# read in blocks of about BLOCK_ROWS rows (``analysis.ingest.blokken``), so that its cells can be
# typed block by block instead of held all at once.
LARGE_ROWS = 100_000
BLOCK_ROWS = 20_000

# The formats read, by what the file really is, with how a message names each.
FORMATS = {"xlsx": "Excel-bestand (.xlsx)", "xlsb": "binair Excel-bestand (.xlsb)",
           "xls": "oud Excel-bestand (.xls)", "ods": "OpenDocument-rekenblad (.ods)"}
_SUFFIX_FORMAT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xlsb": "xlsb", ".xls": "xls", ".ods": "ods"}
_MEASURE = {"xlsx": measure_xlsx, "xlsb": measure_xlsb, "ods": measure_ods}
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# What the engines raise for a file they cannot read (DefusedXmlException is a ValueError).
_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, CalamineError)
_OS_REASONS = {errno.EACCES: "geen leesrechten", errno.EPERM: "geen leesrechten",
               errno.EISDIR: "dit is een map", errno.EIO: "invoer-/uitvoerfout"}


def _refused_xml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML: openpyxl re-raises that as a plain ValueError."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _unreadable(name: str, error: OSError) -> WorkbookError:
    reason = _OS_REASONS.get(error.errno or 0, "fout bij het lezen van de schijf")
    return refuse(name, f"bestand is niet leesbaar ({reason}); niet gelezen")


def check_workbook(path: Path, name: str) -> str:
    """Raise WorkbookError unless ``path`` is a genuine workbook in the format its suffix names
    (.xlsx/.xlsm, .xlsb, .xls, .ods); return that format ('xlsx', 'xlsb', 'xls', 'ods')."""
    expected = _SUFFIX_FORMAT.get(path.suffix.lower(), "xlsx")
    try:
        real = _detect(path, name, expected)
    except OSError as error:
        raise _unreadable(name, error) from None
    if real != expected:
        raise refuse(name, f"dit is een {FORMATS[real]} met de extensie {path.suffix}; geef het "
                           f"bestand de extensie .{real} of sla het op als .xlsx")
    return real


def _detect(path: Path, name: str, expected: str) -> str:
    """What the file really is, judged by its bytes, or WorkbookError when it is none of them."""
    if path.is_dir():
        raise refuse(name, f"dit is een map, geen bestand; verwacht een {FORMATS[expected]}")
    if not path.exists():
        raise refuse(name, "bestand niet gevonden")
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        raise refuse(name, f"bestand is leeg (0 bytes); verwacht een {FORMATS[expected]}")
    size, limit = path.stat().st_size, limits.LIMITS.max_total_bytes
    if size > limit:
        raise refuse(name, f"bestand is {number(size // limits.MIB)} MB; verwacht hoogstens "
                           f"{number(limit // limits.MIB)} MB; niet gelezen")
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise refuse(name, "werkmap is met een wachtwoord beveiligd; sla het bestand op "
                               "zonder wachtwoord en lees het opnieuw in")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise refuse(name, f"dit is een ander Office-bestand (geen werkmap) met de extensie "
                           f"{path.suffix}; verwacht een echt {FORMATS[expected]}")
    if not head.startswith(b"PK"):
        text = head.lstrip().lower()
        if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
            kind = "een HTML- of XML-bestand"
        elif b";" in text or b"," in text or b"\t" in text:
            kind = "een tekstbestand (CSV)"
        else:
            kind = "geen Excel-bestand"
        raise refuse(name, f"dit is {kind} met de extensie {path.suffix}; verwacht een echt "
                           f"{FORMATS[expected]}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if (mimetype is not None and mimetype.file_size < 100
                    and archive.read(mimetype).strip() == _ODS_MIMETYPE):
                return "ods"
    except zipfile.BadZipFile:
        raise refuse(name, f"beschadigd of afgebroken {path.suffix.lstrip('.').lower()}-bestand "
                           "(zip niet leesbaar)") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    raise refuse(name, "zip-bestand zonder Excel-werkmap (xl/workbook.xml ontbreekt)")


def _measure(path: Path, name: str, kind: str) -> dict[str, SheetSize] | None:
    """Each sheet's size, streamed from the zip; None for .xls, whose own format caps a sheet at
    65,536 rows × 256 columns (within ``Limits.max_cells``) and whose size is capped above."""
    if kind not in _MEASURE:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            return _MEASURE[kind](archive, name)
    except (zipfile.BadZipFile, zlib.error):
        raise refuse(name, "beschadigd bestand (een onderdeel van de zip is niet leesbaar)") \
            from None
    except OSError as error:
        raise _unreadable(name, error) from None
    except (KeyError, ValueError, NotImplementedError, RuntimeError, EOFError) as error:
        raise refuse(name, f"werkmap is niet leesbaar ({type(error).__name__})") from None


def _with_fouten(values: np.ndarray, fouten: dict[tuple[int, int], str], first: int,
                 width: int) -> np.ndarray:
    """Rows of a sheet from sheet row ``first`` (0-based) on, at least ``width`` wide, with its
    measured cells without a value among them (``fouten``: by sheet row and column) as
    ``Foutwaarde``, the rows grown where such a cell lies beyond them."""
    rows, cols = (np.array(axis, dtype=np.int64) for axis in zip(*fouten, strict=True)) \
        if fouten else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    rows = rows - first
    grown = np.full((max(len(values), rows.max(initial=-1) + 1),
                     max(width, values.shape[1], cols.max(initial=-1) + 1)), None, dtype=object)
    grown[: values.shape[0], : values.shape[1]] = values
    grown[rows, cols] = [Foutwaarde(text) for text in fouten.values()]
    return grown


def _hidden_sheets(book: object) -> set[str]:
    """The names of the sheets a workbook hides (hidden or very hidden), read from the book the
    engine opened already (openpyxl's or calamine's); none when it cannot tell."""
    if hasattr(book, "sheets_metadata"):  # calamine
        return {str(sheet.name) for sheet in book.sheets_metadata
                if sheet.visible != SheetVisibleEnum.Visible}
    return {str(sheet.title) for sheet in getattr(book, "worksheets", [])
            if getattr(sheet, "sheet_state", "visible") != "visible"}


class Book:
    """An opened workbook: its sheet names, and each sheet read once as a grid of raw values.

    .xls, .xlsb and .ods files are always read with calamine, whatever ``engine`` is asked
    (openpyxl reads only xlsx); calamine is read directly (``analysis.ingest.calamine``), openpyxl
    through pandas. Only the measured extent of a sheet is read, and cells holding an Excel error
    or a formula without a stored result come back as ``Foutwaarde``. A large sheet
    (:meth:`large`) can also be read in blocks of rows (:meth:`head`, :meth:`blocks`), each as
    its rows of the whole grid, but for empty columns at the right.
    """

    def __init__(self, path: Path, name: str, engine: str):
        self.name, self._path = name, path
        kind = check_workbook(path, name)
        self._sizes = _measure(path, name, kind)
        self._blockwise = kind == "xlsx" and engine == "calamine"
        self._heads: dict[str, tuple[list[tuple[int, np.ndarray]], Iterator[Block]]] = {}
        self._file: pd.ExcelFile | None = None
        # With a large sheet, calamine lists the sheets from a copy without the shared strings,
        # which the block reader parses anyway; the workbook is opened when a grid is read.
        self._listed_only = any(map(self.large, self._sizes or {}))
        try:
            if self._listed_only:
                self._book = CalamineWorkbook.from_filelike(listing(path))
                self.sheet_names = [str(sheet.name) for sheet in self._book.sheets_metadata
                                    if sheet.typ == SheetTypeEnum.WorkSheet]
            elif engine == "calamine" or kind != "xlsx":
                self._book = CalamineWorkbook.from_path(path)
                # the worksheets, as pandas lists them (no chart or macro sheets)
                self.sheet_names = [str(sheet.name) for sheet in self._book.sheets_metadata
                                    if sheet.typ == SheetTypeEnum.WorkSheet]
            else:
                self._file = pd.ExcelFile(path, engine=engine)
                self._book = self._file.book
                self.sheet_names = [str(sheet) for sheet in self._file.sheet_names]
        except _UNREADABLE as error:
            raise self._refusal(error, None) from None
        self.hidden = _hidden_sheets(self._book)
        self._grids: dict[str, pd.DataFrame] = {}

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        for _, blocks in self._heads.values():
            blocks.close()  # the block reader's temporary workbook goes
        self._heads.clear()
        if self._file is not None:
            self._file.close()
        else:
            self._book.close()

    def grid(self, sheet: str) -> pd.DataFrame:
        """All cells of one sheet as raw values (object dtype); row i is Excel row i + 1."""
        if sheet not in self._grids:
            self._grids[sheet] = self._read(sheet)
        return self._grids[sheet]

    def large(self, sheet: str) -> bool:
        """Whether the sheet is to be read in blocks: an xlsx sheet read with calamine that is
        measured to hold more than ``LARGE_ROWS`` rows."""
        size = self._sizes.get(sheet) if self._sizes is not None else None
        return self._blockwise and size is not None and size.rows > LARGE_ROWS

    def head(self, sheet: str, rows: int) -> pd.DataFrame:
        """The first blocks of a large sheet, at least ``rows`` rows of it where it has them,
        as raw values (as :meth:`grid`); the blocks are kept for :meth:`blocks`."""
        if sheet not in self._heads:
            size = self._sizes[sheet]  # type: ignore[index]
            self._heads[sheet] = ([], iter(SheetBlocks(self._path, sheet, size, rows=BLOCK_ROWS,
                                                       name=self.name)))
        taken, blocks = self._heads[sheet]
        while sum(len(values) for _, values in taken) < rows:
            block = self._next(blocks, sheet)
            if block is None:
                break
            taken.append(self._block(block, sheet))
        if not taken:
            return pd.DataFrame(np.empty((0, 0), dtype=object), dtype=object)
        return pd.DataFrame(np.concatenate([values for _, values in taken]) if len(taken) > 1
                            else taken[0][1], dtype=object, copy=False)

    def blocks(self, sheet: str) -> Iterator[tuple[int, np.ndarray]]:
        """The rows of a large sheet after its head (:meth:`head`, read first), block by block:
        the sheet row (0-based) of a block's first row, and its raw values. Raises
        ``ReadWholeError`` where the sheet's rows cannot be read in blocks (read it whole with
        :meth:`grid`)."""
        _, blocks = self._heads[sheet]
        while (block := self._next(blocks, sheet)) is not None:
            yield self._block(block, sheet)

    def _next(self, blocks: Iterator[Block], sheet: str) -> Block | None:
        try:
            return next(blocks, None)
        except _UNREADABLE as error:
            raise self._refusal(error, sheet) from None

    def _block(self, block: Block, sheet: str) -> tuple[int, np.ndarray]:
        """A block's rows as the raw values :meth:`grid` has for them, as wide as the sheet is
        measured to be."""
        first = block.first_row - 1
        values = as_read(block.rows, top=first == 0)
        width = self._sizes[sheet].cols  # type: ignore[index]
        if block.fouten or values.shape[1] < width:
            values = _with_fouten(values, block.fouten, first, width)
        return first, values

    def _refusal(self, error: BaseException, sheet: str | None) -> WorkbookError:
        if isinstance(error, PasswordError) or "password" in str(error).lower():
            return refuse(self.name, "werkmap is met een wachtwoord beveiligd; sla het bestand op "
                                     "zonder wachtwoord en lees het opnieuw in")
        if _refused_xml(error):
            return refuse(self.name, XML_BOMB)
        what = "blad" if sheet else "werkmap"
        return refuse(self.name, f"{what} is niet leesbaar ({type(error).__name__})", sheet)

    def _read(self, sheet: str) -> pd.DataFrame:
        size = None if self._sizes is None else self._sizes.get(sheet)
        if self._sizes is not None and size is None:
            raise refuse(self.name, "blad is niet te vinden in de werkmap; niet gelezen", sheet)
        nrows = None if size is None else size.rows
        try:
            if self._listed_only:
                self._book.close()
                self._book, self._listed_only = CalamineWorkbook.from_path(self._path), False
            values = (read_sheet(self._book, sheet, nrows) if self._file is None
                      else self._read_pandas(sheet, nrows))
        except _UNREADABLE as error:
            raise self._refusal(error, sheet) from None
        if size is not None and size.fouten:
            values = _with_fouten(values, size.fouten, 0, values.shape[1])
        return pd.DataFrame(values, dtype=object, copy=False)

    def _read_pandas(self, sheet: str, nrows: int | None) -> np.ndarray:
        """A sheet read by openpyxl through pandas, empty cells as None."""
        grid = pd.read_excel(self._file, sheet_name=sheet, header=None, dtype=object,
                             nrows=nrows)
        return grid.astype(object).where(grid.notna(), None).to_numpy(dtype=object)
