"""Read one sheet with python-calamine as the grid of raw values ``pd.read_excel`` handed over.

The ingest read every sheet through ``pd.read_excel(..., header=None, dtype=object)``; reading
with python-calamine directly skips pandas' conversion cell by cell and its text parser (and
their copies of the grid). What pandas did to the cells is done here on the whole grid at once,
so that the converters see the same values: a whole number stored as a float becomes an int, a
date a datetime (as openpyxl gives it), a float NaN and the texts pandas reads as missing ('',
'NA', 'n/a', ...) become None, and a byte order mark at the start of cell A1 goes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas._libs.parsers import STR_NA_VALUES
from pandas.api.types import infer_dtype
from python_calamine import CalamineWorkbook

_MISSING = pa.array(sorted(STR_NA_VALUES), type=pa.string())
_BOM = "\ufeff"
_TYPE = np.frompyfunc(type, 1, 1)
_TOP = 50  # rows read cell by cell's type (a title block and a header above the columns)
# What pandas infers for a column of cells it handed over as calamine gave them.
_AS_READ = frozenset({"integer", "boolean", "datetime", "time", "timedelta"})


def read_sheet(book: CalamineWorkbook, sheet: str, nrows: int | None) -> np.ndarray:
    """The first ``nrows`` rows (all when None) of a sheet from cell A1 on, as a 2-D object
    array of the values pandas gave for them (None for an empty cell)."""
    return as_read(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows))


def as_read(rows: list[list[object]], top: bool = True) -> np.ndarray:
    """Rows of a sheet as calamine gives them, all as wide, as a 2-D object array of the values
    pandas gave for them (``top``: the first row is the sheet's first, whose cell A1 may start
    with a byte order mark). The rows are emptied as they are taken."""
    if not rows:
        return np.empty((0, 0), dtype=object)
    values = np.fromiter(rows, dtype=np.dtype((object, len(rows[0]))), count=len(rows))
    rows.clear()
    _as_pandas_read(values, top)
    return values


def _as_pandas_read(values: np.ndarray, top: bool) -> None:
    """Give the cells, in place, the values pandas' calamine reader gave them: the top rows
    cell by cell's type, a column below them at once when pandas infers one type of cell in it
    (below its header a column of an export mostly holds one). Each cell's value depends on
    that cell alone (and for A1 on ``top``), so rows may be given in blocks."""
    if top and isinstance(values[0, 0], str) and values[0, 0].startswith(_BOM):
        values[0, 0] = _without_bom(values[0, 0])
    _by_type(values[:_TOP])
    for column in values[_TOP:].T if len(values) > _TOP else ():
        kind = infer_dtype(column, skipna=False)
        if kind == "string":
            column[_missing(column)] = None
        elif kind == "floating":
            column[:] = _floats(column.astype(float))
        elif kind == "date":
            column[:] = _datetimes(column)
        elif kind not in _AS_READ:
            _by_type(column)


def _by_type(values: np.ndarray) -> None:
    """:func:`_as_pandas_read` of any cells, each by its type."""
    types = _TYPE(values)
    floats = np.equal(types, float)
    if floats.any():
        values[floats] = _floats(values[floats].astype(float))
    dates = np.equal(types, dt.date)
    if dates.any():
        values[dates] = _datetimes(values[dates])
    texts = np.equal(types, str)
    if texts.any():
        where = tuple(axis[_missing(values[texts])] for axis in np.nonzero(texts))
        values[where] = None


def _missing(texts: np.ndarray) -> np.ndarray:
    """Which texts pandas reads as a missing value ('', 'NA', 'n/a', ...)."""
    found = pc.is_in(pa.array(texts, type=pa.string()), value_set=_MISSING)
    return found.to_numpy(zero_copy_only=False)


def _datetimes(dates: np.ndarray) -> np.ndarray:
    """Dates as datetimes at midnight, datetimes as they are (datetime64[us] holds every date
    from year 1 to 9999; the few dates of a title block are quicker made one by one)."""
    if len(dates) <= _TOP:
        return _objects([date if isinstance(date, dt.datetime)
                         else dt.datetime(date.year, date.month, date.day) for date in dates])
    return pd.to_datetime(dates).to_numpy().astype("datetime64[us]").astype(object)


def _objects(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _floats(numbers: np.ndarray) -> np.ndarray:
    """Floats as pandas read them: a whole number as an int, NaN as None, others as they are."""
    result = numbers.astype(object)
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
    small = whole & (np.abs(numbers) < 2.0**63)
    result[small] = numbers[small].astype(np.int64).astype(object)
    for index in np.flatnonzero(whole & ~small):  # beyond int64: a Python int, as pandas made
        result[index] = int(numbers[index])
    result[np.isnan(numbers)] = None
    return result


def _without_bom(text: str) -> str:
    """Cell A1 without its leading byte order mark, as pandas' parser strips it from the first
    field of a file (with the quotes that follow it); a quote left open raises ValueError, as
    there."""
    if len(text) > 1 and text[1] == '"':
        end = text[2:].index('"') + 2
        return text[2:end] + text[end + 1:]
    return text[1:]
