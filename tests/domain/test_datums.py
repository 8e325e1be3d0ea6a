"""Dates as a user types them: 2024-11-19, 19-11-2024 and 19 november 2024."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.domain.datums import (
    MONTHS_NL,
    VORMEN,
    DatumError,
    datum_argument,
    month_number,
    parse_datum,
)
from analysis.problems import Refused

FORMS = [
    lambda day: day.isoformat(),
    lambda day: f"{day.day:02d}-{day.month:02d}-{day.year}",
    lambda day: f"{day.day}-{day.month}-{day.year}",
    lambda day: f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}",
    lambda day: f"{day.day} {MONTHS_NL[day.month - 1].upper()} {day.year}",
    lambda day: f"{day.day} {MONTHS_NL[day.month - 1][:3].title()} {day.year}",
    lambda day: f"  {day.day}  {MONTHS_NL[day.month - 1][:3]}. {day.year} ",
]


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(FORMS))
def test_every_date_written_in_an_accepted_form_reads_back_as_itself(day, form):
    assert parse_datum(form(day)) == day


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-11-19", dt.date(2024, 11, 19)),
    ("19-11-2024", dt.date(2024, 11, 19)),
    ("19 november 2024", dt.date(2024, 11, 19)),
    ("19 November 2024", dt.date(2024, 11, 19)),
    ("19 nov 2024", dt.date(2024, 11, 19)),
    ("1 mrt 2025", dt.date(2025, 3, 1)),
    ("1 sept 2025", dt.date(2025, 9, 1)),
])
def test_the_forms_a_user_types(text, expected):
    assert parse_datum(text) == expected


@pytest.mark.parametrize("text", [
    "gisteren", "", "31-02-2024", "2024-02-30", "19/11/2024", "19 novembre 2024",
    "19 nove 2024", "19-11-24", "2024-11-19 12:00", "november 2024", "19-11-2024x",
])
def test_anything_else_is_refused_naming_the_accepted_forms(text):
    with pytest.raises(DatumError) as refused:
        parse_datum(text)
    assert str(refused.value) == f"'{text}' is geen datum; schrijf bijvoorbeeld {VORMEN}"
    assert VORMEN == "2024-11-19, 19-11-2024 of 19 november 2024"


def test_an_option_names_itself_in_its_message():
    assert datum_argument("--datum", None) is None
    assert datum_argument("--peildatum", "1 oktober 2025") == dt.date(2025, 10, 1)
    with pytest.raises(Refused, match=r"^--peildatum: 'morgen' is geen datum; schrijf"):
        datum_argument("--peildatum", "morgen")


def test_month_names_and_abbreviations():
    assert [month_number(name) for name in MONTHS_NL] == list(range(1, 13))
    assert (month_number("MRT"), month_number("okt"), month_number("mai")) == (3, 10, None)
