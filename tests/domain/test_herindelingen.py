"""Herindelingen as data: the reference of codes since 2014, old codes in exports read as their
successor, and the crosswalk applied by the computation without changing the province's total
stand, for a merger on 1 January, one during a half-year and a split."""

from __future__ import annotations

import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.compute.overgang import crosswalk, openingen, vouw
from analysis.compute.register import load_verdelingen
from analysis.compute.roll_forward import RollforwardError, rollforward, verdeel
from analysis.config import RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.gemeenten import reference
from analysis.domain.herindelingen import herindelingen, opvolgers
from analysis.storage import read_table
from tests.conftest import examples

WEESP, AMSTERDAM = "GM0457", "GM0363"
LITTENSERADIEL = "GM0140"
LEEUWARDEN, SUDWEST, WAADHOEKE = "GM0080", "GM1900", "GM1949"
HAAREN = "GM0788"


def test_the_reference_holds_every_code_since_2014():
    codes = reference()
    on = {year: ((codes["geldig_vanaf"].isna() | (codes["geldig_vanaf"] <= f"{year}-01-01"))
                 & (codes["geldig_tot"].isna() | (codes["geldig_tot"] > f"{year}-01-01"))).sum()
          for year in (2014, 2018, 2019, 2021, 2022, 2023, 2026)}
    assert on == {2014: 403, 2018: 380, 2019: 355, 2021: 352, 2022: 345, 2023: 342, 2026: 342}
    steps = herindelingen()
    assert set(steps["oud_code"]) | set(steps["nieuw_code"]) <= set(codes["gemeente_code"])
    weesp = steps[steps["oud_code"] == WEESP].iloc[0]
    assert (weesp["nieuw_code"], weesp["datum"]) == (AMSTERDAM, pd.Timestamp("2022-03-24"))


def test_an_old_code_is_read_as_its_successor_following_later_herindelingen():
    found = opvolgers(pd.Series([WEESP, WEESP, "GM1921", HAAREN, "GM1690"]),
                      pd.to_datetime(pd.Series(["2022-03-23", "2022-03-24", "2016-01-01",
                                                "2021-02-01", "2024-01-01"])))
    assert found["opvolger"].tolist() == [pd.NA, AMSTERDAM, "GM1940", pd.NA, pd.NA]
    assert found["gesplitst"].tolist() == [False, False, False, True, False]


