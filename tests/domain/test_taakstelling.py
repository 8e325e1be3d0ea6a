"""The art. 29 formula: exact integers, checking imported tables, forecasting."""

import math
import shutil
from fractions import Fraction

import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.compute.register import load_register
from analysis.compute.uitruil import art29_meldingen, art29_toets
from analysis.config import RAW_DIR
from analysis.domain.art29 import art29, art29_afwijkingen, voorspel
from analysis.domain.taakstelling_versies import volgende_taakstelling
from analysis.ingest.mirror import ingest


@given(total=st.integers(1, 60_000), population=st.integers(0, 1_000_000),
       extra=st.integers(0, 20_000_000))
def test_formula_is_the_exact_ceiling(total, population, extra):
    national = population + extra + 1
    result = art29(total, pd.Series([population]), national).iloc[0]
    assert result == math.ceil(Fraction(total * population, national))


def test_an_exact_product_is_not_rounded_up():
    assert art29(10, pd.Series([3, 7]), 10).tolist() == [3, 7]


def test_the_letters_figures_follow_from_the_formula():
    # De Wolden 2024-H1 and 2024-H2 (the sample's populations), Noordenveld 2024-H1
    assert art29(18_750, pd.Series([24_500, 31_300]), 17_811_291).tolist() == [26, 33]
    assert art29(17_000, pd.Series([24_500]), 17_811_291).iloc[0] == 24


def test_deviations_are_found():
    table = pd.DataFrame({"gemeente_code": ["GM1690", "GM1699", "GM0106"],
                          "landelijk_totaal": 18_750,
                          "inwoners_nederland": [17_811_291, 17_811_291, None],
                          "inwoners": [24_500, 31_300, 69_100], "taakstelling": [27, 33, 1]})
    off = art29_afwijkingen(table)
    assert off["gemeente_code"].tolist() == ["GM1690"]
    assert off["art29"].tolist() == [26]


def test_the_computation_warns_by_municipality_when_a_table_deviates(tmp_path):
    # the check moved from ingest to the computation, which knows the recorded art. 29(2)
    # agreements that may explain a deviation (analysis.compute.uitruil)
    name = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
    (tmp_path / "taakstelling").mkdir()
    shutil.copy(RAW_DIR / name, tmp_path / name)
    book = openpyxl.load_workbook(tmp_path / name)
    sheet = book["Bijlage A"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "GM1690")
    sheet.cell(row, 5).value = 27
    total = next(r for r in range(row, 40) if sheet.cell(r, 1).value == "Totaal")
    sheet.cell(total, 5).value += 1
    book.save(tmp_path / name)
    ingested = ingest(tmp_path)
    assert not [w for w in ingested.waarschuwingen if "art. 29" in str(w)]
    toets = art29_toets(ingested.tables["taakstelling"], load_register(None, []))
    warnings = [str(w) for w in art29_meldingen(toets)]
    assert warnings == [
        f"{name}, blad 'Bijlage A', rij {row}: gemeente De Wolden (GM1690), 2024-H1: "
        "taakstelling 27 wijkt af van de art. 29-formule (26 = naar boven afgerond 18750 x "
        "24500 / 17811291)"]


def test_forecast_with_the_current_stand():
    inwoners = pd.DataFrame({"gemeente_code": ["GM1690", "GM1699"], "inwoners": [24_600, 31_400]})
    stand = pd.Series({"GM1690": -4, "GM1699": 11})
    forecast = voorspel(12_000, inwoners, 17_942_942, stand)
    assert forecast["taakstelling"].tolist() == [17, 21]
    assert forecast["opgave"].tolist() == [21, 10]


def test_the_next_taakstelling_is_the_stands_figure_in_the_version_known_then():
    stand = pd.DataFrame({"gemeente_code": ["GM1690", "GM1690"], "periode": ["2024-H2", "2025-H1"],
                          "taakstelling": [33, 30]})
    versions = pd.DataFrame({
        "gemeente_code": "GM1690", "periode": "2025-H1", "taakstelling": [30, 25, 30],
        "versiedatum": pd.to_datetime(["2024-10-01", "2024-12-01", "2025-03-01"])})
    on = volgende_taakstelling(stand, versions, "GM1690", "2024-H2", pd.Timestamp("2025-01-01"))
    assert on["taakstelling"] == 30 and on["versiedatum"] == pd.Timestamp("2024-10-01")
    later = volgende_taakstelling(stand, versions, "GM1690", "2024-H2", pd.Timestamp("2025-06-01"))
    assert later["versiedatum"] == pd.Timestamp("2025-03-01")
    before = volgende_taakstelling(stand, versions, "GM1690", "2024-H2", pd.Timestamp("2024-01-01"))
    assert before["versiedatum"] == pd.Timestamp("2024-10-01")  # the first that gave it
    assert volgende_taakstelling(stand, versions, "GM1690", "2025-H1", pd.Timestamp("2025-07-01")) \
        is None
    unknown = volgende_taakstelling(stand, versions.iloc[1:2], "GM1690", "2024-H2",
                                    pd.Timestamp("2025-01-01"))
    assert unknown["taakstelling"] == 30 and pd.isna(unknown["versiedatum"])
