"""The pace, computed at once for every municipality and peildatum, against a plain loop that
computes it one peildatum and one municipality at a time."""

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.roll_forward import rollforward
from analysis.compute.tempo import op_peildatum, tempo
from analysis.domain.periods import periode_from_index, periode_index, periode_start
from tests.conftest import examples

FIRST = periode_index("2022-H1")


def reference(stand: pd.DataFrame, months: pd.DataFrame, peildatum: pd.Timestamp) -> dict:
    """Plain, obviously correct pace at one peildatum: gemeente -> the figures."""
    last = (peildatum - pd.Timedelta(days=1)).replace(day=1)
    periode = f"{last.year}-H{1 if last.month <= 6 else 2}"
    start = pd.Timestamp(periode_start(periode))
    elapsed = (last.year - start.year) * 12 + last.month - start.month + 1
    here = periode_index(periode)
    result = {}
    for row in stand[stand["periode"] == periode].itertuples():
        so_far = sum(m.realisatie for m in months.itertuples()
                     if m.gemeente_code == row.gemeente_code and start <= m.maand <= last)
        earlier = [r.realisatie - r.taakstelling for r in stand.itertuples()
                   if r.gemeente_code == row.gemeente_code
                   and here - 4 <= periode_index(r.periode) < here]
        pace = sum(earlier) / len(earlier) if earlier else math.nan
        end = math.floor(row.stand_begin + so_far * 6 / elapsed - row.taakstelling)
        left = max(-end, 0)
        cleared = None
        if left == 0 and row.stand_begin < 0:
            cleared = periode
        elif left > 0 and pace > 0:
            cleared = periode_from_index(here + math.ceil(left / pace))
        result[row.gemeente_code] = {
            "periode": periode, "maanden": elapsed, "realisatie_tot_nu": so_far,
            "pad": max(row.opgave, 0) * elapsed / 6,
            "prognose_stand_eind": end,
            "nog_te_realiseren": max(row.opgave - so_far, 0),
            "tempo_laatste_4": pace, "achterstand_weg_in": cleared,
        }
    return result


@st.composite
def scenarios(draw):
    """Municipalities with different spans of half-years and months with figures."""
    flows, openings, months = [], [], []
    for number in range(draw(st.integers(1, 4))):
        code = f"GM{number:04d}"
        first = FIRST + draw(st.integers(0, 2))
        last = first + draw(st.integers(0, 5))
        for index in range(first, last + 1):
            flows.append({"gemeente_code": code, "periode": periode_from_index(index),
                          "taakstelling": draw(st.integers(0, 40)),
                          "realisatie": draw(st.integers(-3, 60))})
        openings.append({"gemeente_code": code, "periode": periode_from_index(first),
                         "stand": draw(st.integers(-40, 40))})
        for month in pd.date_range("2022-01-01", "2025-12-01", freq="MS"):
            if draw(st.booleans()):
                months.append({"gemeente_code": code, "maand": month,
                               "realisatie": draw(st.integers(-1, 15))})
    stand = rollforward(pd.DataFrame(flows), pd.DataFrame(openings))
    frame = pd.DataFrame(months, columns=["gemeente_code", "maand", "realisatie"])
    return stand, frame


@settings(max_examples=examples(40), deadline=None)
@given(scenarios())
def test_every_peildatum_matches_the_plain_loop(scenario):
    stand, months = scenario
    pace = tempo(stand, months)
    if months.empty:
        assert pace.empty
        return
    for peildatum in pace["peildatum"].unique():
        expected = reference(stand, months, pd.Timestamp(peildatum))
        found = op_peildatum(pace, pd.Timestamp(peildatum)).set_index("gemeente_code")
        assert set(found.index) == set(expected)
        for code, figures in expected.items():
            row = found.loc[code]
            for name, value in figures.items():
                got = row[name]
                if isinstance(value, float) and math.isnan(value):
                    assert pd.isna(got), (code, name)
                elif value is None:
                    assert pd.isna(got), (code, name, got)
                else:
                    assert got == value, (peildatum, code, name, got, value)
