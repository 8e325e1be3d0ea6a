"""Half-year periods: parse every common Dutch spelling to one canonical form, ``2024-H1``.

A period is identified by its canonical label; ``periode_index`` maps it to a consecutive integer
(year * 2 + half - 1) so that whole columns of periods can be compared and shifted arithmetically.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import numpy as np

from analysis import options
from analysis.domain.datums import MONTH_ABBREVIATIONS, MONTHS_NL
from analysis.domain.datums import datum_tekst as datum_tekst  # its users import it from here
from analysis.problems import Refused

if TYPE_CHECKING:  # pandas is not loaded for a period alone (a refusal before any table)
    import pandas as pd

_HALF_WORDS = {
    "1": 1, "i": 1, "1e": 1, "1ste": 1, "eerste": 1, "h1": 1, "hj1": 1,
    "2": 2, "ii": 2, "2e": 2, "2de": 2, "tweede": 2, "h2": 2, "hj2": 2,
}
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PATTERNS = [
    # 2024-H1, 2024H1, 2024 hj1, 2024-1, 2024/2, 2024-I, 2024 II
    re.compile(rf"^{_YEAR}\s*[-/ ]?\s*(?P<half>h[12]|hj[12])$"),
    re.compile(rf"^{_YEAR}\s*[-/ ]\s*(?P<half>[12]|i{{1,2}})$"),
    # H1 2024, HJ2-2024, I 2024
    re.compile(rf"^(?P<half>h[12]|hj[12]|i{{1,2}})\s*[-/ ]?\s*{_YEAR}$"),
    # 1e helft 2024, eerste halfjaar 2024, 2e half jaar 2024, tweede helft van 2024
    re.compile(
        rf"^(?P<half>1e|1ste|eerste|2e|2de|tweede)\s+(?:helft|halfjaar|half\s+jaar)"
        rf"(?:\s+van)?\s+{_YEAR}$"
    ),
    # 2024 eerste helft, 2024, 1e halfjaar
    re.compile(
        rf"^{_YEAR},?\s+(?P<half>1e|1ste|eerste|2e|2de|tweede)\s+(?:helft|halfjaar|half\s+jaar)$"
    ),
]
_CANONICAL = re.compile(r"^(?P<year>\d{4})-H(?P<half>[12])$")


class PeriodeError(ValueError):
    """A value that cannot be read as a half-year; the message is Dutch and user-facing."""


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).removesuffix(".")


def periode_of_date(date: dt.date) -> str:
    """The half-year that contains ``date``."""
    return f"{date.year}-H{1 if date.month <= 6 else 2}"


def periode_of_dates(dates: pd.Series) -> pd.Series:
    """:func:`periode_of_date` on a whole column of datetimes (<NA> where there is none; the
    year as an integer also when the column holds NaT)."""
    half = (dates.dt.month > 6).astype("int64") + 1
    labels = dates.dt.year.astype("Int64").astype("string") + "-H" + half.astype("string")
    return labels.where(dates.notna())


def parse_date(value: object) -> dt.date | None:
    """A date from a date object or a Dutch/ISO date string; None when it is not a date."""
    if isinstance(value, dt.datetime):  # pandas' Timestamp too; its NaT is not equal to itself
        return None if value != value else value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = _normalise(value)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? ((?:19|20)\d{2})", text)
    if match:
        month = _month_number(match.group(2))
        if month:
            try:
                return dt.date(int(match.group(3)), month, int(match.group(1)))
            except ValueError:
                return None
    return None


def _month_number(word: str) -> int | None:
    if word in MONTHS_NL:
        return MONTHS_NL.index(word) + 1
    return MONTH_ABBREVIATIONS.get(word[:3]) if len(word) >= 3 else None


def parse_maand(value: object) -> dt.date | None:
    """The first day of the month named by ``value`` (a date, ``maart 2024``, ``2024-03``,
    ``03-2024``, ``mrt-24``); None when it names no month."""
    date = parse_date(value)
    if date is not None:
        return date.replace(day=1)
    if not isinstance(value, str):
        return None
    text = _normalise(value)
    match = re.fullmatch(r"((?:19|20)\d{2})[-/](\d{1,2})", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = re.fullmatch(r"(\d{1,2})[-/]((?:19|20)\d{2})", text)
        if match:
            month, year = int(match.group(1)), int(match.group(2))
        else:
            match = re.fullmatch(r"([a-z]+)\.?[ -]'?(\d{2}|(?:19|20)\d{2})", text)
            if not match or _month_number(match.group(1)) is None:
                return None
            month = _month_number(match.group(1)) or 0
            year = int(match.group(2))
            year += 2000 if year < 100 else 0
    return dt.date(year, month, 1) if 1 <= month <= 12 else None


def parse_periode(value: object) -> str:
    """The canonical label (``2024-H1``) of a half-year written in any common Dutch form.

    Accepts ``2024-H1``, ``H1 2024``, ``2024-1``, ``2024-I``, ``1e helft 2024``,
    ``eerste halfjaar 2024``, ``2024 tweede helft`` and dates (the half-year containing them).
    """
    date = parse_date(value)
    if date is not None:
        return periode_of_date(date)
    if not isinstance(value, str) or not value.strip():
        raise PeriodeError(f"'{value}' is geen periode (verwacht bijvoorbeeld '1e helft 2024')")
    text = _normalise(value)
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            half = _HALF_WORDS[match.group("half")]
            return f"{match.group('year')}-H{half}"
    raise PeriodeError(f"'{value}' is geen periode (verwacht bijvoorbeeld '1e helft 2024')")


def periode_index(periode: str) -> int:
    """Consecutive integer of a canonical period: 2024-H1 -> 4048, 2024-H2 -> 4049."""
    match = _CANONICAL.match(periode)
    if not match:
        raise PeriodeError(f"'{periode}' is geen periode in de vorm '2024-H1'")
    return int(match.group("year")) * 2 + int(match.group("half")) - 1


def periode_from_index(index: int) -> str:
    """Inverse of :func:`periode_index`."""
    return f"{index // 2}-H{index % 2 + 1}"


def periode_labels(indices: np.ndarray) -> np.ndarray:
    """:func:`periode_from_index` on a whole array of indices (labels as Python strings)."""
    indices = np.asarray(indices, dtype="int64")
    return (indices // 2).astype(str).astype(object) + np.where(indices % 2 == 0, "-H1", "-H2")


def periode_index_series(periodes: pd.Series) -> pd.Series:
    """:func:`periode_index` on a whole column of canonical labels."""
    parts = periodes.astype("string").str.extract(_CANONICAL.pattern)
    if parts.isna().any().any():
        bad = periodes[parts.isna().any(axis=1)].iloc[0]
        raise PeriodeError(f"'{bad}' is geen periode in de vorm '2024-H1'")
    return parts["year"].astype("int64") * 2 + parts["half"].astype("int64") - 1


def volgende_periode(periode: str) -> str:
    """The half-year after ``periode``: 2024-H2 follows 2024-H1, 2025-H1 follows 2024-H2."""
    return periode_from_index(periode_index(periode) + 1)


def periode_start(periode: str) -> dt.date:
    """First day of the period (1 January or 1 July)."""
    index = periode_index(periode)
    return dt.date(index // 2, 1 if index % 2 == 0 else 7, 1)


def periode_einde(periode: str) -> dt.date:
    """The peildatum closing the period: the first day of the next period."""
    return periode_start(volgende_periode(periode))


def periode_tekst(periode: str) -> str:
    """The period as the letter writes it: ``1e helft 2024``."""
    index = periode_index(periode)
    return f"{index % 2 + 1}e helft {index // 2}"


def periode_voluit(periode: str) -> str:
    """The period written out, as in a letter's text: ``eerste helft van 2024``."""
    index = periode_index(periode)
    return f"{('eerste', 'tweede')[index % 2]} helft van {index // 2}"


