"""Measuring an xlsx/xlsm workbook: each sheet's XML streamed for the extent of its cells and
its cells without a usable value (error values, formulas without a stored result), the declared
dimension and the shared-string table checked against the limits.
"""

from __future__ import annotations

import posixpath
import zipfile

from analysis.ingest.measure.archive import check_members, elements, sheet_parts
from analysis.ingest.measure.extent import SheetSize
from analysis.ingest.measure.sheet import scan_sheet
from analysis.ingest.measure.strings import measure_shared_strings

_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def measure_xlsx(archive: zipfile.ZipFile, name: str) -> dict[str, SheetSize]:
    """Every sheet of an xlsx/xlsm workbook, measured; raises WorkbookError past a limit."""
    check_members(archive, name)
    workbook = "xl/workbook.xml"
    sheets = [(s.get("name", ""), s.get(f"{_RELS_NS} id", ""))
              for s in elements(archive, workbook, name, "sheet")]
    for member in archive.namelist():
        if posixpath.basename(member).lower() == "sharedstrings.xml":
            measure_shared_strings(archive, member, name)
    return {sheet: scan_sheet(archive, member, name, sheet)
            for sheet, member in sheet_parts(archive, name, workbook, sheets).items()}
