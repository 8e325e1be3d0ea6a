"""How far a sheet's cells reach, grown cell by cell while a sheet is streamed and refused as
soon as it passes the limits (a reader would allocate the whole rectangle from A1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.cellref import column_letters
from analysis.ingest.measure.refusal import refuse


@dataclass
class SheetSize:
    """How far a sheet's cells reach (1-based; 0 when empty) and its cells without a value."""

    rows: int = 0
    cols: int = 0
    fouten: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based


class Extent:
    """The growing rectangle of a sheet's cells; refuses it once it grows too large."""

    def __init__(self, name: str, sheet: str):
        self.name, self.sheet = name, sheet
        self.size = SheetSize()

    def add(self, row: int, col: int) -> None:
        size = self.size
        if row <= size.rows and col <= size.cols:
            return
        limit = limits.LIMITS
        if row > limit.max_rows:
            raise refuse(self.name, f"blad heeft een cel in rij {getal(row)}; "
                                    f"verwacht hoogstens {getal(limit.max_rows)} rijen; niet "
                                    "gelezen", self.sheet)
        size.rows, size.cols = max(size.rows, row), max(size.cols, col)
        if size.rows * size.cols > limit.max_cells:
            raise refuse(self.name, "blad heeft een cel in "
                                    f"{column_letters(col)}{row}; daarmee beslaat "
                                    f"het blad {getal(size.rows)} rijen × {getal(size.cols)} "
                                    f"kolommen = {getal(size.rows * size.cols)} cellen; verwacht "
                                    f"hoogstens {getal(limit.max_cells)} cellen; verwijder losse "
                                    "cellen buiten de tabel; niet gelezen", self.sheet)

    def add_cells(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Cells (1-based, in the order of the sheet) added at once: the same extent and the
        same refusal, for the same cell, as adding them one by one. The extent only grows, so
        when its final size is within the limits every step was; otherwise the cells are added
        one by one, which refuses the first that passes them."""
        if not len(rows):
            return
        size, limit = self.size, limits.LIMITS
        last_row, last_col = max(size.rows, int(rows.max())), max(size.cols, int(cols.max()))
        if last_row <= limit.max_rows and last_row * last_col <= limit.max_cells:
            size.rows, size.cols = last_row, last_col
            return
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            self.add(row, col)
