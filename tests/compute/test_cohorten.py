"""The backlog per half-year of origin (cohorten): the vectorised ledger against a plain
half-year-by-half-year reference, a merger and a split, the deadlines from the kader and from
decisions, and the Dutch refusals of the kader and the register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.cohorten import cohorten, grootboek
from analysis.compute.kader import KaderError, load_kader
from analysis.compute.register import cohortbereik, load_register
from analysis.compute.roll_forward import rollforward
from analysis.config import KADERS_DIR
from analysis.domain.besluiten import Register
from analysis.domain.periods import periode_from_index, periode_index
from analysis.problems import InputError

FIRST = periode_index("2022-H1")
KADER_EXTRA = '\n[cohorten]\nvolgorde = "oudste_eerst"\ntermijn_halfjaren = 2\n'


def reference(openings: dict[str, int], flows: dict[str, list[tuple[int, int]]],
              newest_first: set[str]) -> pd.DataFrame:
    """The cohorts half-year by half-year: a list of [origin, amount] per municipality."""
    rows = []
    for code, periods in flows.items():
        stand = openings[code]
        ledger = [[periode_from_index(FIRST - 1), max(0, -stand), True]]
        for offset, (target, realised) in enumerate(periods):
            periode = periode_from_index(FIRST + offset)
            backlog = max(0, -stand)
            left = min(max(realised, 0), backlog)
            before = [amount for _, amount, _ in ledger]
            for entry in (reversed(ledger) if code in newest_first else ledger):
                take = min(entry[1], left)
                entry[1] -= take
                left -= take
            end = stand + realised - target
            ledger.append([periode, max(0, -end) - sum(e[1] for e in ledger), False])
            before.append(ledger[-1][1])
            for (origin, amount, opening), was in zip(ledger, before, strict=True):
                if amount > 0 or was > amount:
                    rows.append((code, periode, origin, opening, was - amount, amount))
            stand = end
    return pd.DataFrame(rows, columns=["gemeente_code", "periode", "cohort",
                                       "cohort_voor_begin", "ingelopen", "resterend"])


def stand_of(openings: dict[str, int], flows: dict[str, list[tuple[int, int]]]) -> pd.DataFrame:
    frame = pd.DataFrame([
        {"gemeente_code": code, "periode": periode_from_index(FIRST + offset),
         "taakstelling": target, "realisatie": realised}
        for code, periods in flows.items() for offset, (target, realised) in enumerate(periods)])
    opening = pd.DataFrame({"gemeente_code": list(openings), "periode": "2022-H1",
                            "stand": list(openings.values())})
    return rollforward(frame, opening)


municipalities = st.dictionaries(
    st.sampled_from(["GM0106", "GM0109", "GM1680", "GM1690"]),
    st.tuples(st.integers(-60, 40),
              st.lists(st.tuples(st.integers(0, 40), st.integers(-10, 50)), min_size=1,
                       max_size=7)),
    min_size=1)


@settings(max_examples=60, deadline=None)
@given(municipalities, st.sets(st.sampled_from(["GM0106", "GM0109", "GM1680", "GM1690"])))
def test_the_ledger_is_the_plain_reference(data: dict, newest_first: set[str]) -> None:
    openings = {code: opening for code, (opening, _) in data.items()}
    flows = {code: periods for code, (_, periods) in data.items()}
    stand = stand_of(openings, flows)
    found = grootboek(stand, None, newest_first)
    expected = reference(openings, flows, newest_first)
    key = ["gemeente_code", "periode", "cohort", "cohort_voor_begin"]
    assert found[[*key, "ingelopen", "resterend"]].sort_values(key).reset_index(drop=True) \
        .equals(expected.sort_values(key).reset_index(drop=True).astype(
            found[[*key, "ingelopen", "resterend"]].dtypes.to_dict()))
    assert_sums(found, stand)


def assert_sums(ledger: pd.DataFrame, stand: pd.DataFrame) -> None:
    """The cohorts' remainders add up to the backlog at the end of every half-year."""
    sums = ledger.groupby(["gemeente_code", "periode"])["resterend"].sum()
    backlog = stand.set_index(["gemeente_code", "periode"])["stand_eind"].clip(upper=0) * -1
    assert sums.reindex(backlog.index, fill_value=0).to_numpy().tolist() == \
        backlog.to_numpy().tolist()


