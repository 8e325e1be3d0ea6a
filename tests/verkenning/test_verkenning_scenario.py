"""The exploration's what-if results: a municipality's scenario and the art. 29 forecast as
tables of the exploration, marked as what they are. They need
:mod:`analysis.verkenning.scenario`, which computes them; without it these tests are skipped."""

import pandas as pd
import pytest

from analysis import verkenning
from analysis.compute.prognose import prognose as cli_prognose
from analysis.problems import Refused

pytest.importorskip("analysis.verkenning.scenario")


@pytest.fixture(scope="module")
def v(computed):
    return verkenning.laad(computed)


def test_a_scenario_rolls_another_realisatie_forward(v):
    result = v.scenario("De Wolden", realisatie={"1e helft 2024": 33})
    data = result.data.set_index("Periode")
    assert set(data["Gemeentecode"]) == {"GM1690"}
    assert (data.loc["2024-H1", "Realisatie"], data.loc["2024-H1", "Stand eind"]) == (33, -3)
    assert data.loc["2024-H2", "Stand begin"] == -3
    assert data.loc["2023-H2", "Stand eind"] == -10  # before it, nothing changed
    assert {"Stand begin", "Taakstelling", "Realisatie", "Stand eind", "Oordeel"} <= set(
        data.columns)
    pd.testing.assert_frame_equal(
        v.scenario("1690", realisatie={"2024-H1": 33}).data, result.data)


def test_a_scenario_is_marked_as_one_everywhere(v, tmp_path):
    import openpyxl

    result = v.scenario("De Wolden", taakstelling={"2026-H1": 20})
    assert result.markering[0] == "Scenario" and result.markering[1]
    assert "2026-H1" in set(result.data["Periode"])
    assert result.data.set_index("Periode").loc["2026-H1", "Taakstelling"] == 20
    assert result.melding.startswith("Scenario")
    for shown in (result._repr_html_(), repr(result)):
        assert result.melding in shown
    assert all("(scenario)" in chart.alt for chart in result.grafiek())
    sheet = openpyxl.load_workbook(result.naar_excel(tmp_path / "scenario.xlsx")).active
    assert sheet["A2"].value == result.melding


def test_a_scenario_of_an_unknown_municipality_is_refused(v):
    with pytest.raises(Refused, match=r"^gemeente: 'Foo' is geen gemeente in de gegevens"):
        v.scenario("Foo", realisatie={"2024-H1": 1})


def test_the_forecast_is_the_command_lines(v, computed):
    result = v.prognose(landelijk=12000, periode="1e helft 2026")
    data = result.data
    assert list(data.columns) == ["Gemeentecode", "Gemeente", "Inwoners", "Taakstelling",
                                  "Stand begin", "Opgave"]
    assert len(data) == 12 and result.markering[0] == "Prognose"
    assert (data["Opgave"] == data["Taakstelling"] - data["Stand begin"]).all()
    berekening = v.berekening
    expected = cli_prognose(12000, berekening.taakstelling, berekening.table("stand"),
                            "2026-H1").tabel.set_index("gemeente_code")
    ours = data.set_index("Gemeentecode")
    assert (ours["Taakstelling"] == expected["taakstelling"].reindex(ours.index)).all()
    assert "Prognose 1e helft 2026 bij een landelijke taakstelling van 12.000" in repr(result)


@pytest.mark.parametrize("landelijk", [0, -5])
def test_a_forecast_needs_a_positive_national_total(v, landelijk):
    with pytest.raises(Refused, match=f"^landelijk: '{landelijk}' is geen positief aantal"):
        v.prognose(landelijk=landelijk)