def _flows(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gemeente_code", "periode", "taakstelling", "realisatie"])


def _openings(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gemeente_code", "periode", "stand"])


def _roll(flows: pd.DataFrame, openings: pd.DataFrame,
          verdelingen: pd.DataFrame | None = None) -> pd.DataFrame:
    overgang = crosswalk(flows["gemeente_code"], verdelingen)
    return rollforward(vouw(flows, overgang), openingen(openings, overgang), overgang)


def _total_end(flows: pd.DataFrame, openings: pd.DataFrame) -> int:
    """What the province's stand must be at the end: every opening plus every net flow."""
    return int(openings["stand"].sum() + flows["realisatie"].sum() - flows["taakstelling"].sum())


def test_weesp_joins_amsterdam_during_the_half_year():
    flows = _flows([(AMSTERDAM, "2021-H2", 100, 90), (AMSTERDAM, "2022-H1", 120, 100),
                    (AMSTERDAM, "2022-H2", 110, 130), (WEESP, "2021-H2", 8, 5),
                    (WEESP, "2022-H1", 9, 2)])
    stand = _roll(flows, _openings([(AMSTERDAM, "2021-H2", -40), (WEESP, "2021-H2", -3)]))
    amsterdam = stand[stand["gemeente_code"] == AMSTERDAM].set_index("periode")
    # Weesp's -6 at 1 January 2022 is taken over, and with it its whole first half-year
    assert amsterdam.loc["2022-H1", ["overgenomen", "stand_begin", "taakstelling",
                                     "realisatie"]].tolist() == [-6, -56, 129, 102]
    assert stand.query("gemeente_code == @WEESP")["periode"].tolist() == ["2021-H2"]
    assert amsterdam.loc["2022-H2", "stand_eind"] == _total_end(flows, _openings(
        [(AMSTERDAM, "2021-H2", -40), (WEESP, "2021-H2", -3)]))


def test_a_split_divides_the_stand_by_inhabitants_in_whole_persons():
    flows = _flows([(LITTENSERADIEL, "2017-H2", 10, 0),
                    *[(code, periode, 20, 20) for code in (LEEUWARDEN, SUDWEST)
                      for periode in ("2017-H2", "2018-H1")],
                    (WAADHOEKE, "2018-H1", 15, 15)])
    # Waadhoeke's other predecessors are left out: only herindelingen in the data apply
    flows = flows[flows["gemeente_code"] != WAADHOEKE].pipe(
        lambda f: pd.concat([f, _flows([(WAADHOEKE, "2018-H1", 15, 15)])]))
    openings = _openings([(LITTENSERADIEL, "2017-H2", 0), (LEEUWARDEN, "2017-H2", 0),
                          (SUDWEST, "2017-H2", 0)])
    stand = _roll(flows, openings).set_index(["gemeente_code", "periode"])
    # -10 over 1940 : 3505 : 5465 inhabitants is -1.78, -3.21, -5.01: whole persons -2, -3, -5
    taken = stand.xs("2018-H1", level="periode")["overgenomen"]
    assert taken.to_dict() == {LEEUWARDEN: -3, SUDWEST: -5, WAADHOEKE: -2}
    ends = stand.xs("2018-H1", level="periode")["stand_eind"].sum()
    assert ends == _total_end(flows, openings) == -10


def test_a_split_without_known_shares_needs_a_decision(tmp_path):
    successors = ["GM0757", "GM0824", "GM0855", "GM0865"]
    flows = _flows([(HAAREN, "2020-H2", 10, 4),
                    *[(code, periode, 10, 10) for code in successors
                      for periode in ("2020-H2", "2021-H1")]])
    openings = _openings([(code, "2020-H2", 0) for code in [HAAREN, *successors]])
    with pytest.raises(RollforwardError, match="aantal inwoners van het deel dat naar Boxtel"):
        _roll(flows, openings)
    decisions = tmp_path / "besluiten.toml"
    decisions.write_text('[[besluit]]\nsoort = "verdeling"\ngemeente = "Haaren"\n'
                         'verdeling = { Boxtel = 3, Oisterwijk = 1, Tilburg = 1, Vught = 1 }\n'
                         'reden = "verdeling naar de kernen"\ndatum = 2021-02-01\n',
                         encoding="utf-8")
    stand = _roll(flows, openings, load_verdelingen(Register.read(decisions)))
    taken = stand[stand["periode"] == "2021-H1"].set_index("gemeente_code")["overgenomen"]
    assert taken.to_dict() == {"GM0757": -3, "GM0824": -1, "GM0855": -1, "GM0865": -1}


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(-40, 40), min_size=5, max_size=5),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=9, max_size=9))
def test_neither_a_merger_nor_a_split_changes_the_total_stand(stands, flows_drawn):
    """Weesp into Amsterdam (during a half-year) and Littenseradiel over three successors: the
    sum of the end stands is the sum of the openings and of every net flow, in every draw."""
    rows = [(WEESP, "2021-H2"), (WEESP, "2022-H1"), (AMSTERDAM, "2021-H2"),
            (AMSTERDAM, "2022-H1"), (LITTENSERADIEL, "2017-H2"), (LEEUWARDEN, "2017-H2"),
            (LEEUWARDEN, "2018-H1"), (SUDWEST, "2017-H2"), (SUDWEST, "2018-H1")]
    flows = _flows([(c, p, t, r) for (c, p), (t, r) in zip(rows, flows_drawn, strict=True)]
                   + [(WAADHOEKE, "2018-H1", 5, 1)])
    openings = _openings([(code, "2021-H2" if code in (WEESP, AMSTERDAM) else "2017-H2", stand)
                          for code, stand in zip([WEESP, AMSTERDAM, LITTENSERADIEL, LEEUWARDEN,
                                                  SUDWEST], stands, strict=True)])
    stand = _roll(flows, openings)
    assert stand.groupby("gemeente_code")["periode"].max().to_dict() == {
        WEESP: "2021-H2", AMSTERDAM: "2022-H1", LITTENSERADIEL: "2017-H2",
        LEEUWARDEN: "2018-H1", SUDWEST: "2018-H1", WAADHOEKE: "2018-H1"}
    successors = stand[stand["gemeente_code"].isin([AMSTERDAM, LEEUWARDEN, SUDWEST, WAADHOEKE])]
    assert successors.groupby("gemeente_code").tail(1)["stand_eind"].sum() == _total_end(
        flows, openings)


