"""Vectorised conversion of raw spreadsheet columns into typed columns.

Each converter takes a column of raw cell values (object dtype: numbers, text, dates, None,
:class:`Foutwaarde`), and which of them are filled (:func:`is_filled`) when the caller knows
already, and returns the typed column plus a boolean mask of cells that are filled but could not
be read; :func:`melding` says in Dutch why each of those cells could not be read.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from analysis.domain import gemeenten
from analysis.domain.periods import PeriodeError, parse_date, parse_maand, parse_periode
from analysis.formatting import datum, getal

FORMULE_ZONDER_WAARDE = "formule zonder opgeslagen waarde"


@dataclass(frozen=True)
class Foutwaarde:
    """A cell that holds no usable value: an Excel error value ('#N/A', '#REF!') or a formula
    whose result was not stored. The reader puts this in the grid, so a converter can name it
    instead of calling the cell empty or unreadable."""

    tekst: str  # the error as Excel shows it, or 'formule zonder opgeslagen waarde'

    def __str__(self) -> str:
        return self.tekst.strip() or FORMULE_ZONDER_WAARDE


# Error values as openpyxl hands them over (text), and as Dutch Excel shows them (pasted values).
ERROR_VALUES = frozenset({
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#EXTERNAL!", "#PYTHON!",
    "#N/B", "#VERW!", "#DEEL/0!", "#WAARDE!", "#NAAM?", "#GETAL!", "#LEEG!",
})

# Every whole-number column counts persons. A bound far above any such count (the Netherlands
# has 18 million inhabitants) that keeps the product of two counts (art. 29: landelijk totaal x
# inwoners) within int64.
GEHEEL_GRENS = 10**9

# The days a column of dates can hold (pandas' datetime64[ns] range), and the months and
# half-years that lie wholly within it.
DATUM_MIN = pd.Timestamp.min.ceil("D").date()
DATUM_MAX = pd.Timestamp.max.floor("D").date()
MAAND_MIN = dt.date(DATUM_MIN.year, DATUM_MIN.month + 1, 1)
JAAR_MIN, JAAR_MAX = DATUM_MIN.year + 1, DATUM_MAX.year - 1

BOOL_WORDS = {"ja": True, "j": True, "nee": False, "n": False, "true": True, "false": False,
              "waar": True, "onwaar": False, "1": True, "0": False, "x": True}


_TYPE = np.frompyfunc(type, 1, 1)
_IS_SPACE = np.frompyfunc(str.isspace, 1, 1)
# What pandas' infer_dtype calls an array that may hold text beside other values.
_MIXED = frozenset({"mixed", "mixed-integer", "unknown-array"})


def instances(values: np.ndarray, kinds: type | tuple[type, ...],
              but: type | tuple[type, ...] = ()) -> np.ndarray:
    """Which cells hold an instance of ``kinds`` (as isinstance reads it) that is not one of
    ``but``. Text beside missing cells only is told by pandas' inference; other cells by one
    pass over their types, then a check per distinct type."""
    if values.size and infer_dtype(values.ravel(), skipna=True) == "string":
        missing = pd.isna(values)
        mask = ~missing if _is_kind(str, kinds, but) else np.zeros(values.shape, dtype=bool)
        if missing.any():
            mask[missing] = _by_type(values[missing], kinds, but)
        return mask
    return _by_type(values, kinds, but)


def _is_kind(found: type, kinds: type | tuple[type, ...], but: type | tuple[type, ...]) -> bool:
    return issubclass(found, kinds) and not issubclass(found, but)


def _by_type(values: np.ndarray, kinds: type | tuple[type, ...],
             but: type | tuple[type, ...]) -> np.ndarray:
    if not values.size:
        return np.zeros(values.shape, dtype=bool)
    codes, types = pd.factorize(_TYPE(values).ravel())
    chosen = [code for code, found in enumerate(types) if _is_kind(found, kinds, but)]
    return np.isin(codes, chosen).reshape(values.shape)


def _texts(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Which cells of an object array hold text (a str), given which are missing."""
    inferred = infer_dtype(values.ravel(), skipna=True)
    if inferred == "string":  # text or missing only
        return ~missing
    if inferred in _MIXED:
        return instances(values, str)
    return np.zeros(values.shape, dtype=bool)


