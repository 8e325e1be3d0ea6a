"""A second province end to end: the synthetic Groningen, run once with the Groningen kader
(``groningen_run``): a page and a letter for each of its ten municipalities, the herindeling
into Eemsdelta carried in the stands, the workbook and the letters in Groningen's name."""

import html
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document

from analysis.cli import main
from analysis.report.notebooks.plan import tasks
from analysis.report.views.gemeentepagina import gemeente
from analysis.sample import generate

TEN = {"GM0014": "Groningen", "GM0037": "Stadskanaal", "GM0047": "Veendam", "GM0765": "Pekela",
       "GM1895": "Oldambt", "GM1950": "Westerwolde", "GM1952": "Midden-Groningen",
       "GM1966": "Het Hogeland", "GM1969": "Westerkwartier", "GM1979": "Eemsdelta"}
PREDECESSORS = ["GM0003", "GM0010", "GM0024"]  # Appingedam, Delfzijl, Loppersum


def test_a_page_and_a_letter_for_each_of_the_ten_municipalities(groningen_run):
    published = groningen_run / "reports" / "2025-H2"
    assert {p.stem.removeprefix("gemeente-") for p in published.glob("gemeente-*.html")} == \
        set(TEN)
    assert (published / "overzicht.html").is_file()
    letters = {p.stem.removeprefix("Brief 2025-H2 ") for p in (published / "brieven").glob(
        "*.docx")}
    assert letters == set(TEN.values())  # none to Appingedam, Delfzijl or Loppersum


def test_eemsdelta_carries_its_predecessors_stand(groningen_run):
    stand = pd.read_parquet(groningen_run / "processed" / "stand.parquet").set_index(
        ["gemeente_code", "periode"])
    taken = sum(stand.loc[(code, "2020-H2"), "stand_eind"] for code in PREDECESSORS)
    eemsdelta = stand.loc[("GM1979", "2021-H1")]
    assert taken == -7
    assert (eemsdelta["stand_begin"], eemsdelta["overgenomen"]) == (taken, taken)
    assert not any((code, "2021-H1") in stand.index for code in PREDECESSORS)
    # the province's total stand does not change because of the herindeling
    totals = stand.groupby(level="periode")[["stand_begin", "stand_eind"]].sum()
    assert totals.loc["2021-H1", "stand_begin"] == totals.loc["2020-H2", "stand_eind"]
    coa = pd.read_parquet(groningen_run / "processed" / "coa_verschillen.parquet")
    assert coa.empty  # COA's first overview of Eemsdelta agrees


def test_the_workbook_names_groningen(groningen_run):
    book = openpyxl.load_workbook(groningen_run / "reports" / "2025-H2"
                                  / "GS-samenvatting-2025-H2.xlsx")
    first = [value for row in book.worksheets[0].values for value in row if value]
    assert first[0] == "Toezicht huisvesting vergunninghouders Groningen: samenvatting"
    assert "Groningen" in next(v for v in first if str(v).startswith("Groningen:"))


def test_a_letter_is_signed_by_the_executive_of_groningen(groningen_run):
    letter = Document(groningen_run / "reports" / "2025-H2" / "brieven"
                      / "Brief 2025-H2 Westerkwartier.docx")
    text = "\n".join(paragraph.text for paragraph in letter.paragraphs)
    assert "Gedeputeerde Staten van Groningen," in text
    assert "Drenthe" not in text
    assert text.lstrip().startswith("Groningen, 20 januari 2026")
    assert "trede 'indeplaatsstelling'" in text  # the rung the register recorded


@pytest.mark.zwaar
def test_the_real_pages_of_groningen(tmp_path):
    """The whole run with the real report pages (the kernel per page): Eemsdelta's page and the
    province's overview with its map."""
    generate(tmp_path / "raw", provincie="Groningen")
    code = main(["run", "--provincie", "Groningen", "--kader", "groningen", "--periode",
                 "2021-H1", "--datum", "2021-07-20", "--raw", str(tmp_path / "raw"),
                 "--processed", str(tmp_path / "processed"), "--reports",
                 str(tmp_path / "reports")])
    assert code == 0
    published = tmp_path / "reports" / "2021-H1"
    page = (published / "gemeente-GM1979.html").read_text(encoding="utf-8")
    assert "Eemsdelta" in page and "-7" in page
    overview = (published / "overzicht.html").read_text(encoding="utf-8")
    assert "Kaart van Groningen" in overview


