"""The date of knowledge: decisions, rungs, bezwaar outcomes, taakstelling versions and COA
vintages count from their own date; a month counts from the latest source that covers it; a
kwijtschelding takes effect; a period without a valid taakstelling version is refused in Dutch."""

import datetime as dt

import pandas as pd
import pytest

from analysis.compute.beoordeling import beoordeel
from analysis.compute.kennisdatum import bekend_op, besluiten_bekend, coa_bekend
from analysis.compute.roll_forward import RollforwardError, rollforward
from analysis.compute.stromen import coa_telling
from tests.compute.test_beoordeling import DRENTHE, entry, history, register

RUNGS = (entry("starttrede", trede="geen", kenmerk="K0")
         + entry("trede", trede="signaleren", datum="2024-03-01", kenmerk="K1")
         + entry("trede", trede="bestuurlijk gesprek", datum="2024-09-01", kenmerk="K2"))


def assessed(decisions: pd.DataFrame, day: dt.date) -> pd.Series:
    """De Wolden's 2024-H1 row, the register as known on ``day``."""
    rows = beoordeel(history("GM1690", -5, [(10, 5)] * 5), DRENTHE,
                     besluiten_bekend(decisions, day), day)
    return rows[rows["periode"] == "2024-H1"].iloc[0]


@pytest.mark.parametrize(("day", "rung", "kenmerk"), [
    (dt.date(2024, 8, 1), "signaleren", "K1"),
    (dt.date(2024, 11, 19), "bestuurlijk gesprek", "K2"),
])
def test_a_letter_states_the_rung_that_stood_on_its_date(tmp_path, day, rung, kenmerk):
    row = assessed(register(tmp_path, RUNGS), day)
    assert row["trede_op_datum"] == rung and row["trede_op_datum_besluit"].endswith(kenmerk)
    # the half-year's own rung, from which the advice starts, is the one on its peildatum
    assert row["trede"] == "signaleren"


def test_a_bezwaar_counts_from_the_day_it_was_upheld(tmp_path):
    decisions = register(tmp_path, RUNGS + entry("bezwaar", datum="2024-10-15",
                                                 verwijst_naar="K2", uitkomst="gegrond"))
    assert assessed(decisions, dt.date(2024, 10, 1))["trede_op_datum"] == "bestuurlijk gesprek"
    assert assessed(decisions, dt.date(2024, 11, 19))["trede_op_datum"] == "signaleren"


def test_a_verschoning_decided_later_is_not_known_earlier(tmp_path):
    decisions = register(tmp_path, entry("verschoning", periode="2024-H1",
                                         datum="2024-11-19", kenmerk="V1"))
    assert pd.isna(assessed(decisions, dt.date(2024, 7, 15))["verschoning_reden"])
    assert assessed(decisions, dt.date(2024, 11, 19))["verschoning_reden"] == "r"


def test_a_kwijtschelding_waives_its_persons_from_its_half_year_on(tmp_path):
    """Five misses in a row: with 20 of the backlog waived from 2023-H2 on, a backlog of up to
    20 no longer counts, and the escalation it would advise is held."""
    decisions = register(tmp_path, entry("kwijtschelding", periode="2023-H2", personen=20,
                                         datum="2024-01-15", kenmerk="Q1"))
    rows = beoordeel(history("GM1690", -5, [(10, 5)] * 5), DRENTHE, decisions,
                     dt.date(2024, 11, 19))
    assert rows["stand_eind"].tolist() == [-10, -15, -20, -25, -30]  # the stand is unchanged
    assert rows["kwijtgescholden"].tolist() == [0, 0, 0, 20, 20]
    assert rows["verschoond_personen"].tolist() == [0, 0, 0, 20, 20]
    assert "Kwijtgescholden: 20 personen" in rows["reden"].iloc[3]
    without = beoordeel(history("GM1690", -5, [(10, 5)] * 5), DRENTHE,
                        register(tmp_path, RUNGS), dt.date(2024, 11, 19))
    assert without["verschoond_personen"].tolist() == [0] * 5


def overviews(*rows: tuple[str, str, int, int, object]) -> pd.DataFrame:
    """COA overview rows: (file, peildatum, gerealiseerd, vintage, aangemaakt)."""
    return pd.DataFrame({
        "gemeente_code": "GM1690", "bron_bestand": [r[0] for r in rows],
        "peildatum": pd.to_datetime([r[1] for r in rows]), "periode": "2024-H1",
        "gerealiseerd": [r[2] for r in rows], "vintage": [r[3] for r in rows],
        "aangemaakt": pd.to_datetime([r[4] for r in rows]), "geldend": True})


