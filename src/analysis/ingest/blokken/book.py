"""The workbook calamine reads the slices from: the source's own package parts (its shared
strings, styles, workbook and relationships, copied unchanged and stored, so nothing is inflated
twice) plus one sheet per slice, written as the slices are cut.

calamine parses a workbook's shared strings when it opens it, once, and every slice sheet then
looks its strings up in that one table: the strings come out exactly as calamine makes them for
the whole sheet, and are parsed once rather than once per slice. The slice sheets are added to
the source's own workbook.xml and its relationships, just before their closing tags, so the date
system (1900 or 1904) and everything else calamine reads there stay as the source has them.

The file lives in a temporary folder for as long as the sheet is being read; it is about as large
as the sheet's XML (a million-row export: some 400 MB).
"""

from __future__ import annotations

import io
import posixpath
import re
import secrets
import shutil
import zipfile
from pathlib import Path

from analysis.ingest.blokken.cut import CannotCut
from analysis.ingest.measure.archive import elements
from analysis.ingest.measure.refusal import WorkbookError

# Source parts copied whatever their size (by their name, lower case); any other part is copied
# only when small, since calamine does not read it (other sheets, drawings, media).
_PARTS = ("sharedstrings.xml", "styles.xml", "workbook.xml")
_SMALL = 1 << 20
_WORKBOOK, _RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_CLOSING = re.compile(rb"</((?:[A-Za-z_][-.\w]*:)?)(\w+)\s*>\s*$")


def _lookup(names: list[str]) -> dict[str, str]:
    """Part names as calamine finds them: lower case, backslashes as slashes, the last wins."""
    return {name.replace("\\", "/").lower(): name for name in names}


def _copied(info: zipfile.ZipInfo) -> bool:
    """Whether a source part goes into a copy calamine reads: every part it reads when it
    opens a workbook, and every other small one."""
    base = posixpath.basename(info.filename).lower()
    return not info.is_dir() and (info.file_size <= _SMALL or base in _PARTS
                                  or base.endswith(".rels"))


def listing(path: Path) -> io.BytesIO:
    """A copy of a workbook's package, in memory, without its shared strings and its large
    parts (its large sheets): calamine opens it to list the sheets as it would list the
    source's, without parsing the strings (a second or more for a million-row export)."""
    copy = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            if _copied(info) and posixpath.basename(info.filename).lower() != "sharedstrings.xml":
                out.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time),
                             source.read(info))
    copy.seek(0)
    return copy


def _check_xl_folder(source: zipfile.ZipFile, parts: dict[str, str], name: str) -> None:
    """calamine finds workbook.xml through the package's relationships; the reader adds its
    sheets to xl/workbook.xml, so any other place is read whole."""
    rels = parts.get("_rels/.rels")
    if rels is None:
        raise CannotCut("_rels/.rels ontbreekt")
    try:
        found = elements(source, rels, name, "Relationship")
    except WorkbookError:
        raise CannotCut("_rels/.rels is niet te lezen") from None
    targets = [rel.get("Target", "") for rel in found
               if rel.get("Type", "").endswith(_OFFICE_DOCUMENT)]
    if targets and posixpath.dirname(targets[-1]).lstrip("/") + "/" != "xl/":
        raise CannotCut("de werkmap staat niet in xl/")
    if _WORKBOOK not in parts or _RELS.lower() not in parts:
        raise CannotCut("xl/workbook.xml of zijn relaties ontbreken")


def _insert(xml: bytes, root: bytes, addition: bytes) -> bytes:
    """``addition`` put just before the document's closing ``root`` tag."""
    closing = _CLOSING.search(xml)
    if closing is None or closing[2] != root:
        raise CannotCut(f"{root.decode()} eindigt niet zoals verwacht")
    return xml[: closing.start()] + addition + xml[closing.start():]


class SliceBook:
    """A temporary xlsx holding the source's package parts and one sheet per slice."""

    def __init__(self, source: zipfile.ZipFile, sheet_member: str, folder: Path, name: str):
        self.source = source
        self.parts = _lookup(source.namelist())
        _check_xl_folder(source, self.parts, name)
        self.path = folder / "blokken.xlsx"
        self.token = secrets.token_hex(4)
        self.names: list[str] = []
        if any(part.startswith(f"xl/blokken-{self.token}/") for part in self.parts):
            raise CannotCut("naam voor de blokken is al in gebruik")
        self._edited = {self.parts[_WORKBOOK], self.parts[_RELS.lower()]}
        self.zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_STORED)
        for info in source.infolist():
            if not _copied(info) or info.filename in (sheet_member, *self._edited):
                continue
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.file_size = info.file_size
            with source.open(info) as read, self.zip.open(copy, "w") as write:
                shutil.copyfileobj(read, write, 1 << 20)

    def add(self, *pieces: bytes) -> str:
        """Write one sheet from ``pieces`` (its XML in parts); return the sheet's name."""
        name = f"blokken-{self.token}-{len(self.names)}"
        with self.zip.open(f"xl/{self._target(len(self.names))}", "w") as write:
            for piece in pieces:
                write.write(piece)
        self.names.append(name)
        return name

    def _target(self, number: int) -> str:
        return f"blokken-{self.token}/{number}.xml"

    def finish(self) -> Path:
        """Add the sheets to the workbook and its relationships; close the file."""
        sheets = b"".join(
            f'<sheet name="{name}" sheetId="{60000 + number}" r:id="rBlokken{number}"/>'.encode()
            for number, name in enumerate(self.names))
        rels = b"".join(
            f'<Relationship Id="rBlokken{number}" Type="{_WORKSHEET}" '
            f'Target="{self._target(number)}"/>'.encode() for number in range(len(self.names)))
        workbook, relationships = self.parts[_WORKBOOK], self.parts[_RELS.lower()]
        self.zip.writestr(workbook, _insert(self.source.read(workbook), b"workbook", sheets))
        self.zip.writestr(relationships,
                          _insert(self.source.read(relationships), b"Relationships", rels))
        self.zip.close()
        return self.path

    def close(self) -> None:
        self.zip.close()
