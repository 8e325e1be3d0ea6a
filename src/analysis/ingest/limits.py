"""The limits a workbook must stay within before it is loaded, in one place.

They are set so that a genuine export of 1,000,000 rows × 20 columns (about 90 MB as xlsx) is
read, while a file built to make the reader allocate gigabytes or run for minutes is refused
within a second or two. Tests lower them by replacing ``LIMITS``.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024**2


@dataclass(frozen=True)
class Limits:
    """Upper bounds checked by ``analysis.ingest.measure`` while streaming a workbook."""

    # rows × columns a sheet claims in its <dimension>: a forged claim is refused outright.
    max_declared_cells: int = 20_000_000
    # Excel's own maximum; a cell further down is forged.
    max_rows: int = 1_048_576
    # rows × columns of the grid spanned by a sheet's cells (its last row × its last column):
    # what a reader allocates; room for 1,000,000 rows × 20 columns.
    max_cells: int = 20_000_000
    # entries in the shared-string table (a 1,000,000-row export has ~2 per row that differ).
    max_shared_strings: int = 5_000_000
    # total length of those strings, in characters.
    max_shared_string_chars: int = 250_000_000
    # unpacked / packed size of one zip member; real sheets pack 5-30×, a zip bomb 1000×.
    max_ratio: int = 100
    # members unpacking to less than this are not held to the ratio (tiny parts pack oddly).
    ratio_from_bytes: int = 4 * MIB
    # unpacked size of one zip member (a sheet of 1,000,000 × 20 cells is about 900 MB).
    max_member_bytes: int = 2048 * MIB
    # unpacked size of all members together, and the size of a file that is not a zip.
    max_total_bytes: int = 3072 * MIB


LIMITS = Limits()