def filled(values: np.ndarray) -> np.ndarray:
    """:func:`is_filled` for an object array of raw cells of any shape."""
    missing = pd.isna(values)
    result = ~missing
    texts = _texts(values, missing)
    if texts.any():
        strings = values[texts]
        result[texts] = ~((strings == "") | _IS_SPACE(strings).astype(bool))
    return result


def _known_filled(raw: pd.Series, known: np.ndarray | None) -> pd.Series:
    """:func:`is_filled` of ``raw``, or ``known`` when the caller gave it."""
    return is_filled(raw) if known is None else pd.Series(known, index=raw.index)


def is_filled(raw: pd.Series) -> pd.Series:
    """Cells holding something other than blanks (an error value counts as filled; only text
    can be blank)."""
    if raw.dtype == object:
        return pd.Series(filled(raw.to_numpy()), index=raw.index)
    result = raw.notna().to_numpy(dtype=bool, copy=True)
    if isinstance(raw.dtype, pd.StringDtype):
        result &= raw.str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    return pd.Series(result, index=raw.index)


def foutwaarden(raw: pd.Series) -> pd.Series:
    """Cells holding an error value or a formula without a stored result: a :class:`Foutwaarde`
    from the reader, or the error text ('#N/A') that openpyxl hands over."""
    return _foutwaarden(raw, raw.astype("string").str.strip())


def _foutwaarden(raw: pd.Series, text: pd.Series) -> pd.Series:
    """:func:`foutwaarden`, given the cells as stripped text."""
    found = text.str.upper().isin(ERROR_VALUES) | text.eq(FORMULE_ZONDER_WAARDE)
    found = found.fillna(False).to_numpy(dtype=bool)
    if raw.dtype == object:
        found |= instances(raw.to_numpy(), Foutwaarde)
    return pd.Series(found, index=raw.index)


def _is_foutwaarde(value: object) -> bool:
    """:func:`foutwaarden` for one value."""
    if isinstance(value, Foutwaarde):
        return True
    return isinstance(value, str) and (value.strip().upper() in ERROR_VALUES
                                       or value.strip() == FORMULE_ZONDER_WAARDE)


def _number(value: object) -> float:
    """A number as a float (±inf beyond the float range)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _numbers(raw: pd.Series) -> np.ndarray:
    """Numbers from numeric cells or Dutch-notation text ('1.234', '-13', '−13', '1 234')."""
    values = raw.to_numpy(dtype=object)
    numbers = np.full(len(values), np.nan)
    numeric = instances(values, (int, float, np.integer, np.floating), but=bool)
    try:
        numbers[numeric] = values[numeric].astype(float)
    except OverflowError:  # an int beyond the float range
        numbers[numeric] = [_number(value) for value in values[numeric]]
    as_text = np.isnan(numbers) & raw.notna().to_numpy(dtype=bool)
    if not as_text.any():  # every filled cell a number: nothing to read as text
        return numbers
    text = (
        raw[as_text].astype("string").str.strip()
        .str.replace("\u2212", "-", regex=False)
        .str.replace(r"[\s\u00a0]", "", regex=True)
        .str.replace(r"(?<=\d)\.(?=\d{3}(?:\D|$))", "", regex=True)
    )
    numbers[as_text] = (pd.to_numeric(text, errors="coerce").astype("Float64")
                        .to_numpy("float64", na_value=np.nan))
    return numbers


def to_integer(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (at most :data:`GEHEEL_GRENS` either way) from numbers or Dutch-notation
    text ('1.234', '-13', '−13', '1 234')."""
    values = _numbers(raw)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values)
                                                                      <= GEHEEL_GRENS)
    parsed = pd.arrays.IntegerArray(np.where(whole, values, 0).astype("int64"), ~whole)
    bad = _known_filled(raw, filled).to_numpy() & ~whole
    return pd.Series(parsed, index=raw.index), pd.Series(bad, index=raw.index)


