"""The exploration API on the computed sample: its tables hold the computed figures in tidy,
typed columns with Dutch names; it shows them the Dutch way, names its computation, draws the
pages' charts, writes workbooks and refuses what the command line refuses, in the same words."""

import pandas as pd
import pytest

from analysis import storage, verkenning
from analysis.problems import Refused
from analysis.report import charts

STAND_KOLOMMEN = ["Gemeentecode", "Gemeente", "Periode", "Stand begin", "Taakstelling",
                  "Opgave", "Realisatie", "Stand eind", "% taakstelling", "% totaalopgave",
                  "Ontwikkeling", "Inwoners", "Status"]


@pytest.fixture(scope="module")
def v(computed):
    return verkenning.laad(computed)


@pytest.fixture(scope="module")
def beoordeling(computed):
    return storage.read_table(computed, "beoordeling")


def test_de_wolden_in_the_first_half_of_2024(v):
    rows = v.gemeente("De Wolden").data.set_index("Periode")
    row = rows.loc["2024-H1"]
    assert (row["Stand begin"], row["Taakstelling"], row["Realisatie"], row["Stand eind"]) == (
        -10, 26, 23, -13)
    assert row["% taakstelling"] == pytest.approx(23 / 26)
    assert list(rows.index) == sorted(rows.index) and len(rows) == 8


@pytest.mark.parametrize("spelling", ["GM1690", "1690", "wolden, de", "Gemeente De Wolden",
                                      "de wolden"])
def test_a_municipality_is_taken_in_any_spelling(v, spelling):
    pd.testing.assert_frame_equal(v.gemeente(spelling).data, v.gemeente("De Wolden").data)


@pytest.mark.parametrize("spelling", ["1e helft 2024", "eerste halfjaar 2024", "H1 2024",
                                      "2024-1"])
def test_a_period_is_taken_in_any_spelling(v, spelling):
    data = v.periode(spelling).data
    pd.testing.assert_frame_equal(data, v.periode("2024-H1").data)
    assert len(data) == 12 and set(data["Periode"]) == {"2024-H1"}


def test_the_stand_is_tidy_typed_and_the_computed_figures(v, computed):
    data = v.stand.data
    assert list(data.columns) == STAND_KOLOMMEN
    assert not data.duplicated(["Gemeentecode", "Periode"]).any() and len(data) == 12 * 8
    assert {str(data[c].dtype) for c in ["Stand begin", "Realisatie", "Inwoners"]} == {"Int64"}
    assert str(data["% taakstelling"].dtype) == "Float64"
    assert str(data["Gemeente"].dtype) == "string"
    computed_stand = storage.read_table(computed, "stand").set_index(["gemeente_code",
                                                                     "periode"])
    ours = data.set_index(["Gemeentecode", "Periode"]).loc[computed_stand.index]
    assert (ours["Stand eind"].to_numpy() == computed_stand["stand_eind"].to_numpy()).all()
    assert ours["% taakstelling"].to_numpy(float) == pytest.approx(
        computed_stand["pct_taakstelling"].to_numpy(float))


def test_a_running_half_year_has_no_end_figures_yet(beoordeling):
    from analysis.verkenning._kolommen import BEOORDEELD, netjes

    rows = beoordeling[beoordeling["gemeente_code"] == "GM1690"].copy()
    rows["volledig"] = rows["periode"] != "2025-H2"
    data = netjes(rows, BEOORDEELD).set_index("Periode")
    assert data.loc["2025-H2", ["Stand eind", "% taakstelling", "Ontwikkeling"]].isna().all()
    assert data.loc["2025-H2", "Realisatie"] == 21
    assert data.loc["2025-H1", "Stand eind"] == -7


def test_the_display_writes_figures_the_dutch_way_and_keeps_numbers_plain(v):
    result = v.gemeente("De Wolden", "2024-H1")
    html, text = result._repr_html_(), repr(result)
    for shown in ("88,5 %", "24.500", "-13", "De Wolden: stand per halfjaar, tot en met 1e helft "
                  "2024", "beoordelingskader Drenthe"):
        assert shown in html and shown in text, shown
    assert "0.884615" not in html
    assert result.data["Inwoners"].iloc[-1] == 24500
    assert list(result.data["Periode"]) == ["2022-H1", "2022-H2", "2023-H1", "2023-H2",
                                            "2024-H1"]
    assert "font-weight: bold" in html  # the chosen half-year's row


