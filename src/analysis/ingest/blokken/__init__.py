"""Reading a large xlsx sheet in blocks of rows with bounded memory, each block exactly what
calamine gives for those rows when it reads the whole sheet.

calamine reads a sheet into one dense rectangle (32 bytes a cell, plus a string for each text
cell) and then into Python lists, which for a million-row export takes well over a gigabyte. This
package cuts the sheet's XML into slices of whole rows and lets calamine read them one at a time
against the workbook's own shared strings and styles, so that a block can be turned into typed
columns before the next is read. The sheet is measured once, whole, before (the limits and Dutch
refusals of ``analysis.ingest.measure``); the reader takes that measurement.

The parts, each with one job: :mod:`.cut` (slicing the XML by bytes), :mod:`.book` (the
temporary workbook calamine reads the slices from) and :mod:`.read` (the two passes, and the
whole-sheet reading whenever a sheet cannot be cut exactly).
"""

from analysis.ingest.blokken.read import Block, ReadWholeError, SheetBlocks, read_blocks

__all__ = ["Block", "ReadWholeError", "SheetBlocks", "read_blocks"]
