"""The kader's monthly signals in the products: as advies and no verdict on the pages and in the
GS workbook for a kader that has them (Limburg, as known on 10 February 2025), and nowhere for
one that has none (Drenthe)."""

import shutil

import openpyxl
import pytest

from analysis.cli import main
from analysis.compute import berekening
from analysis.report import views
from analysis.report.gs_samenvatting import write_summary

SIGNAAL = ("Signaal (advies volgens het beoordelingskader):</strong> Grote achterstand op 1 "
           "januari, te weinig gehuisvest in januari. Schrijf de gemeente aan over het tempo in "
           "januari.")
GEEN_OORDEEL = "Dit is geen oordeel: het halfjaar loopt nog."


@pytest.fixture(scope="module")
def limburg(computed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("limburg-signalen")
    shutil.copytree(computed, folder, dirs_exist_ok=True)
    assert main(["bereken", "--processed", str(folder), "--datum", "2025-02-10",
                 "--kader", "limburg"]) == 0
    return folder


def test_a_page_about_the_running_half_year_shows_its_signal_with_the_pace(limburg):
    emmen = views.gemeente("Emmen", "2025-H1", limburg)
    shown = emmen.signaal.data
    assert SIGNAAL in shown and GEEN_OORDEEL in shown
    assert ("Na de cijfers van januari 2025: stand aan het begin van de 1e helft 2025 -31, "
            "gehuisvest in januari 12 (in het halfjaar tot nu 12), lineair pad 23,0.") in shown
    assert "Signaal" not in emmen.vooruitblik.data  # the next half-year has no signals
    assert views.gemeente("Hoogeveen", "2025-H1", limburg).signaal is None


def test_a_page_about_the_complete_half_year_shows_the_next_ones_signal(limburg):
    emmen = views.gemeente("Emmen", "2024-H2", limburg)
    assert emmen.signaal is None  # its own half-year is complete: no signal, its rating stands
    ahead = emmen.vooruitblik.data
    assert SIGNAAL in ahead and GEEN_OORDEEL in ahead
    assert "Signaal" not in views.gemeente("Hoogeveen", "2024-H2", limburg).vooruitblik.data
    assert "Signaal" not in views.gemeente("Emmen", "2024-H1", limburg).vooruitblik.data


@pytest.mark.parametrize("periode", ["2024-H2", "2025-H1"])
def test_the_overview_lists_the_municipalities_with_a_signal(limburg, periode):
    shown = views.provincie("Drenthe", periode, limburg).signalen.data
    assert "Signalen (advies volgens het beoordelingskader) in de 1e helft 2025, die nog loopt:" \
        in shown
    assert "<li>Emmen, na de cijfers van januari 2025: Grote achterstand op 1 januari" in shown
    assert "<li>Tynaarlo, na de cijfers van januari 2025:" in shown
    assert shown.count("<li>") == 2 and GEEN_OORDEEL in shown
    assert views.provincie("Drenthe", "2024-H1", limburg).signalen is None


def test_the_workbook_has_the_signals_as_advice(limburg, tmp_path):
    path = write_summary(tmp_path / "gs.xlsx", berekening.load(limburg), "2024-H2", "Drenthe")
    book = openpyxl.load_workbook(path)
    rows = list(book["Signalen"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Code", "Gemeente", "Periode", "Na de cijfers van", "Signaal",
                           "Advies volgens het beoordelingskader")
    assert [(r[0], r[1], r[2], r[3].date().isoformat(), r[6], r[7], r[9]) for r in rows[1:]] == [
        ("GM0114", "Emmen", "1e helft 2025", "2025-01-01", -31, 12, 23),
        ("GM1730", "Tynaarlo", "1e helft 2025", "2025-01-01", -25, 3, 10)]
    cover = {r[0]: r[1] for r in book["Toelichting"].iter_rows(values_only=True)}
    assert "een advies, geen besluit. " + GEEN_OORDEEL in cover["Signalen"]


def test_a_kader_without_signals_shows_none(computed, tmp_path):
    result = berekening.load(computed)
    book = openpyxl.load_workbook(write_summary(tmp_path / "gs.xlsx", result, "2025-H2",
                                                "Drenthe"))
    assert "Signalen" not in book.sheetnames
    assert "Signalen" not in {r[0] for r in book["Toelichting"].iter_rows(values_only=True)}
    assert views.gemeente("Emmen", "2025-H2", computed).signaal is None
    assert views.provincie("Drenthe", "2025-H2", computed).signalen is None


def test_the_terminal_lists_the_months_signals(limburg, capsys):
    assert main(["tempo", "--processed", str(limburg), "--peildatum", "2025-02-01"]) == 0
    out = capsys.readouterr().out
    assert ("Signalen na de cijfers van 01-2025 (advies volgens het beoordelingskader; geen "
            "oordeel over het halfjaar):") in out
    assert "  Emmen: Grote achterstand op 1 januari" in out and "  Tynaarlo: " in out