def test_oldest_first_by_hand() -> None:
    """-10 at the start; 2022-H1: T 20, R 15 (10 of the old backlog, 5 of the new target);
    2022-H2: T 10, R 8 housed from the 2022-H1 cohort of 15."""
    stand = stand_of({"GM1690": -10}, {"GM1690": [(20, 15), (10, 8)]})
    ledger = grootboek(stand)
    rows = ledger[["periode", "cohort", "cohort_voor_begin", "ingelopen", "resterend"]]
    assert rows.values.tolist() == [
        ["2022-H1", "2021-H2", True, 10, 0],
        ["2022-H1", "2022-H1", False, 0, 15],
        ["2022-H2", "2022-H1", False, 8, 7],
        ["2022-H2", "2022-H2", False, 0, 10]]
    newest = grootboek(stand, None, {"GM1690"})
    assert newest[newest["periode"] == "2022-H1"]["resterend"].tolist() == [0, 15]


def test_a_voorsprong_covers_a_negative_realisatie() -> None:
    """Ahead by 10 with T 2 and R -3: the stand ends at 5 ahead, so no cohort arises."""
    stand = stand_of({"GM1690": 10}, {"GM1690": [(2, -3)]})
    assert grootboek(stand).empty


def merger_stand() -> tuple[pd.DataFrame, pd.DataFrame]:
    """GM0001 (backlog 10 at the start, 4 more in 2022-H1) merges into GM0002 (ahead by 3)
    on 1 January 2023; GM0003 (backlog 9) is split 2 : 1 over GM0002 and GM0004."""
    flows = pd.DataFrame([
        ("GM0001", "2022-H1", 10, 6), ("GM0002", "2022-H1", 5, 5),
        ("GM0002", "2022-H2", 5, 5), ("GM0002", "2023-H1", 8, 20),
        ("GM0003", "2022-H1", 6, 0), ("GM0003", "2022-H2", 3, 3),
        ("GM0004", "2022-H1", 1, 1), ("GM0004", "2022-H2", 1, 1),
        ("GM0004", "2023-H1", 1, 0)],
        columns=["gemeente_code", "periode", "taakstelling", "realisatie"])
    opening = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002", "GM0003", "GM0004"],
                            "periode": "2022-H1", "stand": [-10, 3, -3, 0]})
    overgang = pd.DataFrame({"oud_code": ["GM0001", "GM0003", "GM0003"],
                             "nieuw_code": ["GM0002", "GM0002", "GM0004"],
                             "periode": ["2022-H2", "2023-H1", "2023-H1"],
                             "gewicht": [1, 2, 1]})
    return rollforward(flows, opening, overgang), overgang


def test_a_merger_takes_over_the_cohorts_with_their_origin() -> None:
    stand, overgang = merger_stand()
    ledger = grootboek(stand, overgang)
    assert_sums(ledger, stand)
    at = ledger.set_index(["gemeente_code", "periode", "cohort", "cohort_voor_begin"])
    # GM0001 houses 6 of its opening 10 in 2022-H1; 10 of its target are left
    assert at.loc[("GM0001", "2022-H1", "2021-H2", True), "resterend"] == 4
    assert at.loc[("GM0001", "2022-H1", "2022-H1", False), "resterend"] == 10
    # GM0002 takes both over in 2022-H2; its voorsprong of 3 nets the oldest 3 away and its 5
    # housed clear the last of the opening and 4 of 2022-H1
    assert at.loc[("GM0002", "2022-H2", "2021-H2", True), ["ingelopen", "resterend"]] \
        .tolist() == [3 + 1, 0]
    assert at.loc[("GM0002", "2022-H2", "2022-H1", False), ["ontstaan", "resterend"]] \
        .tolist() == [10, 6]
    # the split's backlog of 9 (6 of 2022-H1, 3 of 2022-H2) goes 6 : 3, each cohort 2 : 1;
    # GM0002 houses its own 11 and the 6 it took over in 2023-H1
    taken = ledger[(ledger["periode"] == "2023-H1") & (ledger["cohort"] <= "2022-H2")]
    per = taken.groupby("gemeente_code")[["ingelopen", "resterend"]].sum().sum(axis=1)
    assert per.to_dict() == {"GM0002": 11 + 6, "GM0004": 3}
    assert taken[taken["gemeente_code"] == "GM0004"].set_index("cohort")["resterend"] \
        .to_dict() == {"2022-H1": 2, "2022-H2": 1}
    assert ledger[ledger["gemeente_code"] == "GM0004"]["ontstaan"].sum() > 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-30, 30), min_size=4, max_size=4),
       st.lists(st.tuples(st.integers(0, 20), st.integers(-5, 30)), min_size=9, max_size=9),
       st.integers(1, 5), st.integers(1, 5), st.booleans())
