"""Verantwoording as readers see it: the workbook's sheet, the municipality page and
``analysis herkomst`` name the same source for De Wolden's realisatie, on the sample without its
person-level export (COA's overviews alone)."""

import html
import shutil

import openpyxl
import pytest

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.report.views import gemeente

SOURCE = "COA-overzicht per 1 juli 2024, blad 'Realisatie per gemeente', rij 10"


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw-zonder-tvs")
    shutil.copytree(RAW_DIR, raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("tvs"))
    folder = tmp_path_factory.mktemp("processed")
    assert main(["ingest", "--raw", str(raw), "--processed", str(folder)]) == 0
    assert main(["bereken", "--processed", str(folder), "--datum", "2024-11-19"]) == 0
    return folder


def test_the_workbook_names_the_overview_for_de_woldens_realisatie(processed, tmp_path):
    assert main(["excel", "--processed", str(processed), "--reports", str(tmp_path),
                 "--periode", "2024-H1"]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "2024-H1" / "GS-samenvatting-2024-H1.xlsx")[
        "Verantwoording"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    mine = [r for r in records if r["Gemeente"] == "De Wolden"]
    realised = next(r for r in mine if r["Onderdeel"] == "Realisatie 1e helft 2024")
    assert realised["Waarde"] == 23 and realised["Bron"].startswith(SOURCE)
    assert realised["Bestand"] == "coa/COA_realisatie_taakstelling_2024-07-01.xlsx"
    assert (realised["Blad"], realised["Rij(en)"]) == ("Realisatie per gemeente", "10")
    assert len(realised["SHA-256 (begin)"]) == 12
    figures = [r["Onderdeel"] for r in mine]
    assert figures[:7] == ["Stand begin", "Taakstelling 1e helft 2024", "Achterstand", "Opgave",
                           "Realisatie 1e helft 2024", "Stand eind",
                           "Taakstelling 2e helft 2024"]
    assert [r["Waarde"] for r in mine[:7]] == [-10, 26, 10, 36, 23, -13, 24]
    decision = next(r for r in mine if r["Onderdeel"] == "Besluit")
    assert decision["Besluit (nr. in register)"] == 1 and "verschoning" in decision["Bron"]
    assert len({r["Code"] for r in records}) == 12


def test_the_page_and_the_terminal_say_the_same(processed, capsys):
    page = gemeente("De Wolden", "2024-H1", processed)
    assert f"Realisatie 1e helft 2024 23: {SOURCE}" in page.herkomst
    assert f"<li>Realisatie 1e helft 2024 23: {html.escape(SOURCE)}</li>" in (
        page.verantwoording.data)
    assert main(["herkomst", "--processed", str(processed), "--gemeente", "de wolden",
                 "--periode", "1e helft 2024"]) == 0
    shown = capsys.readouterr().out
    assert f"Realisatie 1e helft 2024 23: {SOURCE} (coa/COA_realisatie_taakstelling_2024-07-01" \
        in shown
    assert "Opgave 36: taakstelling 26 min stand begin (-10)" in shown


@pytest.mark.parametrize("arguments", [["--gemeente", "Atlantis"],
                                       ["--gemeente", "De Wolden", "--periode", "2031-H1"]])
def test_bad_arguments_exit_2_in_dutch(processed, capsys, arguments):
    assert main(["herkomst", "--processed", str(processed), *arguments]) == 2
    message = capsys.readouterr().err
    assert ("geen gemeente" in message or "geen gegevens voor 2031-H1" in message)
    assert "Traceback" not in message
