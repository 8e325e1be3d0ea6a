"""Dates as a user types them: 2024-11-19, 19-11-2024 and 19 november 2024 (or 19 nov 2024),
Dutch month names in any case. Every date option of the command line is read here.

It imports neither pandas nor numpy, so the command line can use it while it parses.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.problems import Refused

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
MONTH_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(MONTHS_NL, start=1)}
MONTH_ABBREVIATIONS |= {"mrt": 3, "sept": 9}
# the forms a refused date names
VORMEN = "2024-11-19, 19-11-2024 of 19 november 2024"

_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_DUTCH = re.compile(r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})")
_WRITTEN = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})")


class DatumError(ValueError):
    """A text that is no date in an accepted form; the message is Dutch."""


def month_number(word: str) -> int | None:
    """The month a Dutch name or abbreviation gives (``maart``, ``mrt``, ``mar``); None when
    it names none."""
    word = word.lower()
    if word in MONTHS_NL:
        return MONTHS_NL.index(word) + 1
    return MONTH_ABBREVIATIONS.get(word)


def parse_datum(text: str) -> dt.date:
    """The date of ``2024-11-19``, ``19-11-2024``, ``19 november 2024`` or ``19 nov 2024``;
    :class:`DatumError` otherwise (also for a day that does not exist, 31-02-2024)."""
    cleaned = re.sub(r"\s+", " ", text.strip().lower())
    for pattern in (_ISO, _DUTCH, _WRITTEN):
        match = pattern.fullmatch(cleaned)
        if match:
            month = match["month"]
            number = int(month) if month.isdigit() else month_number(month)
            try:
                return dt.date(int(match["year"]), number or 0, int(match["day"]))
            except ValueError:
                break
    raise DatumError(f"'{text}' is geen datum; schrijf bijvoorbeeld {VORMEN}")


def datum_argument(option: str, value: str | None) -> dt.date | None:
    """The date of a date option (``--datum``, ``--peildatum``); None when not given. Raises
    :class:`Refused` with a Dutch message naming the option and the accepted forms."""
    if not value:
        return None
    try:
        return parse_datum(value)
    except DatumError as error:
        raise Refused(f"{option}: {error}") from None


def datum_tekst(date: dt.date) -> str:
    """A date as the letter writes it: ``1 januari 2024``."""
    return f"{date.day} {MONTHS_NL[date.month - 1]} {date.year}"


def tijdstip_tekst(iso: str) -> str:
    """An ISO date and time as a message writes it: '7 december 2026 om 05:04'."""
    moment = dt.datetime.fromisoformat(iso)
    return f"{datum_tekst(moment)} om {moment:%H:%M}"