def test_mergers_and_splits_keep_the_sums(openings: list[int], flows: list[tuple[int, int]],
                                          left: int, right: int, newest: bool) -> None:
    stand, overgang = merger_stand()
    frame = stand[["gemeente_code", "periode"]].assign(
        taakstelling=[t for t, _ in flows], realisatie=[r for _, r in flows])
    overgang = overgang.assign(gewicht=[1, left, right])
    opening = pd.DataFrame({"gemeente_code": ["GM0001", "GM0002", "GM0003", "GM0004"],
                            "periode": "2022-H1", "stand": openings})
    rolled = rollforward(frame, opening, overgang)
    ledger = grootboek(rolled, overgang, {"GM0002", "GM0004"} if newest else set())
    assert_sums(ledger, rolled)
    assert (ledger[["ingelopen", "resterend", "ontstaan"]] >= 0).all().all()


def cohort_kader(tmp_path: Path, extra: str = KADER_EXTRA) -> Path:
    """A copy of Drenthe's kader with ``extra`` at its end (a bare key: at its top)."""
    path = tmp_path / "drenthe_cohorten.toml"
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    bare = not extra.lstrip().startswith("[")
    path.write_text(extra + text if bare else text + extra, encoding="utf-8")
    return path


def test_the_kader_reads_cohorten(tmp_path: Path) -> None:
    kader = load_kader(cohort_kader(tmp_path, '\n[cohorten]\nvolgorde = "nieuwste_eerst"\n'))
    assert (kader.cohorten.volgorde, kader.cohorten.termijn_halfjaren) == ("nieuwste_eerst", 2)
    assert load_kader("drenthe").cohorten is None


