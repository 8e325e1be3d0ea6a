"""Cell references (``B12``) read the way calamine reads a cell's ``r`` attribute: letters, then
digits, in either case and of any length. A reference the measurement reads more narrowly than
the reader would let a cell far beyond the measured extent through (``AAAA1`` is column 18,279 to
calamine), so the measurement reads it the same way. Kept here, not taken from openpyxl, so that
measuring does not import openpyxl.
"""

from __future__ import annotations

import re

_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


def column_number(letters: str) -> int:
    """The 1-based number of a column: ``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16,384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """The letters of a 1-based column number, the inverse of :func:`column_number`."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of a reference of letters and digits; None for anything else
    (a reader refuses such a reference)."""
    match = _REF.fullmatch(ref)
    if match is None:
        return None
    return int(match[2]), column_number(match[1])


# Column letters -> number for every column Excel has: the common case, looked up at once.
COLUMNS = {column_letters(number): number for number in range(1, 16385)}