def test_every_result_names_the_computation_it_comes_from(v, computed):
    manifest = storage.read_manifest(computed)
    herkomst = v.herkomst
    assert (herkomst.kader, herkomst.kader_provincie, herkomst.provincie) == (
        "Drenthe", "Drenthe", "Drenthe")
    assert herkomst.kennisdatum.isoformat() == manifest["kennisdatum"]
    assert herkomst.leidende_bron == manifest["leidende_bron"]
    assert herkomst.bestanden[["Bestand", "SHA-256"]].rename(
        columns={"Bestand": "bron_bestand", "SHA-256": "bestand_hash"}).to_dict(
        "records") == manifest["invoer"]
    assert herkomst.periodes == tuple(manifest["periodes"]["alle"])
    assert len(herkomst.gemeenten) == 12 and "De Wolden" in herkomst.gemeenten
    shown = repr(v) + v._repr_html_()
    for text in ("Beoordelingskader", "Kennisdatum", "Leidende bron", "Invoerbestanden",
                 f"{len(herkomst.bestanden)} (met hun SHA-256)", herkomst.bestanden.iloc[0, -1],
                 "1e helft 2022 t/m 2e helft 2025"):
        assert text in shown, text
    assert v.stand.herkomst is herkomst and "kennisdatum" in v.stand.kopregel


def test_the_comparison_gives_every_change(v):
    data = v.vergelijk("1e helft 2024", "2025-H1").data.set_index("Gemeentecode")
    before = v.periode("2024-H1").data.set_index("Gemeentecode")
    after = v.periode("2025-H1").data.set_index("Gemeentecode")
    for figure in ("Stand begin", "Taakstelling", "Opgave", "Realisatie", "Stand eind"):
        assert (data[f"Verschil {figure.lower()}"] == after[figure] - before[figure]).all()
    wolden = data.loc["GM1690"]
    assert (wolden["Stand eind 2024-H1"], wolden["Stand eind 2025-H1"],
            wolden["Verschil stand eind"], wolden["Verschil realisatie"]) == (-13, -7, 6, 2)
    assert wolden["Verschil % taakstelling"] == pytest.approx(25 / 21 - 23 / 26)
    assert wolden["Oordeel 2024-H1"] == "Taakstelling niet gehaald, achterstand"
    assert wolden["Oordeel gewijzigd"] and not wolden["Trede gewijzigd"]
    assert (data["Oordeel gewijzigd"] == (after["Oordeel"] != before["Oordeel"])).all()


@pytest.mark.parametrize(("maat", "column"), [("per_10000", "Stand per 10.000 inwoners"),
                                              ("pct_taakstelling", "% taakstelling"),
                                              ("achterstand", "Stand eind")])
def test_the_ranking_puts_the_furthest_behind_first(v, beoordeling, maat, column):
    data = v.ranglijst(periode="2024-H1", maat=maat).data
    assert data[column].is_monotonic_increasing and list(data["Rang"]) == list(range(1, 13))
    rows = beoordeling[beoordeling["periode"] == "2024-H1"]
    measure = {"per_10000": rows["stand_eind"] / rows["inwoners"],
               "pct_taakstelling": rows["pct_taakstelling"], "achterstand": rows["stand_eind"]}
    assert data["Gemeentecode"].iloc[0] == rows.loc[measure[maat].astype(float).idxmin(),
                                                    "gemeente_code"]
    assert (data["Achterstand"] == (-data["Stand eind"]).clip(lower=0)).all()


@pytest.mark.parametrize(("call", "message"), [
    (lambda v: v.gemeente("Foo"), "gemeente: 'Foo' is geen gemeente in de gegevens"),
    (lambda v: v.gemeente("Amsterdam"), "gemeente: 'Amsterdam' is geen gemeente in de gegevens"),
    (lambda v: v.periode("2030-H1"),
     "periode: geen gegevens voor 2030-H1 (beschikbaar: 2022-H1 t/m 2025-H2)"),
    (lambda v: v.periode("morgen"),
     "periode: 'morgen' is geen periode (verwacht bijvoorbeeld '1e helft 2024')"),
    (lambda v: v.gemeente("De Wolden", "2030-H1"), "periode: geen gegevens voor 2030-H1"),
    (lambda v: v.vergelijk("2024-H1", "2030-H2"), "naar: geen gegevens voor 2030-H2"),
    (lambda v: v.vergelijk("", "2024-H1"), "van: geef een halfjaar"),
    (lambda v: v.ranglijst(maat="inwoners"), "maat: 'inwoners' is geen maat voor een ranglijst"),
    (lambda v: v.kiezer("Foo"), "gemeente: 'Foo' is geen gemeente in de gegevens"),
])
def test_a_bad_argument_is_refused_in_the_command_lines_words(v, call, message):
    with pytest.raises(Refused) as refused:
        call(v)
    assert str(refused.value).startswith(message)


