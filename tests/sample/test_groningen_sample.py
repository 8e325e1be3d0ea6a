"""The synthetic Groningen sample: deterministic, synthetic in every file, the herindeling into
Eemsdelta as COA and the Bijlage A show it, and Westerkwartier's backlog by cohort as in the
public case."""

import hashlib
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.config import REFERENCE_DIR
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.problems import Refused
from analysis.report.charts import tile_layout
from analysis.sample import generate, groningen
from analysis.sample.figures import (
    actief,
    coa_overviews,
    designed_realisatie,
    designed_stands,
    final_taakstelling,
    persons,
    taakstellingen,
)

PREDECESSORS = ["GM0003", "GM0010", "GM0024"]  # Appingedam, Delfzijl, Loppersum
EEMSDELTA = "GM1979"


def _contents(folder):
    """Every file's contents: of a workbook every part of its zip but the one stamped with the
    time of writing (docProps/core.xml), of any other file its bytes."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[relative] = {name: hashlib.sha256(book.read(name)).hexdigest()
                                   for name in book.namelist() if name != "docProps/core.xml"}
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("groningen") / "raw"
    generate(folder, provincie="Groningen")
    return folder


def test_the_sample_is_deterministic(raw, tmp_path):
    generate(tmp_path / "raw", provincie="groningen")  # the province in any case
    assert _contents(tmp_path / "raw") == _contents(raw)


def test_every_file_says_it_is_synthetic(raw):
    workbooks = sorted(raw.rglob("*.xlsx"))
    assert len(workbooks) == 72 + 13 + 1 + 1  # COA monthly, Bijlage A, TVS, Groningen's own
    for path in workbooks:
        second = openpyxl.load_workbook(path, read_only=True).worksheets[0]["A2"].value
        assert second.startswith("SYNTHETISCHE VOORBEELDDATA"), path.name
        assert "--provincie Groningen" in second
    for name in ("besluiten/toezichtsbesluiten.toml", "brieven/brieven.toml"):
        assert (raw / name).read_text(encoding="utf-8").startswith("# SYNTHETISCHE")
    assert "echte gegevens (geen synthetische)" in (raw / "kaart" / "BRON.md").read_text(
        encoding="utf-8")


def test_the_estimated_national_totals_say_so(raw):
    sheet = openpyxl.load_workbook(raw / "taakstelling" / "Bijlage_A_taakstelling_2020-H1.xlsx"
                                   ).worksheets[0]
    values = {row[0]: row[1] for row in sheet.values if row and row[0]}
    assert values["Herkomst landelijk totaal"] == "geschat (niet gevonden)"
    assert values["Inwoners Nederland"] == "17.282.163"


def test_bijlage_a_lists_the_predecessors_until_the_merger_and_eemsdelta_after_it():
    table = taakstellingen(groningen.VOORBEELD)
    designed = designed_stands(groningen.VOORBEELD)
    assert set(table.loc[table["periode"] == "2020-H2", "gemeente_code"]) >= set(PREDECESSORS)
    assert not set(table.loc[table["periode"] >= "2021-H1", "gemeente_code"]) & set(PREDECESSORS)
    assert EEMSDELTA not in set(table.loc[table["periode"] <= "2020-H2", "gemeente_code"])
    begin = designed.set_index(["gemeente_code", "periode"])
    assert begin.loc[(EEMSDELTA, "2021-H1"), "begin"] == sum(
        begin.loc[(code, "2020-H2"), "eind"] for code in PREDECESSORS)


def test_coas_first_overview_of_eemsdelta_carries_its_predecessors_stand():
    v = groningen.VOORBEELD
    table = taakstellingen(v)
    people = persons(v, designed_realisatie(v, final_taakstelling(table)),
                     np.random.default_rng(v.seed))
    coa = coa_overviews(v, table, people).set_index(["peildatum", "gemeente_code"])
    january, february = (coa.xs(day, level="peildatum") for day in
                         (coa.index.levels[0][11], coa.index.levels[0][12]))
    assert set(PREDECESSORS) <= set(january.index) and EEMSDELTA not in january.index
    assert EEMSDELTA in february.index and not set(PREDECESSORS) & set(february.index)
    ends = january.loc[PREDECESSORS]
    assert february.loc[EEMSDELTA, "stand_begin"] == (
        ends["stand_begin"] + ends["gerealiseerd"] - ends["taakstelling"]).sum() == -7


def _cohorts(rows):
    """Plain FIFO per half-year (stand_begin s, taakstelling T, realisatie R): the voorsprong
    lowers the taakstelling, the realisatie first houses the old backlog oldest cohort first,
    and what the half-year leaves of its own taakstelling is its new cohort. What is left of
    every cohort at the end of each half-year."""
    open_cohorts, after = {}, {}
    for periode, s, t, r in rows:
        voorsprong, old = max(0, s), max(0, -s)
        effective = max(0, t - voorsprong)
        housed = min(max(r, 0), old)
        left = housed
        for cohort in list(open_cohorts):
            take = min(open_cohorts[cohort], left)
            open_cohorts[cohort] -= take
            left -= take
            if not open_cohorts[cohort]:
                del open_cohorts[cohort]
        new = max(0, effective - (r - housed))
        if new:
            open_cohorts[periode] = new
        assert sum(open_cohorts.values()) == max(0, -(s + r - t))  # the backlog, cohort by cohort
        after[periode] = dict(open_cohorts)
    return after


def test_westerkwartier_mirrors_the_public_case_by_cohort():
    final = nieuwste_versie(taakstellingen(groningen.VOORBEELD)).set_index(
        ["gemeente_code", "periode"])["taakstelling"]
    stands = designed_stands(groningen.VOORBEELD)
    stands = stands[stands["gemeente_code"] == "GM1969"]
    rows = [(row.periode, row.begin, int(final[("GM1969", row.periode)]),
             int(final[("GM1969", row.periode)]) + row.eind - row.begin)
            for row in stands.itertuples()]
    after = _cohorts(rows)
    assert after["2023-H2"]["2023-H1"] == 42  # on 1 January 2024
    assert "2023-H1" not in after["2024-H1"]  # housed by 1 July 2024
    assert after["2024-H1"]["2023-H2"] == 38


def test_an_unknown_province_is_refused_in_dutch(tmp_path):
    with pytest.raises(Refused, match="voor 'Friesland' zijn geen voorbeelddata; kies uit "
                                      "Drenthe, Groningen"):
        generate(tmp_path / "raw", provincie="Friesland")
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize("periode", ["2020-H2", "2021-H1"])
def test_the_tiles_of_groningen_before_and_after_the_merger_do_not_overlap(periode):
    codes = pd.Index(actief(groningen.VOORBEELD, periode)["gemeente_code"])
    layout = tile_layout(codes)
    known = pd.read_csv(REFERENCE_DIR / "tegels.csv", dtype={"gemeente_code": str})
    assert len(layout) == len(codes) and not layout.duplicated().any()
    assert set(codes) <= set(known["gemeente_code"])  # the geographic layout, not the grid
