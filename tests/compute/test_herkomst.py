"""Where each figure comes from: every figure of every block has its source rows, the parts of a
realisatie add up to it, and a cited row holds the figure it is cited for."""

import datetime as dt

import pandas as pd
import pytest

from analysis.compute.bereken import Invoer, bereken
from analysis.compute.herkomst import ONDERDELEN
from analysis.compute.kader import load_kader
from analysis.config import RAW_DIR
from analysis.storage import read_table

KEY = ["gemeente_code", "periode"]


@pytest.fixture(scope="module", params=["2024-11-19", "2025-10-15"])
def tables(request, computed):
    """The sample computed on a date with every half-year settled by COA, and on one inside a
    half-year whose months come from the person-level export."""
    return bereken(Invoer.from_folder(computed), load_kader("drenthe"),
                   dt.date.fromisoformat(request.param))


def test_every_figure_of_every_block_has_a_source(tables):
    stand, trace = tables["stand"], tables["herkomst"]
    per_row = trace.groupby(KEY)["onderdeel"].agg(set)
    for (code, periode), figures in per_row.items():
        row = stand[(stand["gemeente_code"] == code) & (stand["periode"] == periode)].iloc[0]
        expected = set(ONDERDELEN) - ({"stand_eind"} if not row["volledig"] else set())
        expected -= {"realisatie"} if not row["realisatie_bekend"] else set()
        assert expected - {"taakstelling_volgend"} <= figures, (code, periode)
    assert len(per_row) == len(stand)
    assert trace.loc[trace["bron"] != "afgeleid", "bron_bestand"].notna().all()


def test_the_parts_of_a_realisatie_add_up_to_it(tables):
    stand, trace = tables["stand"], tables["herkomst"]
    parts = trace[trace["onderdeel"] == "realisatie"].groupby(KEY)["waarde"].sum()
    known = stand[stand["realisatie_bekend"]].set_index(KEY)["realisatie"]
    assert parts.reindex(known.index).astype("int64").equals(known.astype("int64"))


def test_a_cited_row_holds_the_figure(tables, computed):
    trace = tables["herkomst"]
    coa = read_table(computed, "coa_overzicht")
    settled = trace[(trace["onderdeel"] == "realisatie") & (trace["bron"] == "coa_overzicht")]
    cited = settled.merge(coa.assign(bron_rij=coa["bron_rij"].astype(str)),
                          on=["gemeente_code", "bron_bestand", "bron_rij"])
    assert len(cited) == len(settled)
    # the closing overview gives the whole half-year; a later month's overview its share
    assert (cited["gerealiseerd"] >= cited["waarde"]).all()
    targets = read_table(computed, "taakstelling")
    quoted = trace[trace["bron"] == "taakstelling"].merge(
        targets.assign(bron_rij=targets["bron_rij"].astype(str)),
        on=["gemeente_code", "bron_bestand", "bron_rij"])
    assert (quoted["waarde"] == quoted["taakstelling"]).all()


def test_the_person_level_export_is_named_by_its_rows_and_dates_only(tables, computed):
    trace = tables["herkomst"]
    persons = trace[trace["bron"] == "persoonsexport"]
    days = read_table(computed, "realisatie_dag")
    for row in persons.itertuples():
        mine = days[(days["gemeente_code"] == row.gemeente_code)
                    & (days["datum"] >= row.van) & (days["datum"] <= row.tot)]
        assert int(mine["bron_rijen"].sum()) == row.rijen
    assert persons["bron_rij"].isna().all()  # no row of the export, so no person, is named


def test_de_wolden_2024_h1_comes_from_the_overview_of_1_july(computed):
    trace = bereken(Invoer.from_folder(computed), load_kader("drenthe"),
                    dt.date(2024, 11, 19))["herkomst"]
    mine = trace[(trace["gemeente_code"] == "GM1690") & (trace["periode"] == "2024-H1")]
    realised = mine[mine["onderdeel"] == "realisatie"].iloc[0]
    assert (realised["waarde"], realised["bron_blad"], realised["bron_rij"]) == (
        23, "Realisatie per gemeente", "10")
    assert realised["bron_bestand"] == "coa/COA_realisatie_taakstelling_2024-07-01.xlsx"
    assert realised["peildatum"] == pd.Timestamp("2024-07-01")
    target = mine[mine["onderdeel"] == "taakstelling"].iloc[0]
    assert (target["waarde"], target["versiedatum"]) == (26, pd.Timestamp("2023-10-02"))
    assert (RAW_DIR / realised["bron_bestand"]).is_file()