def periode_argument(value: str | None) -> str | None:
    """The canonical label of a ``--periode`` argument in any spelling (None when not given);
    raises :class:`Refused` with a Dutch message when it is no period."""
    if not value:
        return None
    try:
        return parse_periode(value)
    except PeriodeError as error:
        raise Refused(f"{options.PERIODE}: {error}") from None


def kies_periode(value: str | None, beschikbaar: list[str], standaard: str | None = None) -> str:
    """The period a user asked for, in any spelling, checked against the periods with data;
    without a value ``standaard`` (the latest complete one), or else the latest. Raises
    :class:`Refused` with a Dutch message otherwise."""
    if not beschikbaar:
        raise Refused(f"{options.PERIODE}: er zijn geen periodes met gegevens")
    periode = periode_argument(value) or standaard or max(beschikbaar)
    if periode not in beschikbaar:
        raise Refused(f"{options.PERIODE}: geen gegevens voor {periode} (beschikbaar: "
                      f"{min(beschikbaar)} t/m {max(beschikbaar)})")
    return periode


def cijfers_tot_tekst(until: dt.date | None, periode: str) -> str:
    """'juni 2024': the last month with figures for ``periode`` when the data runs to
    ``until`` (the latest peildatum of the monthly counts); an ended period, its last month.
    Empty when the data has no date."""
    if until is None:
        return ""
    last = min(until, periode_einde(periode)) - dt.timedelta(days=1)
    return f"{MONTHS_NL[last.month - 1]} {last.year}"
