"""Products state what was known on their date: the De Wolden letters and pages of the sample at
several dates, a closing overview marked voorlopig, and another province's kader as a scenario.
"""

import datetime as dt
import shutil

import openpyxl
import pytest
from docx import Document

from analysis.cli import main
from analysis.compute import berekening
from analysis.config import RAW_DIR
from analysis.pipeline.publicatie import letters_due
from analysis.report.views import gemeente, provincie
from analysis.storage import read_table


def known_on(computed, tmp_path, datum: str, *extra: str):
    """A copy of the sample's processed folder computed as known on ``datum``."""
    processed = tmp_path / f"processed-{datum}"
    shutil.copytree(computed, processed)
    assert main(["bereken", "--processed", str(processed), "--datum", datum, *extra]) == 0
    return processed


@pytest.fixture(scope="module")
def op_15_juli(computed, tmp_path_factory):
    """The sample as known on 15 July 2024, before the verschoning. Read it, never change it."""
    return known_on(computed, tmp_path_factory.mktemp("bekend"), "2024-07-15")


@pytest.fixture(scope="module")
def zuid_holland(computed, tmp_path_factory):
    """The sample as known on 19 November 2024, judged by Zuid-Holland's kader. Read it."""
    return known_on(computed, tmp_path_factory.mktemp("bekend"), "2024-11-19", "--kader",
                    "zuid-holland")


def letter(processed, tmp_path, periode: str, datum: str, naam: str = "De Wolden") -> str:
    reports = tmp_path / f"reports-{datum}"
    assert main(["brieven", "--processed", str(processed), "--reports", str(reports),
                 "--periode", periode, "--datum", datum]) == 0
    path = reports / periode / "brieven" / f"Brief {periode} {naam}.docx"
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_a_letter_dated_before_the_verschoning_does_not_mention_it(op_15_juli,
                                                                 computed_op_briefdatum,
                                                                 tmp_path, without_pdfs):
    text = letter(op_15_juli, tmp_path, "2024-H1", "2024-07-15")
    assert "Assen, 15 juli 2024" in text and "Realisatie 1e helft 2024: 23" in text
    assert "verschoning" not in text.lower()
    later = letter(computed_op_briefdatum, tmp_path, "2024-H1", "2024-11-19")
    assert "Wij hebben besloten tot verschoning" in later


def test_letters_for_another_date_than_the_computation_are_refused(op_15_juli, tmp_path,
                                                                   capsys):
    processed = op_15_juli
    code = main(["brieven", "--processed", str(processed), "--reports", str(tmp_path / "r"),
                 "--periode", "2024-H1", "--datum", "2024-11-19"])
    assert code == 2 and not (tmp_path / "r").exists()
    assert ("de berekende gegevens geven wat bekend was op 15 juli 2024; een brief van 19 "
            "november 2024 noemt alleen wat toen bekend was") in capsys.readouterr().err


def test_page_and_letter_of_one_date_cite_the_same_taakstelling(computed, tmp_path,
                                                                without_pdfs):
    """On 1 February 2025 the 2025-H1 taakstelling was 25; it was revised to 21 on 14 March."""
    processed = known_on(computed, tmp_path, "2025-02-01")
    line = "Taakstelling 1e helft 2025: 25 (+achterstand 11) =36"
    assert line in gemeente("De Wolden", "2024-H2", processed).blok.splitlines()
    assert line in letter(processed, tmp_path, "2024-H2", "2025-02-01").splitlines()
    assert read_table(processed, "stand").query("periode == '2025-H1'")["taakstelling"].sum() \
        > 0


def test_no_letter_pastes_a_label_into_a_sentence(computed_op_briefdatum, tmp_path,
                                                  without_pdfs):
    processed = computed_op_briefdatum
    reports = tmp_path / "reports"
    assert main(["brieven", "--processed", str(processed), "--reports", str(reports),
                 "--periode", "2024-H1", "--datum", "2024-11-19"]) == 0
    for path in sorted((reports / "2024-H1" / "brieven").glob("*.docx")):
        text = "\n".join(p.text for p in Document(path).paragraphs)
        assert "luidt ons oordeel" not in text and "Voor het toezicht betekent dit" in text
        assert "Volgens de cijfers van het COA per 1 juli 2024" in text


