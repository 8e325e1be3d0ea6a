"""The counting calendar: its answers agree with each other for every uitloop and period."""

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.domain.periods import datum_tekst, periode_from_index, volgende_periode
from analysis.domain.telkalender import STANDAARD, Telkalender

kalenders = st.builds(Telkalender, st.integers(min_value=0, max_value=62))
periodes = st.integers(min_value=1990 * 2, max_value=2099 * 2 + 1).map(periode_from_index)


@given(kalender=kalenders, periode=periodes)
def test_the_peildatum_closes_the_half_year_it_counts_for(kalender, periode):
    closing = kalender.peildatum(periode)
    days = pd.Series(pd.to_datetime([closing - dt.timedelta(days=1), closing]))
    assert kalender.telperiode(days).tolist() == [periode, volgende_periode(periode)]
    assert kalender.is_afsluitdatum(days).tolist() == [False, True]
    cutoff = kalender.peildatum_cutoff(pd.Series([periode, periode]))
    assert (cutoff == pd.Timestamp(closing).to_datetime64()).all()
    if kalender.uitloop_dagen < 59:  # the text names one date for every year: no 29 February
        assert datum_tekst(closing).removesuffix(f" {closing.year}") in (
            kalender.afsluitdatum_tekst().split(" of "))


def test_the_default_calendar_closes_on_1_january_and_1_july():
    assert Telkalender() == STANDAARD and not STANDAARD.heeft_uitloop
    assert STANDAARD.peildatum("2024-H2") == dt.date(2025, 1, 1)
    assert Telkalender(24).peildatum("2024-H1") == dt.date(2024, 7, 25)
    assert Telkalender(24).heeft_uitloop
