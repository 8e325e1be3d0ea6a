"""Scenarios and the forecast against the computed sample: a scenario that changes nothing is
the computation, a change moves the stand as a plain loop says, the kader judges the whole
history again, nothing is written, and bad arguments are refused in Dutch."""

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.berekening import Berekening, load
from analysis.compute.prognose import prognose as art29_prognose
from analysis.domain.periods import periode_tekst
from analysis.locks import ProcessedLock
from analysis.problems import Refused
from analysis.verkenning.scenario import SCENARIO, prognose, scenario
from tests.conftest import examples

DE_WOLDEN = "GM1690"
SPELLINGS = (str, periode_tekst, lambda p: f"H{p[-1]} {p[:4]}")


@pytest.fixture(scope="module")
def berekening(computed) -> Berekening:
    return load(computed)


def rows_of(table: pd.DataFrame, code: str) -> pd.DataFrame:
    return table[table["gemeente_code"] == code].sort_values("periode").reset_index(drop=True)


def plain_roll(rows: pd.DataFrame, start: int) -> tuple[list[int], list[int]]:
    """stand_begin and stand_eind from row ``start`` on, one row after the other."""
    begin, end = list(rows["stand_begin"][:start]), list(rows["stand_eind"][:start])
    stand = int(rows["stand_begin"].iloc[start]) - int(rows["overgenomen"].iloc[start])
    for row in rows.iloc[start:].itertuples():
        stand += row.overgenomen
        begin.append(stand)
        stand += row.realisatie - row.taakstelling
        end.append(stand)
    return begin, end


def test_de_wolden_sample_block(berekening):
    """The seed's 2024-H1 block, asked with its own realisatie: -10, 26, 23, -13."""
    result = scenario(berekening, "de wolden", realisatie={"1e helft 2024": 23})
    row = result.stand.set_index("periode").loc["2024-H1"]
    assert (row["stand_begin"], row["taakstelling"], row["opgave"], row["realisatie"],
            row["stand_eind"]) == (-10, 26, 36, 23, -13)


@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_unchanged_scenario_is_the_computation(berekening, data):
    """Setting figures to what they are (any spelling of the half-year), or nothing, gives
    exactly the computed stand and beoordeling of the municipality."""
    code = data.draw(st.sampled_from(berekening.gemeenten))
    computed = rows_of(berekening.table("stand"), code)
    periods = computed["periode"].tolist()
    asked = {}
    for flow in ("realisatie", "taakstelling"):
        chosen = data.draw(st.lists(st.sampled_from(periods), unique=True, max_size=3))
        spell = data.draw(st.sampled_from(SPELLINGS))
        asked[flow] = {spell(p): int(computed.set_index("periode").loc[p, flow])
                       for p in chosen} or data.draw(st.sampled_from([None, {}]))
    result = scenario(berekening, data.draw(st.sampled_from([code, code[2:]])), **asked)
    assert result.stand.equals(computed)
    assert result.beoordeling.equals(rows_of(berekening.table("beoordeling"), code))
    assert "niets gewijzigd" in result.beschrijving


@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_changes_roll_forward_as_a_plain_loop(berekening, data):
    """Changed figures move every later stand as a loop over the rows says; the rows before
    the first changed half-year stay the computed ones, stand and beoordeling."""
    code = data.draw(st.sampled_from(berekening.gemeenten))
    computed = rows_of(berekening.table("stand"), code)
    periods = computed["periode"].tolist()
    changes = {flow: data.draw(st.dictionaries(st.sampled_from(periods),
                                               st.integers(0, 80), min_size=0, max_size=3))
               for flow in ("realisatie", "taakstelling")}
    expected = computed.copy()
    for flow, values in changes.items():
        expected[flow] = expected["periode"].map(values).fillna(expected[flow]).astype("int64")
    asked = sorted(set(changes["realisatie"]) | set(changes["taakstelling"]))
    start = periods.index(asked[0]) if asked else 0
    result = scenario(berekening, code, **changes)
    begin, end = plain_roll(expected, start)
    assert result.stand["stand_begin"].tolist() == begin
    assert result.stand["stand_eind"].tolist() == end
    assert (result.stand["opgave"] == result.stand["taakstelling"]
            - result.stand["stand_begin"]).all()
    assert result.stand.iloc[:start].equals(computed.iloc[:start])
    computed_judged = rows_of(berekening.table("beoordeling"), code)
    assert result.beoordeling.iloc[:start].equals(computed_judged.iloc[:start])
    differs = ((expected["realisatie"] != computed["realisatie"])
               | (expected["taakstelling"] != computed["taakstelling"])).to_numpy()
    assert ((result.stand["status"] == SCENARIO).to_numpy() == differs).all()