def test_eemsdeltas_page_says_whose_stand_it_took_over(groningen_run):
    eemsdelta = gemeente("Eemsdelta", "2025-H2", groningen_run / "processed")
    assert eemsdelta.herindelingen == [
        "Herindeling: Eemsdelta nam op 1 januari 2021 de stand over van Appingedam, Delfzijl en "
        "Loppersum, samen -7; die zit in de stand op 1 januari 2021 (-7)."]
    assert eemsdelta.herindelingen[0] in html.unescape(eemsdelta.kop.data)
    assert gemeente("Westerkwartier", "2025-H2", groningen_run / "processed").herindelingen == []


def test_a_run_given_relative_folders_hands_the_pages_an_absolute_one(tmp_path, monkeypatch):
    """As ``make groningen`` runs it: the kernels do not start in the caller's folder."""
    monkeypatch.chdir(tmp_path)
    made = tasks("2025-H2", "Groningen", ["GM1979"], Path("verwerkt"))
    assert {task.parameters["processed"] for task in made} == {str(tmp_path / "verwerkt")}


def test_westerkwartiers_cohorts_follow_the_public_case(groningen_run):
    """Housed oldest first, 42 of the backlog of 2023-H1 are left on 1 January 2024 and 38 of
    that of 2023-H2 on 1 July 2024, each with the deadline and rung of GS's decision on it."""
    cohorts = pd.read_parquet(groningen_run / "processed" / "cohorten.parquet")
    mine = cohorts[cohorts["gemeente_code"] == "GM1969"].set_index(["periode", "cohort"])
    first, second = mine.loc[("2023-H2", "2023-H1")], mine.loc[("2024-H1", "2023-H2")]
    assert (first["resterend"], str(first["termijn"].date()), first["besluit"],
            first["trede"]) == (42, "2025-01-01", "VOORBEELD-GR/2024/017", "vooraankondiging")
    assert (second["resterend"], str(second["termijn"].date()), second["trede"]) == (
        38, "2025-04-01", "indeplaatsstelling")
    assert mine.loc[("2024-H1", "2023-H1"), "resterend"] == 0
    # the cohorts' remainders are the backlog, in every half-year of every municipality
    stand = pd.read_parquet(groningen_run / "processed" / "stand.parquet")
    left = cohorts.groupby(["gemeente_code", "periode"])["resterend"].sum()
    backlog = (-stand.set_index(["gemeente_code", "periode"])["stand_eind"]).clip(lower=0)
    assert left.reindex(backlog.index, fill_value=0).equals(backlog.astype(left.dtype))


def test_the_cohorts_on_the_page_in_the_workbook_and_in_the_letter(groningen_run):
    page = gemeente("Westerkwartier", "2024-H1", groningen_run / "processed")
    section = html.unescape(page.cohorten_sectie.data)
    assert "Achterstand per halfjaar van ontstaan" in section
    assert "2e helft 2023" in section and "38" in section and "1 april 2025" in section
    book = openpyxl.load_workbook(groningen_run / "reports" / "2025-H2"
                                  / "GS-samenvatting-2025-H2.xlsx")
    rows = [row for row in book["Cohorten"].values if "Westerkwartier" in row]
    assert [row for row in rows if 34 in row]  # 34 left of the backlog of 2025-H2
    letter = Document(groningen_run / "reports" / "2025-H2" / "brieven"
                      / "Brief 2025-H2 Westerkwartier.docx")
    text = "\n".join(paragraph.text for paragraph in letter.paragraphs)
    assert "Van de achterstand uit de 2e helft 2025 resteren nog 34; termijn 1 januari 2027." \
        in text
