"""What a province really holds: COA's monthly overviews are enough; a person-level export, when
present, adds month detail, and where it disagrees with COA the difference is listed."""

import shutil

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.cli import main
from analysis.compute import berekening
from analysis.compute.coa_verschillen import telling_verschillen
from analysis.compute.stromen import coa_maanden, periode_realisatie
from analysis.config import RAW_DIR
from analysis.report import charts, views
from analysis.report.gs_samenvatting import write_summary
from analysis.storage import read_table
from tests.seed_letter import DE_WOLDEN


def overview(rows):
    """COA overview rows: (gemeente, peildatum, periode, gerealiseerd so far in the period)."""
    return pd.DataFrame(rows, columns=["gemeente_code", "peildatum", "periode", "gerealiseerd"]
                        ).assign(peildatum=lambda f: pd.to_datetime(f["peildatum"]),
                                 bron_bestand="coa/x.xlsx")


def test_months_follow_from_the_cumulative_overviews():
    months = coa_maanden(overview([
        ("GM1690", "2024-02-01", "2024-H1", 4), ("GM1690", "2024-03-01", "2024-H1", 9),
        ("GM1690", "2024-05-01", "2024-H1", 15),  # the overview of 1 April is missing
        ("GM1690", "2024-07-01", "2024-H1", 23), ("GM1690", "2024-08-01", "2024-H2", 2),
        ("GM1690", "2024-01-01", "2023-H2", 30)]))
    found = {(f"{m:%Y-%m}", r) for m, r in zip(months["maand"], months["realisatie"],
                                               strict=True)}
    assert found == {("2023-12", 30), ("2024-01", 4), ("2024-02", 5), ("2024-04", 6),
                     ("2024-06", 8), ("2024-07", 2)}


def test_the_closing_overview_is_the_official_realisatie():
    months = pd.DataFrame({"gemeente_code": ["GM1690"] * 3, "periode": ["2024-H1"] * 2
                           + ["2024-H2"], "realisatie": [10, 12, 5]})
    closing = overview([("GM1690", "2024-07-01", "2024-H1", 23)])
    by_coa = periode_realisatie(months, closing).set_index("periode")["realisatie"]
    assert by_coa.to_dict() == {"2024-H1": 23, "2024-H2": 5}  # H2 still running: the months
    by_own = periode_realisatie(months, closing, "gemeente").set_index("periode")["realisatie"]
    assert by_own.to_dict() == {"2024-H1": 22, "2024-H2": 5}


def test_a_person_level_count_that_differs_from_coa_is_listed():
    persons = pd.DataFrame({"gemeente_code": ["GM1690", "GM1690", "GM1699"],
                            "periode": ["2024-H1", "2024-H1", "2024-H1"],
                            "realisatie": [12, 10, 30]})
    closing = overview([("GM1690", "2024-07-01", "2024-H1", 23),
                        ("GM1699", "2024-07-01", "2024-H1", 30)])
    listed = telling_verschillen(persons, closing)
    assert listed[["gemeente_code", "tvs_realisatie", "coa_realisatie", "verschil"]].to_dict(
        "records") == [{"gemeente_code": "GM1690", "tvs_realisatie": 22, "coa_realisatie": 23,
                        "verschil": -1}]


@pytest.fixture(scope="module")
def zonder_tvs(tmp_path_factory):
    """The sample as most provinces hold it: no person-level export."""
    folder = tmp_path_factory.mktemp("zonder-tvs")
    raw = folder / "raw"
    shutil.copytree(RAW_DIR, raw, ignore=shutil.ignore_patterns("tvs"))
    processed = folder / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    assert main(["bereken", "--raw", str(raw), "--processed", str(processed)]) == 0
    return raw, processed


def test_without_the_person_level_export_the_letter_block_is_the_seeds(zonder_tvs, capsys):
    _, processed = zonder_tvs
    assert read_table(processed, "realisatie_dag").empty
    code = main(["stand", "--processed", str(processed), "--gemeente", "De Wolden",
                 "--periode", "2024-H1"])
    assert (code, capsys.readouterr().out) == (0, DE_WOLDEN + "\n")


def test_without_it_every_table_is_what_the_export_gave(zonder_tvs, computed):
    _, processed = zonder_tvs
    for name in ("stand", "beoordeling", "coa_verschillen", "afstemming", "tempo"):
        # the same figures; only where each month's count came from differs
        assert_frame_equal(read_table(processed, name).drop(columns="realisatie_bron",
                                                            errors="ignore"),
                           read_table(computed, name).drop(columns="realisatie_bron",
                                                           errors="ignore"),
                           check_dtype=False, obj=name)
    assert read_table(computed, "telling_verschillen").empty  # the sample's sources agree