def test_de_wolden_realisatie_2025_h2(berekening):
    """30 housed in 2025-H2 moves that stand by 30 minus the computed realisatie, the rows
    before stay, and the kader judges it again."""
    computed = rows_of(berekening.table("stand"), DE_WOLDEN)
    result = scenario(berekening, "De Wolden", realisatie={"2025-H2": 30})
    last = computed["periode"] == "2025-H2"
    delta = (result.stand["stand_eind"] - computed["stand_eind"]).to_numpy()
    assert delta[last.to_numpy()].tolist() == [30 - int(computed.loc[last, "realisatie"].iloc[0])]
    assert (delta[~last.to_numpy()] == 0).all()
    assert result.stand.loc[~last].equals(computed.loc[~last])
    row = result.beoordeling.set_index("periode").loc["2025-H2"]
    assert bool(row["taakstelling_gehaald"]) and row["stand_eind"] >= 0
    assert row["oordeel"] == "op_orde"
    was = int(computed.loc[last, "realisatie"].iloc[0])
    assert f"realisatie 2e helft 2025 30 (in plaats van {was})" in result.beschrijving
    assert "geen oordeel van Gedeputeerde Staten" in result.beschrijving
    assert "kennisdatum" in result.beschrijving and "Drenthe" in result.beschrijving
    assert "vanaf de berekende stand aan het begin van 2e helft 2025" in result.beschrijving


def test_history_counts_the_changed_half_year(berekening):
    """The kader reads earlier half-years: a miss in 2024-H2 after the miss of 2024-H1 is the
    second in a row, and the cumulative figures take the new realisatie."""
    computed = rows_of(berekening.table("beoordeling"), DE_WOLDEN).set_index("periode")
    assert not computed.loc["2024-H1", "gehaald"]
    judged = scenario(berekening, DE_WOLDEN, realisatie={"2024-H2": 0}).beoordeling
    judged = judged.set_index("periode")
    assert judged.loc["2024-H2", "gemist_op_rij"] == computed.loc["2024-H1", "gemist_op_rij"] + 1
    assert judged.loc["2025-H2", "cum_realisatie"] == (
        computed.loc["2025-H2", "cum_realisatie"] - computed.loc["2024-H2", "realisatie"])


def test_new_half_year(berekening):
    """A taakstelling after the data adds the half-year: it starts at the last closing stand;
    without a realisatie it is 0, still unknown and without a verdict; with one, judged."""
    computed = rows_of(berekening.table("stand"), DE_WOLDEN)
    closing = int(computed["stand_eind"].iloc[-1])
    result = scenario(berekening, "De Wolden", taakstelling={"1e helft 2026": 40})
    assert result.stand.iloc[:-1].equals(computed)
    new = result.stand.iloc[-1]
    assert new["periode"] == "2026-H1" and new["gemeente_code"] == DE_WOLDEN
    assert (new["stand_begin"], new["taakstelling"], new["opgave"], new["realisatie"],
            new["stand_eind"]) == (closing, 40, 40 - closing, 0, closing - 40)
    assert not new["realisatie_bekend"] and not new["volledig"]
    assert result.stand["peildatum_eind"].iloc[-1] == pd.Timestamp("2026-07-01")
    assert result.beoordeling["oordeel"].iloc[-1] == ""
    assert "nieuw halfjaar" in result.beschrijving and "nog niet bekend" in result.beschrijving

    two = scenario(berekening, "De Wolden", realisatie={"2026-H1": 45},
                   taakstelling={"2026-H1": 40, "2026-H2": 30})
    added = two.stand.iloc[-2:]
    assert added["periode"].tolist() == ["2026-H1", "2026-H2"]
    assert added["stand_begin"].tolist() == [closing, closing + 5]
    assert added["stand_eind"].tolist() == [closing + 5, closing + 5 - 30]
    assert added["status"].tolist() == [SCENARIO, "lopend"]
    assert two.beoordeling["oordeel"].iloc[-2] != ""
    assert two.stand.dtypes.equals(computed.dtypes)