@pytest.mark.parametrize(("extra", "message"), [
    ('\n[cohorten]\nvolgorde = "eerst_binnen"\n',
     "drenthe_cohorten.toml, [cohorten]: volgorde 'eerst_binnen' bestaat niet; kies "
     "oudste_eerst of nieuwste_eerst"),
    ("\n[cohorten]\ntermijn_halfjaren = 0\n",
     "drenthe_cohorten.toml, [cohorten]: termijn_halfjaren '0' is geen geheel getal van 1 tot "
     "en met 20"),
    ("\n[cohorten]\ntermijn = 2\n",
     "drenthe_cohorten.toml, [cohorten]: onbekende sleutel 'termijn'"),
    ("\ncohorten = 2\n", "drenthe_cohorten.toml: cohorten is"),
])
def test_the_kader_refuses_bad_cohorten(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(KaderError, match="beoordelingskader") as error:
        load_kader(cohort_kader(tmp_path, extra))
    assert message in str(error.value)


DECISIONS = b'''
[[besluit]]
soort = "cohort"
gemeente = "De Wolden"
cohort = "1e helft 2023"
aantal = 42
termijn = 2025-01-01
trede = "bestuurlijk gesprek"
datum = 2024-03-01
kenmerk = "GS/2024/1"
reden = "termijn voor de achterstand uit 2023-H1"

[[besluit]]
soort = "cohortvolgorde"
gemeente = "Assen"
volgorde = "nieuwste_eerst"
datum = 2024-03-01
kenmerk = "GS/2024/2"
reden = "de jongste achterstand eerst"
'''


def test_decisions_set_a_cohorts_deadline_and_rung_and_the_order(tmp_path: Path) -> None:
    kader = load_kader(cohort_kader(tmp_path))
    periods = [periode_from_index(FIRST + n) for n in range(4)]
    register = load_register(Register("toezichtsbesluiten.toml", DECISIONS),
                             ["GM1690", "GM0106"], kader.treden, kader.kalender,
                             cohorten=cohortbereik(periods))
    assert register[["soort", "cohort", "volgorde"]].fillna("").values.tolist() == [
        ["cohort", "2023-H1", ""], ["cohortvolgorde", "", "nieuwste_eerst"]]
    flows = {"GM1690": [(20, 5), (10, 0), (10, 0), (10, 30)],
             "GM0106": [(10, 0), (10, 0), (10, 0), (10, 15)]}
    stand = stand_of({"GM1690": 0, "GM0106": 0}, flows)
    stand["peildatum_eind"] = pd.to_datetime([periode_einde(p) for p in stand["periode"]])
    table = cohorten(stand, pd.DataFrame(columns=["oud_code", "nieuw_code", "periode",
                                                  "gewicht"]), register, kader)
    wolden = table[(table["gemeente_code"] == "GM1690") & (table["periode"] == "2023-H2")]
    decided = wolden[wolden["cohort"] == "2023-H1"].iloc[0]
    assert (decided["termijn"], decided["termijn_bron"], decided["trede"],
            decided["aantal_besluit"], bool(decided["verlopen"])) == (
        pd.Timestamp("2025-01-01"), "GS/2024/1", "bestuurlijk gesprek", 42, False)
    # the kader's default: two half-years after 1 July 2022, passed by 1 July 2023
    default = table[(table["gemeente_code"] == "GM1690") & (table["periode"] == "2023-H1")
                    & (table["cohort"] == "2022-H1")].iloc[0]
    assert (default["termijn"], default["termijn_bron"], default["trede"], default["resterend"],
            bool(default["verlopen"])) == (pd.Timestamp("2023-07-01"), "kader", "", 15, True)
    # 30 housed in 2023-H2, oldest first: 15 of 2022-H1, 10 of 2022-H2, 5 of 2023-H1
    assert wolden.set_index("cohort")["resterend"].to_dict() == {
        "2022-H1": 0, "2022-H2": 0, "2023-H1": 5, "2023-H2": 10}
    # Assen houses newest first: 15 in 2023-H2 from the 2023-H1 cohort of 10, then 5 of 2022-H2
    assen = table[(table["gemeente_code"] == "GM0106") & (table["periode"] == "2023-H2")]
    assert assen.set_index("cohort")["resterend"].to_dict() == {
        "2022-H1": 10, "2022-H2": 5, "2023-H1": 0, "2023-H2": 10}


def periode_einde(periode: str) -> dt.date:
    index = periode_index(periode) + 1
    return dt.date(index // 2, 1 if index % 2 == 0 else 7, 1)


def refusal(entry: str, tmp_path: Path, with_cohorten: bool = True) -> str:
    kader = load_kader(cohort_kader(tmp_path)) if with_cohorten else load_kader("drenthe")
    content = ("[[besluit]]\n" + entry + '\ndatum = 2024-03-01\nreden = "r"\n').encode()
    with pytest.raises(InputError) as error:
        load_register(Register("toezichtsbesluiten.toml", content), ["GM1690"], kader.treden,
                      kader.kalender, cohorten=cohortbereik(["2022-H1", "2022-H2", "2023-H1"])
                      if with_cohorten else None)
    return error.value.report()


def test_a_cohort_decision_needs_a_kader_with_cohorten(tmp_path: Path) -> None:
    message = refusal('soort = "cohort"\ngemeente = "De Wolden"\ncohort = "2022-H1"\n'
                      "termijn = 2024-01-01", tmp_path, with_cohorten=False)
    assert "toezichtsbesluiten.toml: besluit 1 (regel 1): een besluit van soort cohort vraagt " \
           "een beoordelingskader dat de achterstand per halfjaar van ontstaan bijhoudt" in message


@pytest.mark.parametrize(("entry", "expected"), [
    ('cohort = "2024-H2"\ntermijn = 2025-01-01',
     "cohort 2024-H2 is geen halfjaar in de gegevens (verwacht 2021-H2 voor de achterstand van "
     "de openingsstand, of 2022-H1 tot en met 2023-H1)"),
    ('cohort = "voorjaar"\ntermijn = 2025-01-01', "cohort: 'voorjaar' is geen periode"),
    ('cohort = "2022-H1"\ntermijn = 2025-01-01\ntrede = "berisping"',
     "trede 'berisping' staat niet op de interventieladder"),
    ('cohort = "2022-H1"', "verplichte sleutel 'termijn' ontbreekt"),
    ('cohort = "2022-H1"\ntermijn = 2025-01-01\naantal = 0', "aantal '0' is geen geheel getal"),
])
def test_a_wrong_cohort_decision_is_refused(tmp_path: Path, entry: str, expected: str) -> None:
    message = refusal(f'soort = "cohort"\ngemeente = "De Wolden"\n{entry}', tmp_path)
    assert expected in message


def test_a_wrong_order_is_refused(tmp_path: Path) -> None:
    message = refusal('soort = "cohortvolgorde"\ngemeente = "De Wolden"\n'
                      'volgorde = "willekeurig"', tmp_path)
    assert "volgorde 'willekeurig' bestaat niet; kies oudste_eerst of nieuwste_eerst" in message


def test_a_kader_without_cohorten_gives_an_empty_table() -> None:
    stand = stand_of({"GM1690": -10}, {"GM1690": [(20, 15)]})
    register = load_register(None, [])
    table = cohorten(stand, pd.DataFrame(columns=["oud_code", "nieuw_code", "periode",
                                                  "gewicht"]), register, load_kader("drenthe"))
    assert table.empty and "resterend" in table.columns
    assert np.issubdtype(table["resterend"].dtype, np.integer)