@pytest.mark.parametrize("command", [
    ["oordeel", "--periode", "2024-H1"], ["tempo", "--peildatum", "2025-10-01"],
    ["prognose", "--landelijk", "12000"], ["ingelezen"], ["excel"],
    ["brieven", "--periode", "2024-H1"]])
def test_without_it_every_command_works(zonder_tvs, tmp_path, capsys, command, without_pdfs):
    raw, processed = zonder_tvs
    code = main([*command, "--raw", str(raw), "--processed", str(processed),
                 *(["--reports", str(tmp_path)] if command[0] in ("excel", "brieven") else [])])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err


def test_without_it_the_summary_counts_what_coa_counted(zonder_tvs, computed, capsys):
    _, processed = zonder_tvs
    assert main(["ingelezen", "--processed", str(processed)]) == 0
    without = capsys.readouterr().out
    assert main(["ingelezen", "--processed", str(computed)]) == 0
    assert without == capsys.readouterr().out
    assert "GM1690  De Wolden        2022-H1 t/m 2025-H2          175        176" in without


def test_the_default_period_is_the_latest_complete_one(tmp_path, capsys):
    """Exports up to September 2025: 2025-H2 is still running, so commands default to 2025-H1."""
    raw = tmp_path / "raw"
    later = [f"COA_realisatie_taakstelling_{d}.xlsx" for d in ("2025-11-01", "2025-12-01",
                                                               "2026-01-01")]
    shutil.copytree(RAW_DIR, raw, ignore=shutil.ignore_patterns("tvs", "gemeenten", *later))
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    assert main(["bereken", "--raw", str(raw), "--processed", str(processed)]) == 0
    stand = read_table(processed, "stand").set_index(["gemeente_code", "periode"])
    assert stand["volledig"].groupby(level="periode").all().to_dict() == {
        **{f"{y}-H{h}": True for y in (2022, 2023, 2024, 2025) for h in (1, 2)},
        "2025-H2": False}
    capsys.readouterr()
    assert main(["stand", "--processed", str(processed)]) == 0
    assert capsys.readouterr().out.startswith("Stand per gemeente, 2025-H1\n")
    assert main(["stand", "--processed", str(processed), "--periode", "2025-H2"]) == 0
    assert capsys.readouterr().out.startswith("Stand per gemeente, 2025-H2\n")
    assert main(["stand", "--processed", str(processed), "--periode", "2025-H2", "--gemeente",
                 "De Wolden"]) == 0
    block = capsys.readouterr().out.splitlines()
    assert block[0] == "Resultaten gemeente De Wolden (voorlopig)"
    assert block[3].startswith("Realisatie 2e helft 2025 tot nu toe: ")
    assert block[-1] == ("De 2e helft 2025 loopt nog; de stand op 1 januari 2026 volgt uit het "
                         "COA-overzicht van die datum.")
    assert not any("gehaald" in line or "Stand op 1 januari 2026" in line for line in block)
    running = read_table(processed, "beoordeling").query("periode == '2025-H2'")
    assert set(running["oordeel_label"]) == {"Voorlopig: het halfjaar loopt nog"}
    assert set(running["advies"]) == {"lopend"}
    assert running["reden"].str.startswith("Het halfjaar loopt nog").all()
    page = views.gemeente("GM1690", "2025-H2", processed)
    assert "<strong>Voorlopig, cijfers t/m september 2025.</strong>" in page.kop.data
    assert "Voorlopig" not in views.gemeente("GM1690", "2025-H1", processed).kop.data
    assert len(charts.stand_verloop(page.historie, page.naam).figure.axes[0].patches) == 7
    table = page.tabel().weergave.set_index("Periode")
    assert table.loc["2e helft 2025", ["Stand eind", "% taakstelling", "Ontwikkeling"]].tolist(
        ) == ["", "", ""]
    assert table.loc["1e helft 2025", "Stand eind"] != ""
    book = openpyxl.load_workbook(write_summary(tmp_path / "gs.xlsx", berekening.load(processed),
                                                "2025-H2", "Drenthe"))
    labels = {row[0]: row[1] for row in book["Toelichting"].iter_rows(max_col=2, values_only=True)}
    assert labels["Status"].startswith("voorlopig: het halfjaar loopt nog")
    overview = list(book["Overzicht"].iter_rows(min_row=2, max_row=13, values_only=True))
    assert {row[6] for row in overview} == {None}  # no stand eind
    total = next(row for row in book["Overzicht"].iter_rows(min_row=14, values_only=True))
    assert total[1] == "Totaal" and total[6:9] == (None, None, None)  # nor percentages
    reports = tmp_path / "reports"
    assert main(["brieven", "--raw", str(raw), "--processed", str(processed), "--reports",
                 str(reports), "--periode", "2025-H2"]) == 2
    assert capsys.readouterr().err.startswith(
        "--periode: 2025-H2 loopt nog: het COA-overzicht van de peildatum 1 januari 2026 ontbreekt")
    assert not reports.exists()