def test_stand_taken_over_stays(berekening, tmp_path):
    """A stand taken over from a herindeling after the first changed half-year is carried
    forward as computed, and one in the first changed half-year too."""
    folder = tmp_path / "processed"
    shutil.copytree(berekening.folder, folder)
    stand = berekening.table("stand").copy()
    later = ((stand["gemeente_code"] == DE_WOLDEN) & (stand["periode"] >= "2024-H1")).to_numpy()
    at = later & (stand["periode"] == "2024-H1").to_numpy()
    stand.loc[at, "overgenomen"] = 4
    for column in ("stand_begin", "stand_eind"):
        stand.loc[later, column] += 4
    stand.to_parquet(folder / "stand.parquet", index=False)
    merged = load(folder)
    taken = rows_of(merged.table("stand"), DE_WOLDEN)
    for asked, start in ((None, 0), ({"2023-H1": 30}, 2), ({"2024-H1": 23}, 4)):
        result = scenario(merged, DE_WOLDEN, realisatie=asked).stand
        expected = taken.copy()
        expected["realisatie"] = expected["periode"].map(asked or {}).fillna(
            expected["realisatie"]).astype("int64")
        begin, end = plain_roll(expected, start)
        assert result["stand_begin"].tolist() == begin
        assert result["stand_eind"].tolist() == end
        assert result["overgenomen"].tolist() == taken["overgenomen"].tolist()


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file of the folder but the lock a command of another test may hold meanwhile."""
    return {path.name: (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(folder.iterdir()) if path.name != ProcessedLock.NAME}


def test_nothing_is_written(computed):
    """Scenarios and a forecast leave the processed folder as it was, file for file."""
    before = snapshot(computed)
    result = load(computed)
    scenario(result, "De Wolden", realisatie={"2025-H2": 30}, taakstelling={"2026-H1": 40})
    scenario(result, "Assen")
    prognose(result, 12000)
    assert snapshot(computed) == before


def test_prognose(berekening):
    """The art. 29 forecast for the half-year after the data, with the names."""
    table = prognose(berekening, 12000)
    made = art29_prognose(12000, berekening.taakstelling, berekening.table("stand"), "2026-H1")
    assert table.drop(columns="gemeente_naam").equals(made.tabel)
    assert table.columns.tolist() == ["gemeente_code", "gemeente_naam", "inwoners",
                                      "taakstelling", "stand", "opgave"]
    nl = int(made.bron["inwoners_nederland"].iloc[0])
    assert (table["taakstelling"] == -(-12000 * table["inwoners"].astype("int64") // nl)).all()
    closing = rows_of(berekening.table("stand"), DE_WOLDEN)["stand_eind"].iloc[-1]
    wolden = table.set_index("gemeente_code").loc[DE_WOLDEN]
    assert wolden["gemeente_naam"] == "De Wolden" and wolden["stand"] == closing
    assert wolden["opgave"] == wolden["taakstelling"] - closing
    assert prognose(berekening, 12000, "1e helft 2026").equals(table)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"gemeente": "Atlantis"}, "gemeente: 'Atlantis' is geen gemeente in de gegevens"),
    ({"realisatie": {"2025-H2": -3}}, "realisatie: 2025-H2: -3 ligt niet tussen 0 en"),
    ({"realisatie": {"2025-H2": "30"}}, "realisatie: 2025-H2: verwacht een geheel aantal "
                                        "personen, niet '30'"),
    ({"taakstelling": {"2025-H2": 2.5}}, "taakstelling: 2025-H2: verwacht een geheel aantal"),
    ({"realisatie": {"2025-H2": True}}, "realisatie: 2025-H2: verwacht een geheel aantal"),
    ({"realisatie": {"eens": 3}}, "realisatie: 'eens' is geen periode"),
    ({"realisatie": {"2025-H2": 30, "2e helft 2025": 31}},
     "realisatie: 2025-H2 staat er twee keer in, met 30 en 31"),
    ({"realisatie": [("2025-H2", 30)]}, "realisatie: verwacht een woordenboek"),
    ({"realisatie": {"2021-H2": 3}}, "realisatie: 2021-H2 ligt vóór de gegevens van De Wolden "
                                     "(vanaf 2022-H1)"),
    ({"realisatie": {"2026-H1": 3}}, "taakstelling: 2026-H1 is een nieuw halfjaar na de "
                                     "gegevens (t/m 2025-H2) en heeft een taakstelling nodig"),
    ({"taakstelling": {"2026-H2": 30}}, "taakstelling: 2026-H2 sluit niet aan op de gegevens "
                                        "van De Wolden (t/m 2025-H2); geef eerst 2026-H1 op"),
])
def test_bad_arguments(berekening, arguments, message):
    arguments = {"gemeente": "De Wolden", **arguments}
    with pytest.raises(Refused, match=message.replace("(", r"\(").replace(")", r"\)")):
        scenario(berekening, **arguments)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"landelijk": 0}, "landelijk: verwacht een positief getal"),
    ({"landelijk": "12000"}, "landelijk: verwacht een geheel getal"),
    ({"landelijk": 12000, "periode": "ooit"}, "periode: 'ooit' is geen periode"),
    ({"landelijk": 12000, "periode": "2030-H1"},
     "periode: voor een prognose van 2030-H1 is de stand aan het eind van 2029-H2 nodig"),
])
def test_bad_prognose_arguments(berekening, arguments, message):
    with pytest.raises(Refused, match=message):
        prognose(berekening, **arguments)


def test_kader_as_computed(berekening, tmp_path):
    """The scenario judges with the kader file the computation used (where it read it, or
    else the shipped kader of that name), or refuses."""
    made_with = berekening.manifest["beoordelingskader"]
    elsewhere = {"bestand": "elders.toml", "pad": str(tmp_path / "elders.toml")}
    for changed, why in (({"sha256": "0" * 64}, "is gewijzigd sinds de berekening"),
                         (elsewhere, "is niet meer te vinden")):
        manifest = {**berekening.manifest, "beoordelingskader": {**made_with, **changed}}
        with pytest.raises(Refused, match=why):
            scenario(Berekening(berekening.folder, manifest), "De Wolden")
    own = tmp_path / "eigen.toml"  # a kader given by its path, not shipped
    own.write_bytes(Path(made_with["pad"]).read_bytes())
    manifest = {**berekening.manifest,
                "beoordelingskader": {**made_with, "bestand": own.name, "pad": str(own)}}
    assert scenario(Berekening(berekening.folder, manifest), "De Wolden").beoordeling.equals(
        scenario(berekening, "De Wolden").beoordeling)


def test_unchanged_values_are_no_change(berekening):
    """A scenario's status marks exactly the half-years whose figures it changed."""
    result = scenario(berekening, "De Wolden", realisatie={"2025-H1": 25, "2025-H2": 22})
    status = result.stand.set_index("periode")["status"]
    assert status["2025-H2"] == SCENARIO and status["2025-H1"] != SCENARIO
    assert np.count_nonzero(result.stand["realisatie_bron"] == SCENARIO) == 1
