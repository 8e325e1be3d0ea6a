"""The vectorised roll-forward against a plain loop, invariants, errors, and the letter."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.roll_forward import RollforwardError, rollforward
from analysis.domain.periods import periode_from_index, periode_index
from analysis.domain.resultaten import conclusie, resultaten_block
from analysis.domain.telkalender import Telkalender
from tests.conftest import examples
from tests.seed_letter import DE_WOLDEN

START = periode_index("2020-H1")


def reference(flows: pd.DataFrame, openings: dict, mergers: list) -> dict:
    """Plain, obviously correct roll-forward: (gemeente, periode) -> (stand_begin, stand_eind)."""
    series: dict[str, dict[int, tuple[int, int]]] = {}
    for row in flows.itertuples():
        series.setdefault(row.gemeente_code, {})[periode_index(row.periode)] = (
            row.taakstelling, row.realisatie)
    result: dict[tuple[str, str], tuple[int, int]] = {}
    final: dict[str, int] = {}
    pending = sorted(series)
    while pending:
        for code in list(pending):
            predecessors = [old for old, new, _ in mergers if new == code and old != code]
            if any(old in pending for old in predecessors):
                continue
            taken = {index: sum(final[old] for old, new, i in mergers
                                if new == code and old != code and i == index)
                     for index in series[code]}
            periods = sorted(series[code])
            start, stand = openings.get(code, (periods[0], 0))
            begin = {start: stand + taken[start]}
            for index in periods[periods.index(start) + 1:]:
                target, realised = series[code][index - 1]
                begin[index] = begin[index - 1] + realised - target + taken[index]
            for index in reversed(periods[:periods.index(start)]):
                target, realised = series[code][index]
                begin[index] = begin[index + 1] - taken[index + 1] - realised + target
            for index in periods:
                target, realised = series[code][index]
                result[(code, periode_from_index(index))] = (
                    begin[index], begin[index] + realised - target)
            final[code] = result[(code, periode_from_index(periods[-1]))][1]
            pending.remove(code)
    return result


@st.composite
def scenarios(draw):
    """Random municipalities with different spans, openings anywhere, negative realisations,
    and optionally a merger into a new code and an absorption keeping one partner's code."""
    rows, openings, mergers = [], {}, []

    def municipality(code, first, last, opening=True):
        for index in range(first, last + 1):
            rows.append({"gemeente_code": code, "periode": periode_from_index(index),
                         "taakstelling": draw(st.integers(0, 200)),
                         "realisatie": draw(st.integers(-5, 250))})
        if opening:
            openings[code] = (draw(st.integers(first, last)), draw(st.integers(-100, 100)))

    count = draw(st.integers(1, 6))
    for number in range(count):
        first = START + draw(st.integers(0, 4))
        municipality(f"GM{number:04d}", first, first + draw(st.integers(0, 8)))
    if draw(st.booleans()):
        merge_at = START + draw(st.integers(2, 6))
        for old in ("GM0901", "GM0902"):
            municipality(old, START + draw(st.integers(0, 1)), merge_at - 1)
            mergers.append((old, "GM0990", merge_at))
        municipality("GM0990", merge_at, merge_at + draw(st.integers(0, 4)), opening=False)
    if draw(st.booleans()):
        merge_at = START + draw(st.integers(2, 6))
        municipality("GM0801", START, merge_at - 1)
        municipality("GM0802", START, merge_at + draw(st.integers(0, 4)))
        mergers.append(("GM0801", "GM0802", merge_at))
    return pd.DataFrame(rows), openings, mergers


def _inputs(openings, mergers):
    opening = pd.DataFrame([{"gemeente_code": code, "periode": periode_from_index(index),
                             "stand": stand} for code, (index, stand) in openings.items()])
    crosswalk = pd.DataFrame([{"oud_code": old, "nieuw_code": new,
                               "periode": periode_from_index(index)}
                              for old, new, index in mergers])
    return opening, crosswalk


@settings(max_examples=examples(200), deadline=None)
@given(scenario=scenarios())
def test_vectorised_equals_plain_loop(scenario):
    flows, openings, mergers = scenario
    opening, crosswalk = _inputs(openings, mergers)
    result = rollforward(flows, opening, crosswalk if mergers else None)
    expected = reference(flows, openings, mergers)
    got = {(r.gemeente_code, r.periode): (r.stand_begin, r.stand_eind)
           for r in result.itertuples()}
    assert got == expected


