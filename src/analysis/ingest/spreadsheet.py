"""Open spreadsheet files safely and read one sheet as a grid of raw cell values.

Files are checked before parsing: a renamed HTML or CSV file, a truncated zip, a password-protected
or old-format workbook, and a zip bomb each get a Dutch message instead of a crash. openpyxl reads
XML through defusedxml (installed with the project), so an XML bomb is refused, not expanded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from defusedxml import DefusedXmlException
from python_calamine import CalamineError

from analysis.problems import Problem

ENGINES = ("openpyxl", "calamine")
MAX_UNPACKED_BYTES = 512 * 1024**2
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# What the engines raise for a file they cannot read (DefusedXmlException is a ValueError).
_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, CalamineError)


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; carries its Dutch problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _refuse(name: str, message: str, sheet: str | None = None) -> WorkbookError:
    return WorkbookError(Problem(bestand=name, blad=sheet, melding=message))


def _refused_xml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML: openpyxl re-raises that as a plain ValueError."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def check_xlsx(path: Path, name: str) -> None:
    """Raise WorkbookError unless ``path`` looks like a genuine, readable xlsx file."""
    if not path.is_file():
        raise _refuse(name, "bestand niet gevonden")
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        raise _refuse(name, "bestand is leeg (0 bytes); verwacht een Excel-bestand (.xlsx)")
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise _refuse(name, "werkmap is met een wachtwoord beveiligd; sla het bestand op "
                                "zonder wachtwoord en lees het opnieuw in")
        raise _refuse(name, "oud Excel-formaat (.xls); sla het bestand op als .xlsx")
    if not head.startswith(b"PK"):
        text = head.lstrip().lower()
        if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
            kind = "een HTML- of XML-bestand"
        elif b";" in text or b"," in text or b"\t" in text:
            kind = "een tekstbestand (CSV)"
        else:
            kind = "geen Excel-bestand"
        raise _refuse(name, f"dit is {kind} met de extensie {path.suffix}; verwacht een echt "
                            "Excel-bestand (.xlsx)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _refuse(name, "beschadigd of afgebroken xlsx-bestand (zip niet leesbaar)") from None
    if "xl/workbook.xml" not in names:
        raise _refuse(name, "zip-bestand zonder Excel-werkmap (xl/workbook.xml ontbreekt)")
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(name, f"uitgepakt groter dan {MAX_UNPACKED_BYTES // 1024**2} MB "
                            "(mogelijk een zip-bom); niet gelezen")


class Book:
    """An opened workbook: its sheet names, and each sheet read once as a grid of raw values."""

    def __init__(self, path: Path, name: str, engine: str):
        self.name = name
        try:
            self._file = pd.ExcelFile(path, engine=engine)
        except _UNREADABLE as error:
            if _refused_xml(error):
                raise _refuse(name, "werkmap bevat verboden XML-constructies (mogelijk een "
                                    "XML-bom); niet gelezen") from None
            raise _refuse(name, f"werkmap is niet leesbaar ({type(error).__name__})") from None
        self.sheet_names = [str(sheet) for sheet in self._file.sheet_names]
        self._grids: dict[str, pd.DataFrame] = {}

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def grid(self, sheet: str) -> pd.DataFrame:
        """All cells of one sheet as raw values (object dtype); row i is Excel row i + 1."""
        if sheet not in self._grids:
            self._grids[sheet] = self._read(sheet)
        return self._grids[sheet]

    def _read(self, sheet: str) -> pd.DataFrame:
        try:
            grid = pd.read_excel(self._file, sheet_name=sheet, header=None, dtype=object)
        except _UNREADABLE as error:
            if _refused_xml(error):
                raise _refuse(self.name, "blad bevat verboden XML-constructies (mogelijk een "
                                         "XML-bom); niet gelezen", sheet) from None
            raise _refuse(self.name, f"blad is niet leesbaar ({type(error).__name__})",
                          sheet) from None
        grid = grid.astype(object).where(grid.notna(), None)
        grid.index = range(len(grid))
        grid.columns = range(grid.shape[1])
        return grid
