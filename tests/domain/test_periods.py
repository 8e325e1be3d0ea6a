"""Period parsing: every common Dutch spelling gives the canonical label."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.domain.periods import (
    PeriodeError,
    parse_maand,
    parse_periode,
    periode_einde,
    periode_from_index,
    periode_index,
    periode_tekst,
    periode_voluit,
)

years = st.integers(min_value=1990, max_value=2099)
halves = st.sampled_from([1, 2])

SPELLINGS = [
    lambda y, h: f"{y}-H{h}",
    lambda y, h: f"{y}H{h}",
    lambda y, h: f"H{h} {y}",
    lambda y, h: f"hj{h}-{y}",
    lambda y, h: f"{y}-{h}",
    lambda y, h: f"{y}/{h}",
    lambda y, h: f"{y}-{'I' * h}",
    lambda y, h: f"{('1e', '2e')[h - 1]} helft {y}",
    lambda y, h: f"{('eerste', 'tweede')[h - 1]} halfjaar {y}",
    lambda y, h: f"{('Eerste', 'Tweede')[h - 1]} helft van {y}",
    lambda y, h: f"{('1e', '2e')[h - 1]} half jaar {y}",
    lambda y, h: f"{y} {('eerste', 'tweede')[h - 1]} helft",
]


@given(year=years, half=halves, spelling=st.sampled_from(SPELLINGS),
       pad=st.sampled_from(["", " ", "  "]), upper=st.booleans())
def test_every_spelling_parses_to_canonical(year, half, spelling, pad, upper):
    text = pad + spelling(year, half) + pad
    assert parse_periode(text.upper() if upper else text) == f"{year}-H{half}"


@given(date=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_date_gives_the_half_year_containing_it(date):
    expected = f"{date.year}-H{1 if date.month <= 6 else 2}"
    assert parse_periode(date) == expected
    assert parse_periode(date.strftime("%d-%m-%Y")) == expected
    assert parse_periode(dt.datetime.combine(date, dt.time())) == expected


@given(index=st.integers(min_value=1990 * 2, max_value=2099 * 2 + 1))
def test_index_round_trips(index):
    periode = periode_from_index(index)
    assert periode_index(periode) == index
    assert parse_periode(periode_tekst(periode)) == periode
    assert parse_periode(periode_voluit(periode)) == periode


@given(text=st.text(max_size=20))
def test_garbage_is_refused_or_canonical(text):
    try:
        result = parse_periode(text)
    except PeriodeError as error:
        assert "is geen periode" in str(error)
    else:
        assert periode_index(result) > 0


@pytest.mark.parametrize("text", ["ergens in 2024", "2024", "H3 2024", "derde helft 2024", ""])
def test_unparseable_periods(text):
    with pytest.raises(PeriodeError, match="is geen periode"):
        parse_periode(text)


def test_letter_wording():
    assert periode_tekst("2024-H1") == "1e helft 2024"
    assert periode_voluit("2024-H2") == "tweede helft van 2024"
    assert periode_einde("2024-H1") == dt.date(2024, 7, 1)
    assert periode_einde("2024-H2") == dt.date(2025, 1, 1)


@pytest.mark.parametrize("text", ["maart 2024", "mrt-24", "2024-03", "03-2024", "15-03-2024"])
def test_month_spellings(text):
    assert parse_maand(text) == dt.date(2024, 3, 1)