@settings(max_examples=examples(100), deadline=None)
@given(scenario=scenarios())
def test_invariants(scenario):
    flows, openings, mergers = scenario
    opening, crosswalk = _inputs(openings, mergers)
    result = rollforward(flows, opening, crosswalk if mergers else None)
    nxt = result.groupby("gemeente_code").shift(-1)
    linked = nxt["stand_begin"].notna()
    assert (result.loc[linked, "stand_eind"] + nxt.loc[linked, "overgenomen"]
            == nxt.loc[linked, "stand_begin"]).all()
    assert (result["opgave"] == result["taakstelling"] - result["stand_begin"]).all()
    assert (result["stand_eind"] == result["realisatie"] - result["opgave"]).all()
    begin, end = result["stand_begin"], result["stand_eind"]
    flags = {
        "achterstand_toegenomen": (begin < 0) & (end < begin),
        "achterstand_afgenomen": (begin < 0) & (end > begin) & (end < 0),
        "achterstand_ingelopen": (begin < 0) & (end >= 0),
        "achterstand_ontstaan": (begin >= 0) & (end < 0),
        "voorsprong_opgebouwd": (begin <= 0) & (end > 0),
        "taakstelling_gehaald": result["realisatie"]
        >= result["taakstelling"] - begin.clip(lower=0),
        "totaalopgave_gehaald": end >= 0,
    }
    for flag, expected in flags.items():
        assert (result[flag] == expected).all(), flag
    for old_new in {(new, index) for _, new, index in mergers}:
        new, index = old_new
        olds = [old for old, n, _ in mergers if n == new and old != new]
        ends = result[result["gemeente_code"].isin(olds)
                      & (result["periode"] == periode_from_index(index - 1))]["stand_eind"]
        taken = result[(result["gemeente_code"] == new)
                       & (result["periode"] == periode_from_index(index))]["overgenomen"]
        assert ends.sum() == taken.sum()


@settings(max_examples=examples(100), deadline=None)
@given(data=st.data(), count=st.integers(1, 8), length=st.integers(1, 10))
def test_sum_over_municipalities_commutes(data, count, length):
    periods = [periode_from_index(START + i) for i in range(length)]
    flows = pd.DataFrame([{"gemeente_code": f"GM{g:04d}", "periode": p,
                           "taakstelling": data.draw(st.integers(0, 300)),
                           "realisatie": data.draw(st.integers(-5, 300))}
                          for g in range(count) for p in periods])
    at = data.draw(st.sampled_from(periods))
    opening = pd.DataFrame({"gemeente_code": [f"GM{g:04d}" for g in range(count)],
                            "periode": at, "stand": data.draw(
                                st.lists(st.integers(-50, 50), min_size=count,
                                         max_size=count))})
    each = rollforward(flows, opening).groupby("periode")[["stand_begin", "stand_eind"]].sum()
    province = flows.groupby("periode", as_index=False)[["taakstelling", "realisatie"]].sum()
    province["gemeente_code"] = "PV"
    total = rollforward(province, pd.DataFrame({"gemeente_code": ["PV"], "periode": [at],
                                                 "stand": [opening["stand"].sum()]}))
    assert (total.set_index("periode")[["stand_begin", "stand_eind"]] == each).all().all()


def _flows(*rows):
    return pd.DataFrame(rows, columns=["gemeente_code", "periode", "taakstelling", "realisatie"])


def test_a_missing_period_is_an_error_not_a_zero():
    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM1690", "2025-H1", 21, 25))
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"], "stand": [-10]})
    with pytest.raises(RollforwardError, match="periode 2024-H2 ontbreekt"):
        rollforward(flows, opening)


def test_a_period_given_twice_is_an_error():
    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM1690", "2024-H1", 26, 20))
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"], "stand": [-10]})
    with pytest.raises(RollforwardError, match="periode 2024-H1 komt meer dan eens voor"):
        rollforward(flows, opening)


def test_unsorted_input_and_a_later_cut_off():
    flows = pd.DataFrame({
        "gemeente_code": ["GM1690", "GM1690", "GM1690"],
        "periode": ["2025-H1", "2024-H2", "2025-H1"], "realisatie": [25, 26, 25],
        "taakstelling": [21, 24, 19],
        "versiedatum": pd.to_datetime(["2025-03-14", "2024-04-02", "2025-07-20"]),
    })
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H2"], "stand": [-13]})
    at_period_end = rollforward(flows, opening)
    assert at_period_end["periode"].tolist() == ["2024-H2", "2025-H1"]
    assert at_period_end["taakstelling"].tolist() == [24, 21]
    with_cut_off = rollforward(flows, opening, kalender=Telkalender(24))
    assert with_cut_off["taakstelling"].tolist() == [24, 19]


def test_a_municipality_without_opening_is_an_error():
    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM0106", "2024-H1", 73, 77))
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"], "stand": [-10]})
    with pytest.raises(RollforwardError, match=r"geen openingsstand voor gemeente.*GM0106"):
        rollforward(flows, opening)


def test_latest_version_valid_at_the_end_of_the_period_counts():
    flows = pd.DataFrame({
        "gemeente_code": "GM1690", "periode": "2025-H1", "realisatie": 25,
        "taakstelling": [25, 21, 99],
        "versiedatum": pd.to_datetime(["2024-10-01", "2025-03-14", "2025-08-01"]),
    })
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2025-H1"], "stand": [-11]})
    row = rollforward(flows, opening).iloc[0]
    assert (row["taakstelling"], row["opgave"], row["stand_eind"]) == (21, 32, -7)