def _whole_as_text(raw: pd.Series, ints: bool = False) -> pd.Series:
    """The cells with every whole float (and with ``ints`` every int) written as a whole
    number ('12', not '12.0'), then typed together as pandas infers them (as ``Series.map``
    did here before: ints beside an empty cell become floats, datetimes datetime64)."""
    if raw.dtype == object and infer_dtype(raw.to_numpy(), skipna=True) == "string":
        return raw  # text beside empty cells only: nothing to write, and typed as text alike
    values = raw.to_numpy(dtype=object, copy=True)
    floats = instances(values, float)
    if floats.any():
        numbers = values[floats].astype(float)
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
        small = whole & (np.abs(numbers) < 2.0**63)
        written = numbers.astype(object)
        written[small] = numbers[small].astype(np.int64).astype(str)
        for index in np.flatnonzero(whole & ~small):
            written[index] = str(int(numbers[index]))
        values[np.flatnonzero(floats)[whole]] = written[whole]
    if ints:
        whole = instances(values, int, but=bool)
        values[whole] = values[whole].astype(str)
    return pd.Series(values, index=raw.index, dtype=object).infer_objects()


def to_text(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Text, stripped; numbers written without a trailing '.0'; error values are unreadable."""
    text = _whole_as_text(raw).astype("string").str.strip().replace("", pd.NA)
    fout = _foutwaarden(raw, text)
    return text.mask(fout), fout


def _by_unique(raw: pd.Series, parse, fits,
               known: np.ndarray | None) -> tuple[pd.Series, pd.Series]:
    """Apply a scalar parser once per distinct value (label columns have few of them); a value
    that parses but does not ``fit`` (lies outside the range of dates) is unreadable."""
    filled = _known_filled(raw, known)
    parsed = {}
    for value in pd.unique(raw[filled]):
        result = None if _is_foutwaarde(value) else parse(value)
        parsed[value] = result if result is not None and fits(result) else None
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


def _periode_fits(periode: str) -> bool:
    year = periode.split("-H")[0]
    return year.isdigit() and JAAR_MIN <= int(year) <= JAAR_MAX


def _date_fits(date: dt.date) -> bool:
    return DATUM_MIN <= date <= DATUM_MAX


def to_periode(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Canonical half-year labels (``2024-H1``)."""
    result, bad = _by_unique(raw, _safe(parse_periode), _periode_fits, filled)
    return result.astype("string"), bad


def _as_dates(result: pd.Series) -> pd.Series:
    return pd.to_datetime(result.where(result.notna(), None)).astype("datetime64[ns]")


def to_date(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Dates from date cells or Dutch/ISO date text."""
    result, bad = _by_unique(raw, parse_date, _date_fits, filled)
    return _as_dates(result), bad


def to_month(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """First day of the month named by a date or text like 'maart 2024'."""
    result, bad = _by_unique(raw, parse_maand, _date_fits, filled)
    return _as_dates(result), bad


def to_bool(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells ('ja'/'nee', 'J'/'N', 1/0, TRUE/FALSE)."""
    text = _whole_as_text(raw, ints=True).astype("string").str.strip().str.lower()
    result = text.map(BOOL_WORDS).astype("boolean")
    bad = _known_filled(raw, filled) & result.isna()
    return result, bad


def to_gemeente(raw: pd.Series, filled: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """CBS codes from codes (text or number) or names spelled any common way."""
    text, _ = to_text(raw)
    codes = gemeenten.resolve(text)
    bad = _known_filled(raw, filled) & codes.isna()
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

VERWACHT = {
    "geheel": "een geheel getal",
    "tekst": "tekst",
    "periode": "een periode (bijvoorbeeld '1e helft 2024')",
    "datum": "een datum (bijvoorbeeld '15-03-2024')",
    "maand": "een maand (bijvoorbeeld 'maart 2024')",
    "janee": "ja of nee",
    "gemeente": "een gemeente (naam of CBS-code)",
}


_BEREIK = {
    "datum": f"valt buiten het bereik van datums ({DATUM_MIN.year}–{DATUM_MAX.year}); verwacht "
             f"een datum tussen {datum(DATUM_MIN)} en {datum(DATUM_MAX)}",
    "maand": f"valt buiten het bereik van datums ({DATUM_MIN.year}–{DATUM_MAX.year}); verwacht "
             f"een maand tussen {MAAND_MIN:%m-%Y} en {DATUM_MAX:%m-%Y}",
    "periode": f"valt buiten het bereik van periodes; verwacht een periode tussen "
               f"{JAAR_MIN}-H1 en {JAAR_MAX}-H2",
}
_GEHEEL_BEREIK = (f"verwacht een geheel getal tussen {getal(-GEHEEL_GRENS)} en "
                  f"{getal(GEHEEL_GRENS)} (een aantal personen)")
_PARSERS = {"datum": parse_date, "maand": parse_maand, "periode": _safe(parse_periode)}


def _out_of_range(raw: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Masks of cells holding a value of the right kind beyond the range: too large, too small
    (for dates and periods both mean 'outside the range')."""
    none = pd.Series(False, index=raw.index)
    if kind == "geheel":
        values = pd.Series(_numbers(raw), index=raw.index)
        return values.gt(GEHEEL_GRENS), values.lt(-GEHEEL_GRENS)
    if kind not in _PARSERS:
        return none, none
    filled = is_filled(raw)
    parses = {value: not _is_foutwaarde(value) and _PARSERS[kind](value) is not None
              for value in pd.unique(raw[filled])}
    return raw.where(filled).map(parses).eq(True).astype(bool), none


def melding(raw: pd.Series, kind: str, bij: str | None = None) -> pd.Series:
    """The Dutch message for every cell of ``raw`` that the converter of ``kind`` marked as
    unreadable: an error value, a formula without a stored result, a value beyond the range, or
    else '<value> is geen <kind>'; ``bij`` names the metadata label the value stands next to."""
    if raw.empty:  # the common case: nothing unreadable, and no message to build
        return pd.Series(index=raw.index, dtype=object)
    shown = raw.map(str)
    value = "'" + shown + "'" + (f" bij '{bij}'" if bij else "")
    messages = value + " " + EXPECTED[kind]
    too_large, too_small = _out_of_range(raw, kind)
    if kind == "geheel":
        messages = messages.mask(too_large, value + " is te groot; " + _GEHEEL_BEREIK)
        messages = messages.mask(too_small, value + " is te klein; " + _GEHEEL_BEREIK)
    elif kind in _BEREIK:
        messages = messages.mask(too_large, value + " " + _BEREIK[kind])
    fout = foutwaarden(raw)
    error_value = fout & shown.str.strip().str.startswith("#")
    messages = messages.mask(error_value, "foutwaarde '" + shown.str.strip() + "' in de cel; "
                                          f"verwacht {VERWACHT[kind]}")
    return messages.mask(fout & ~error_value, f"{FORMULE_ZONDER_WAARDE}; open het bestand in "
                                              "Excel, sla het op en lees het opnieuw in")


def scalar(value: object, kind: str) -> object:
    """Convert one cell (a metadata value above the header); None when it cannot be read."""
    converted, bad = CONVERTERS[kind](pd.Series([value], dtype=object))
    if bad.iloc[0] or pd.isna(converted.iloc[0]):
        return None
    result = converted.iloc[0]
    if isinstance(result, pd.Timestamp):
        return result.date()
    return result.item() if hasattr(result, "item") else result
