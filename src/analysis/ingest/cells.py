"""Vectorised conversion of raw spreadsheet columns into typed columns.

Each converter takes a column of raw cell values (object dtype: numbers, text, dates, None) and
returns the typed column plus a boolean mask of cells that are filled but could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import PeriodeError, parse_date, parse_maand, parse_periode


@dataclass(frozen=True)
class Foutwaarde:
    """A cell that holds no usable value: an Excel error value ('#N/A', '#REF!') or a formula
    whose result was not stored. The reader puts this in the grid, so a converter can name it
    instead of calling the cell empty or unreadable."""

    tekst: str  # the error as Excel shows it, or 'formule zonder opgeslagen waarde'

    def __str__(self) -> str:
        return self.tekst


BOOL_WORDS = {"ja": True, "j": True, "nee": False, "n": False, "true": True, "false": False,
              "waar": True, "onwaar": False, "1": True, "0": False, "x": True}


def is_filled(raw: pd.Series) -> pd.Series:
    """Cells holding something other than blanks."""
    text = raw.astype("string").str.strip()
    filled = raw.notna() & text.ne("").fillna(False)
    return pd.Series(filled.to_numpy(dtype=bool), index=raw.index)


def to_integer(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers from numbers or Dutch-notation text ('1.234', '-13', '−13', '1 234')."""
    is_number = raw.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                        and not isinstance(v, bool))
    numbers = pd.to_numeric(raw.where(is_number), errors="coerce")
    text = (
        raw.where(~is_number).astype("string").str.strip()
        .str.replace("\u2212", "-", regex=False)
        .str.replace(r"[\s\u00a0]", "", regex=True)
        .str.replace(r"(?<=\d)\.(?=\d{3}(?:\D|$))", "", regex=True)
    )
    from_text = pd.to_numeric(text, errors="coerce").astype("Float64")
    values = numbers.astype("Float64").fillna(from_text).to_numpy("float64", na_value=np.nan)
    parsed = pd.Series(values, index=raw.index)
    whole = pd.Series(np.isfinite(values) & (values == np.floor(values)), index=raw.index)
    bad = is_filled(raw) & ~whole
    return parsed.where(whole).astype("Int64"), bad


def to_text(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text, stripped; numbers written without a trailing '.0'."""
    text = raw.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
    text = text.astype("string").str.strip().replace("", pd.NA)
    return text, pd.Series(False, index=raw.index)


def _by_unique(raw: pd.Series, parse) -> tuple[pd.Series, pd.Series]:
    """Apply a scalar parser once per distinct value (label columns have few of them)."""
    filled = is_filled(raw)
    parsed = {value: parse(value) for value in pd.unique(raw[filled])}
    result = raw.where(filled).map(parsed)
    bad = filled & result.isna()
    return result, bad


def _safe(parse):
    def wrapped(value):
        try:
            return parse(value)
        except PeriodeError:
            return None
    return wrapped


def to_periode(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical half-year labels (``2024-H1``)."""
    result, bad = _by_unique(raw, _safe(parse_periode))
    return result.astype("string"), bad


def to_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from date cells or Dutch/ISO date text."""
    result, bad = _by_unique(raw, parse_date)
    return pd.to_datetime(result.where(result.notna(), None)).astype("datetime64[ns]"), bad


def to_month(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First day of the month named by a date or text like 'maart 2024'."""
    result, bad = _by_unique(raw, parse_maand)
    return pd.to_datetime(result.where(result.notna(), None)).astype("datetime64[ns]"), bad


def to_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells ('ja'/'nee', 'J'/'N', 1/0, TRUE/FALSE)."""
    words = raw.map(lambda v: str(int(v)) if isinstance(v, (int, float)) and not isinstance(v, bool)
                    and float(v).is_integer() else v)
    text = words.astype("string").str.strip().str.lower()
    result = text.map(BOOL_WORDS).astype("boolean")
    bad = is_filled(raw) & result.isna()
    return result, bad


def to_gemeente(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """CBS codes from codes (text or number) or names spelled any common way."""
    text, _ = to_text(raw)
    codes = gemeenten.resolve(text)
    bad = is_filled(raw) & codes.isna()
    return codes, bad


CONVERTERS = {
    "geheel": to_integer,
    "tekst": to_text,
    "periode": to_periode,
    "datum": to_date,
    "maand": to_month,
    "janee": to_bool,
    "gemeente": to_gemeente,
}

EXPECTED = {
    "geheel": "is geen geheel getal",
    "tekst": "is geen tekst",
    "periode": "is geen periode (verwacht bijvoorbeeld '1e helft 2024' of '2024-H1')",
    "datum": "is geen datum (verwacht bijvoorbeeld '15-03-2024')",
    "maand": "is geen maand (verwacht bijvoorbeeld 'maart 2024' of een datum)",
    "janee": "is geen ja/nee-waarde",
    "gemeente": "is geen bekende gemeente (naam of CBS-code)",
}


def scalar(value: object, kind: str) -> object:
    """Convert one cell (a metadata value above the header); None when it cannot be read."""
    converted, bad = CONVERTERS[kind](pd.Series([value], dtype=object))
    if bad.iloc[0] or pd.isna(converted.iloc[0]):
        return None
    result = converted.iloc[0]
    if isinstance(result, pd.Timestamp):
        return result.date()
    return result.item() if hasattr(result, "item") else result



