"""Measure a workbook before a reader loads it: how far each sheet's cells reach, how large its
zip members unpack and how many shared strings it holds, all streamed in bounded memory.

A reader allocates the whole rectangle from A1 to a sheet's last cell, so one cell at XFD1048576
would cost hundreds of gigabytes; such a sheet, a forged dimension, a zip bomb or a huge
shared-string table is refused here with a Dutch message before any reader sees the file. The
same pass records the cells that hold no usable value (Excel error values, formulas whose result
was not stored), which the readers would otherwise hand back as empty.

The parts, each with one job: :mod:`.refusal` (the error and its messages), :mod:`.archive`
(the zip and its XML, read safely, a member inflated once), :mod:`.cellref` (references read as
calamine reads them), :mod:`.extent` (a sheet's growing extent and its limits), one module per
format, :mod:`.xlsx`, :mod:`.ods` and :mod:`.xlsb`; for xlsx :mod:`.strings` (the shared-string
table) and :mod:`.sheet` (a sheet: its XML read by :mod:`.exact`, expat with a call per element,
and the rows and cells of a regular export by :mod:`.lexical`, numpy over whole pieces, at about
a fifth of what the reader spends). This package re-exports what the readers import.
"""

from analysis.ingest.measure.archive import check_members
from analysis.ingest.measure.extent import SheetSize
from analysis.ingest.measure.ods import measure_ods
from analysis.ingest.measure.refusal import (
    NO_STORED_VALUE,
    XML_BOMB,
    WorkbookError,
    number,
    refuse,
)
from analysis.ingest.measure.xlsb import measure_xlsb
from analysis.ingest.measure.xlsx import measure_xlsx

__all__ = ["NO_STORED_VALUE", "XML_BOMB", "SheetSize", "WorkbookError", "check_members",
           "measure_ods", "measure_xlsb", "measure_xlsx", "number", "refuse"]