def test_de_wolden_block_character_for_character():
    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM1690", "2024-H2", 24, 26))
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"], "stand": [-10]})
    stand = rollforward(flows, opening)
    assert resultaten_block(stand, "GM1690", "De Wolden", "2024-H1") == DE_WOLDEN


def test_surplus_wording():
    flows = _flows(("GM1699", "2024-H1", 33, 30), ("GM1699", "2024-H2", 10, 0))
    opening = pd.DataFrame({"gemeente_code": ["GM1699"], "periode": ["2024-H1"], "stand": [18]})
    block = resultaten_block(rollforward(flows, opening), "GM1699", "Noordenveld", "2024-H1")
    assert "Taakstelling 1e helft 2024: 33 (-voorsprong 18) =15" in block
    assert "Taakstelling 2e helft 2024: 10 (-voorsprong 15) =0 (resterende voorsprong 5)" in block


@pytest.mark.parametrize(("begin", "realised", "target", "expected"), [
    (-10, 23, 26, "niet gehaald, achterstand toegenomen"),
    (-10, 27, 26, "gehaald, achterstand afgenomen"),
    (-10, 26, 26, "gehaald, achterstand gelijk gebleven"),
    (-10, 20, 26, "niet gehaald, achterstand toegenomen"),
    (-10, 36, 26, "gehaald, achterstand ingelopen"),
    (-3, 2, 1, "gehaald, achterstand afgenomen"),
    (0, 20, 26, "niet gehaald, achterstand ontstaan"),
    (5, 20, 26, "niet gehaald, achterstand ontstaan"),
    (0, 30, 26, "gehaald, voorsprong opgebouwd"),
    (5, 30, 26, "gehaald, voorsprong vergroot"),
    (18, 30, 33, "gehaald, voorsprong deels ingezet"),  # Noordenveld 2024-H1
    (18, 15, 33, "gehaald, voorsprong ingezet"),
    (18, 14, 33, "niet gehaald, achterstand ontstaan"),
    (-10, 26, 26, "gehaald, achterstand gelijk gebleven"),
    (5, 26, 26, "gehaald, voorsprong gelijk gebleven"),
    (0, 26, 26, "gehaald, geen achterstand"),
    (-2, 28, 26, "gehaald, achterstand ingelopen"),
])
def test_every_conclusion_variant(begin, realised, target, expected):
    flows = _flows(("GM1690", "2024-H1", target, realised))
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"],
                            "stand": [begin]})
    row = rollforward(flows, opening).iloc[0]
    sentence = conclusie("2024-H1", bool(row["taakstelling_gehaald"]), row["ontwikkeling"])
    assert sentence == f"Taakstelling 1e helft 2024 {expected}."


def test_percentages():
    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM1699", "2024-H1", 0, 3))
    opening = pd.DataFrame({"gemeente_code": ["GM1690", "GM1699"], "periode": "2024-H1",
                            "stand": [-10, 5]})
    result = rollforward(flows, opening).set_index("gemeente_code")
    assert result.loc["GM1690", "pct_taakstelling"] == pytest.approx(23 / 26)
    assert result.loc["GM1690", "pct_totaalopgave"] == pytest.approx(23 / 36)
    assert np.isnan(result.loc["GM1699", "pct_taakstelling"])


def test_stands_reported_by_coa_are_compared_not_overwritten():
    from analysis.compute.coa_verschillen import coa_verschillen

    flows = _flows(("GM1690", "2024-H1", 26, 23), ("GM1699", "2024-H1", 33, 30))
    opening = pd.DataFrame({"gemeente_code": ["GM1690", "GM1699"], "periode": "2024-H1",
                            "stand": [-10, 18]})
    stand = rollforward(flows, opening)
    # COA's overview of 1 July 2024: stand at its start plus gerealiseerd minus taakstelling
    coa = pd.DataFrame({"gemeente_code": ["GM1690", "GM1699"], "periode": "2024-H1",
                        "peildatum": pd.Timestamp("2024-07-01"), "stand_begin": [-10, 18],
                        "gerealiseerd": [24, 30], "taakstelling": [26, 33],
                        "bron_bestand": "coa/x.xlsx"})
    differences = coa_verschillen(stand, coa)
    assert differences[["gemeente_code", "stand_eind", "coa_stand_eind", "verschil"]].to_dict(
        "records") == [{"gemeente_code": "GM1690", "stand_eind": -13, "coa_stand_eind": -12,
                        "verschil": -1}]
    assert stand.set_index("gemeente_code").loc["GM1690", "stand_eind"] == -13


def test_public_entry_point():
    import analysis

    assert analysis.rollforward is rollforward