def test_no_computation_is_refused_in_dutch(tmp_path):
    with pytest.raises(Refused, match="verwerkte gegevens ontbreken"):
        verkenning.laad(tmp_path)


def test_the_charts_are_the_pages_charts(v, beoordeling):
    rows = beoordeling[(beoordeling["gemeente_code"] == "GM1690")
                       & (beoordeling["periode"] <= "2024-H1")].sort_values("periode")
    drawn = v.gemeente("De Wolden", "2024-H1").grafiek()
    assert [chart.alt for chart in drawn] == [
        charts.stand_verloop(rows, "De Wolden", "2024-H1").alt,
        charts.taakstelling_realisatie(rows, "De Wolden", "2024-H1").alt]
    assert "Op 1 juli 2024: -13, een achterstand van 13." in drawn[0].alt
    alts = {name: [chart.alt for chart in result.grafiek()] for name, result in {
        "stand": v.stand, "periode": v.periode("2024-H1"), "ranglijst": v.ranglijst("2024-H1"),
        "vergelijk": v.vergelijk("2024-H1", "2025-H1")}.items()}
    assert [alt.split(":")[0] for alt in alts["stand"]] == ["Heatmap", "Staafdiagram"]
    assert "totale stand van alle gemeenten in Drenthe" in alts["stand"][1]
    assert [alt.split(":")[0] for alt in alts["periode"]] == ["Liggend staafdiagram",
                                                               "Tegelkaart"]
    assert alts["ranglijst"] == alts["periode"][:1]
    assert "1e helft 2024 tot en met 1e helft 2025" in alts["vergelijk"][0]
    assert '<img src="data:image/png;base64,' in drawn._repr_html_()


def test_a_workbook_says_what_it_is_with_dutch_headers_and_number_formats(v, tmp_path):
    import openpyxl

    result = v.vergelijk("2024-H1", "2025-H1")
    path = result.naar_excel(tmp_path / "vergelijking.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["vergelijking.xlsx"]  # nothing left over
    sheet = openpyxl.load_workbook(path).active
    first = sheet["A1"].value
    for part in ("De 1e helft 2025 vergeleken met de 1e helft 2024", "beoordelingskader Drenthe",
                 "kennisdatum", "berekend op"):
        assert part in first, part
    headers = [cell.value for cell in sheet[3]]
    assert headers == list(result.data.columns)
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 12
    wolden = dict(zip(headers, next(r for r in rows if r[0] == "GM1690"), strict=True))
    assert wolden["Verschil stand eind"] == 6 and wolden["Oordeel gewijzigd"] == "ja"
    assert wolden["Verschil % taakstelling"] == pytest.approx(25 / 21 - 23 / 26)
    formats = {header: sheet.cell(row=4, column=n).number_format
               for n, header in enumerate(headers, start=1)}
    assert formats["Verschil % taakstelling"] == "0.0%"
    assert formats["Verschil stand eind"] == "#,##0"
    ranking = v.ranglijst("2024-H1").naar_excel(tmp_path / "ranglijst.xlsx")
    sheet = openpyxl.load_workbook(ranking).active
    headers = [cell.value for cell in sheet[3]]
    assert sheet.cell(row=4, column=headers.index("Stand per 10.000 inwoners") + 1
                      ).number_format == "#,##0.0"
    with pytest.raises(Refused, match="geen Excel-bestand"):
        result.naar_excel(tmp_path / "vergelijking.csv")


def test_the_chooser_redraws_the_chosen_municipality(v):
    chooser = v.kiezer("1690", "1e helft 2024")
    municipality, half_year = chooser.children[0].children
    output = chooser.children[1]
    assert (municipality.value, half_year.value) == ("GM1690", "2024-H1")
    shown = output.outputs[0]["data"]["text/html"]
    assert "De Wolden: stand per halfjaar, tot en met 1e helft 2024" in shown
    assert 'alt="Staafdiagram: stand van De Wolden' in output.outputs[1]["data"]["text/html"]
    municipality.value = "GM0106"
    half_year.value = "2023-H2"
    assert len(output.outputs) == 2
    assert "Assen: stand per halfjaar, tot en met 2e helft 2023" in output.outputs[0]["data"][
        "text/html"]
    assert [label for label, _ in half_year.options][:2] == ["1e helft 2022", "2e helft 2022"]