def test_a_coa_re_issue_counts_from_its_own_date_or_from_when_it_arrived():
    coa = overviews(("a.xlsx", "2024-07-01", 23, 0, None),
                    ("b.xlsx", "2024-07-01", 25, 1, "2025-02-10"),
                    ("c.xlsx", "2024-07-01", 26, 2, None))
    seen = pd.DataFrame({"bron_bestand": ["a.xlsx", "b.xlsx", "c.xlsx"],
                         "eerst_gezien": pd.to_datetime(["2024-07-03", "2025-02-12",
                                                         "2025-06-01"])})

    def counting(day: str) -> list[int]:
        known = coa_bekend(coa, seen, dt.date.fromisoformat(day))
        return known.loc[known["geldend"].astype(bool), "gerealiseerd"].tolist()

    assert counting("2024-06-30") == []  # before its peildatum, not even the first
    assert counting("2024-07-01") == [23]  # the first vintage from the peildatum on
    assert counting("2025-02-10") == [25]  # the re-issue from its 'Aangemaakt op'
    assert counting("2025-06-01") == [26]  # one without it from the day ingest first saw it


def test_taakstelling_versions_and_months_after_the_date_are_not_known():
    tables = {
        "taakstelling": pd.DataFrame({"versiedatum": pd.to_datetime(["2024-11-01",
                                                                     "2025-03-14"])}),
        "coa_overzicht": overviews(("a.xlsx", "2024-07-01", 23, 0, None)),
        "bestanden": pd.DataFrame({"bron_bestand": ["a.xlsx"]}),
        "realisatie_dag": pd.DataFrame({"datum": pd.to_datetime(["2025-01-30", "2025-01-31"])}),
        "gemeente_rapportage": pd.DataFrame({"maand": pd.to_datetime(["2024-12-01",
                                                                      "2025-01-01"])}),
    }
    known = bekend_op(tables, dt.date(2025, 1, 31))  # January has not ended yet
    assert len(known["taakstelling"]) == 1 and len(known["realisatie_dag"]) == 1
    assert known["gemeente_rapportage"]["maand"].tolist() == [pd.Timestamp("2024-12-01")]
    assert len(bekend_op(tables, dt.date(2025, 2, 1))["gemeente_rapportage"]) == 2


def test_months_after_the_person_level_export_come_from_coas_overviews():
    """The export ends in December 2025; COA's overview of 1 February 2026 says 3 housed in
    January: January counts 3, from the overview, and says so."""
    persons = pd.DataFrame({"gemeente_code": "GM1690", "maand": pd.to_datetime(["2025-12-01"]),
                            "periode": "2025-H2", "realisatie": [4]})
    coa = pd.DataFrame({"gemeente_code": "GM1690",
                        "peildatum": pd.to_datetime(["2025-12-01", "2026-01-01", "2026-02-01"]),
                        "periode": ["2025-H2", "2025-H2", "2026-H1"],
                        "gerealiseerd": [20, 24, 3]})
    months = coa_telling(persons, coa)
    assert months[["maand", "realisatie", "bron"]].values.tolist() == [
        [pd.Timestamp("2025-12-01"), 4, "persoonsexport"],
        [pd.Timestamp("2026-01-01"), 3, "coa_overzicht"]]


def test_a_period_without_a_valid_taakstelling_version_is_refused_in_dutch():
    flows = pd.DataFrame({"gemeente_code": "GM1690", "periode": ["2024-H1", "2024-H2"],
                          "versiedatum": pd.to_datetime(["2023-11-01", "2024-08-01"]),
                          "taakstelling": [26, 24], "realisatie": [23, 20]})
    opening = pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2024-H1"],
                            "stand": [-10]})
    late = flows.assign(versiedatum=pd.to_datetime(["2024-07-01", "2024-08-01"]))
    assert len(rollforward(flows, opening)) == 2
    with pytest.raises(RollforwardError, match=r"taakstelling van GM1690 in 2024-H1: geen "
                                               r"versie gepubliceerd vóór de peildatum "
                                               r"01-07-2024 \(de eerste is van 01-07-2024\)"):
        rollforward(late, opening)