@given(st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=6),
       st.lists(st.integers(1, 50_000), min_size=6, max_size=6))
def test_dividing_keeps_every_person(totals, weights):
    owners = np.repeat(np.arange(len(totals)), 3)
    values = np.repeat(totals, 3)
    parts = verdeel(values, owners, np.resize(weights, len(owners)))
    assert (np.bincount(owners, weights=parts).astype(int) == np.array(totals)).all()
    assert (np.sign(parts) * np.sign(values) >= 0).all()


@pytest.fixture(scope="module")
def raw_with_old_codes(tmp_path_factory):
    """One COA overview of the sample, whose De Wolden row carries Weesp's old code."""
    raw = tmp_path_factory.mktemp("herindeling") / "raw"
    (raw / "coa").mkdir(parents=True)
    for folder in ("taakstelling",):
        shutil.copytree(RAW_DIR / folder, raw / folder)
    name = "COA_realisatie_taakstelling_2024-07-01.xlsx"
    book = openpyxl.load_workbook(RAW_DIR / "coa" / name)
    sheet = book["Realisatie per gemeente"]
    sheet.cell(10, 1).value, sheet.cell(10, 2).value = 457, "Weesp"
    book.save(raw / "coa" / name)
    return raw, book, name


def test_ingest_reads_an_ended_code_as_its_successor_and_says_so(raw_with_old_codes, tmp_path):
    raw, _, _ = raw_with_old_codes
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    coa = read_table(processed, "coa_overzicht")
    assert AMSTERDAM in set(coa["gemeente_code"]) and WEESP not in set(coa["gemeente_code"])
    warnings = read_table(processed, "validatie")
    moved = warnings[warnings["melding"].str.contains("Weesp")].iloc[0]
    assert (moved["rij"], moved["kolom"]) == (10, "gemeente")
    assert moved["melding"] == ("gemeente GM0457 (Weesp) bestaat sinds 24 maart 2022 niet meer; "
                                "1 rij(en) gelezen als de opvolger GM0363 (Amsterdam)")


def test_ingest_refuses_a_row_of_a_split_municipality_after_the_split(raw_with_old_codes,
                                                                       tmp_path, capsys):
    raw, book, name = raw_with_old_codes
    sheet = book["Realisatie per gemeente"]
    sheet.cell(10, 1).value, sheet.cell(10, 2).value = 788, "Haaren"
    book.save(raw / "coa" / name)
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 2
    error = capsys.readouterr().err
    assert (f"coa/{name}, blad 'Realisatie per gemeente', rij 10, kolom gemeente: gemeente GM0788 "
            "(Haaren) is per 1 januari 2021 verdeeld over Boxtel, Oisterwijk, Tilburg en Vught"
            ) in error
    assert not processed.exists()


def test_a_split_is_divided_over_all_its_successors_when_one_waits_for_another_predecessor():
    """X splits into A and B; B also takes over Y, itself the successor of Z, so B is computed
    a pass after A: each still takes half of X's -10, and the total stays -16."""
    rows = [("Z", "2020-H1"), ("Y", "2020-H2"), ("X", "2020-H1"), ("X", "2020-H2"),
            ("A", "2021-H1"), ("B", "2021-H1")]
    flows = pd.DataFrame(rows, columns=["gemeente_code", "periode"]).assign(taakstelling=0,
                                                                          realisatie=0)
    openings = pd.DataFrame({"gemeente_code": ["Z", "X"], "periode": ["2020-H1", "2020-H1"],
                             "stand": [-6, -10]})
    steps = pd.DataFrame([("Z", "Y", "2020-H2", 1), ("Y", "B", "2021-H1", 1),
                          ("X", "A", "2021-H1", 1), ("X", "B", "2021-H1", 1)],
                         columns=["oud_code", "nieuw_code", "periode", "gewicht"])
    taken = rollforward(flows, openings, steps).set_index("gemeente_code")["overgenomen"]
    assert (taken["A"], taken["B"]) == (-5, -11)