def test_a_closing_overview_marked_voorlopig_makes_the_period_voorlopig(tmp_path, without_pdfs):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    closing = raw / "coa" / "COA_realisatie_taakstelling_2024-07-01.xlsx"
    closing.rename(closing.with_name("COA_realisatie_taakstelling_2024-07-01_voorlopig.xlsx"))
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    assert main(["bereken", "--processed", str(processed), "--datum", "2024-11-19"]) == 0
    stand = read_table(processed, "stand")
    assert set(stand.loc[stand["periode"] == "2024-H1", "status"]) == {"voorlopig"}
    assert set(stand.loc[stand["periode"] == "2023-H2", "status"]) == {"definitief"}
    text = letter(processed, tmp_path, "2024-H1", "2024-11-19")
    assert "Volgens de voorlopige cijfers van het COA per 1 juli 2024" in text
    assert main(["excel", "--processed", str(processed), "--reports", str(reports),
                 "--periode", "2024-H1"]) == 0
    sheet = openpyxl.load_workbook(reports / "2024-H1" / "GS-samenvatting-2024-H1.xlsx")[
        "Toelichting"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert cells["Status"].startswith("voorlopig: het afsluitende overzicht van het COA")
    assert cells["Kennisdatum"].startswith("19 november 2024")
    index = (reports / "2024-H1" / "index.html").read_text(encoding="utf-8")
    assert "voorlopig: het afsluitende overzicht van het COA is voorlopig" in index
    banner = "<strong>Voorlopig.</strong> Het afsluitende overzicht van het COA is voorlopig"
    assert banner in gemeente("De Wolden", "2024-H1", processed).kop.data
    assert banner in provincie("Drenthe", "2024-H1", processed).kop.data
    assert "Voorlopig" not in gemeente("De Wolden", "2023-H2", processed).kop.data


def test_another_provinces_kader_is_a_scenario_without_letters(zuid_holland, tmp_path, capsys):
    processed = zuid_holland
    code = main(["brieven", "--processed", str(processed), "--reports", str(tmp_path / "r"),
                 "--periode", "2024-H1", "--datum", "2024-11-19"])
    assert code == 2 and not (tmp_path / "r").exists()
    assert "Scenario: beoordeeld met het beoordelingskader van Zuid-Holland, niet met dat van " \
           "Drenthe" in capsys.readouterr().err
    page = gemeente("De Wolden", "2024-H1", processed)
    assert page.scenario.startswith("Scenario: beoordeeld met het beoordelingskader van "
                                    "Zuid-Holland")


def test_another_provinces_kader_gives_the_run_no_letters(zuid_holland, computed_op_briefdatum):
    """What the run asks before it writes letters (the whole run: the heavy case below)."""
    processed = zuid_holland
    why = letters_due(berekening.load(processed), "2024-H1", "Drenthe", dt.date(2024, 11, 19))
    assert why.startswith("brieven niet gemaakt: Scenario: beoordeeld met het "
                          "beoordelingskader van Zuid-Holland, niet met dat van Drenthe")
    own = berekening.load(computed_op_briefdatum)
    assert letters_due(own, "2024-H1", "Drenthe", dt.date(2024, 11, 19)) is None


@pytest.mark.zwaar
def test_a_run_with_another_provinces_kader_writes_no_letters(tmp_path):
    reports = tmp_path / "reports"
    assert main(["run", "--periode", "2024-H1", "--datum", "2024-11-19", "--kader",
                 "zuid-holland", "--processed", str(tmp_path / "processed"), "--reports",
                 str(reports), "--jobs", "2"]) == 0
    assert not list((reports / "2024-H1").glob("brieven/*.docx"))
    overview = (reports / "2024-H1" / "overzicht.html").read_text(encoding="utf-8")
    assert "Scenario: beoordeeld met het beoordelingskader van Zuid-Holland" in overview
