"""Published is published: a run that would change a figure of a published period publishes
version 2 and keeps version 1 beside it byte for byte; what changed is listed with its cause;
letters that were sent get a herziene brief, only where something changed. On the sample
without its person-level export (COA's overviews alone), run today: after the letters went out,
COA re-issues its overview of 1 July 2024 (definitief) with one more person housed in De
Wolden."""

import contextlib
import datetime as dt
import hashlib
import html
import io
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.domain.periods import datum_tekst
from analysis.report import notebooks
from analysis.report.publish import clear_leftovers
from tests.conftest import SAMPLE_PERIODE, instant_page

REISSUE = "coa/COA_realisatie_taakstelling_2024-07-01_definitief.xlsx"
TODAY = dt.date.today()


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its path, with its SHA-256."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def reissue(raw: Path) -> None:
    """COA's definitive re-issue of the 1 July 2024 overview: De Wolden housed 24, not 23. It
    names no date it was made, so it counts from the day the ingest first sees it."""
    book = openpyxl.load_workbook(raw / "coa" / "COA_realisatie_taakstelling_2024-07-01.xlsx")
    sheet = book["Realisatie per gemeente"]
    row = next(cells for cells in sheet.iter_rows() if cells[1].value == "De Wolden")
    assert (row[5].value, row[6].value) == (23, 13)
    row[5].value, row[6].value = 24, 12
    total = next(cells for cells in sheet.iter_rows() if cells[0].value == "Totaal")
    total[5].value, total[6].value = str(int(total[5].value) + 1), str(int(total[6].value) - 1)
    sheet["A4"], sheet["B4"] = "Versie", "definitief"
    book.save(raw / REISSUE)


def cli(folder: Path, *extra: str) -> int:
    """A run of 2024-H1 dated today."""
    return main(["run", "--periode", SAMPLE_PERIODE, "--raw", str(folder / "raw"),
                 "--processed", str(folder / "processed"), "--reports",
                 str(folder / "reports"), "--jobs", "2", *extra])


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """2024-H1 run today on the sample without its person-level export (version 1), run again
    unchanged, then after its letters were recorded as sent and COA re-issued its overview."""
    folder = tmp_path_factory.mktemp("versies")
    shutil.copytree(RAW_DIR, folder / "raw", ignore=shutil.ignore_patterns("tvs"))
    outputs = {}
    for step in ("eerste", "zelfde"):
        with contextlib.redirect_stdout(io.StringIO()) as shown:
            outputs[step] = (cli(folder), shown.getvalue())
        if step == "eerste":
            first = digest(folder / "reports" / SAMPLE_PERIODE)
    unchanged = digest(folder / "reports" / SAMPLE_PERIODE)
    settings = folder / "raw" / "brieven" / "brieven.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + f'\n[verzonden]\n"2024-H1" = {TODAY.isoformat()}\n',
                        encoding="utf-8")
    reissue(folder / "raw")
    # version 2's report pages are made at once: the tests read its index, list of changes,
    # workbook and letters, and version 1's real pages
    with contextlib.redirect_stdout(io.StringIO()) as shown, pytest.MonkeyPatch.context() as patch:
        patch.setattr(notebooks, "execute", instant_page)
        patch.setattr(notebooks, "warm_up", lambda: None)
        outputs["herzien"] = (cli(folder), shown.getvalue())
    return folder, first, unchanged, outputs


def test_version_1_makes_every_report_from_coas_overviews_alone(versions):
    folder, _, _, outputs = versions
    assert outputs["eerste"][0] == 0, outputs["eerste"][1]
    published = folder / "reports" / "2024-H1.versie-1"
    assert len(list(published.glob("gemeente-GM*.html"))) == 12
    page = (published / "gemeente-GM1690.html").read_text(encoding="utf-8")
    assert "Stand op 1 juli 2024</th><td>-13</td>" in page and page.count("<img") == 3
    assert "Realisatie 1e helft 2024 23: COA-overzicht per 1 juli 2024, blad 'Realisatie per " \
           "gemeente', rij 10" in html.unescape(page)


def test_a_run_that_changes_nothing_publishes_nothing_and_says_so(versions):
    _, first, unchanged, outputs = versions
    code, shown = outputs["zelfde"]
    lines = shown.splitlines()
    assert code == 0 and unchanged == first
    assert len(lines) == 1 and lines[0].startswith("Niets gewijzigd: versie 1 van Drenthe "
                                                   "2024-H1")


def test_version_2_is_published_and_version_1_stays_byte_identical(versions):
    folder, first, _, outputs = versions
    code, shown = outputs["herzien"]
    lines = shown.splitlines()
    assert code == 0, shown
    reports = folder / "reports"
    assert digest(reports / "2024-H1.versie-1") == first
    assert any(line.startswith("Versie 2 gepubliceerd: ") for line in lines), lines
    record = json.loads((reports / "2024-H1" / "run.json").read_text(encoding="utf-8"))
    assert record["versie"] == 2 and record["kennisdatum"] == TODAY.isoformat()
    assert record["vorige_versies"] == [{"versie": 1, "map": "2024-H1.versie-1",
                                         "kennisdatum": TODAY.isoformat()}]
    index = (reports / "2024-H1" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../2024-H1.versie-1/index.html">Versie 1</a>' in index
    assert '<a href="wijzigingen.html">wat is gewijzigd</a>' in index
    # each version keeps the register and the letters' settings it was made with
    settings = (RAW_DIR / "brieven" / "brieven.toml").read_bytes()
    assert (reports / "2024-H1.versie-1" / "instellingen" / "brieven.toml").read_bytes() == \
        settings
    assert (reports / "2024-H1" / "instellingen" / "brieven.toml").read_bytes().startswith(
        settings) and b"[verzonden]" not in settings
    assert (reports / "2024-H1" / "instellingen" / "toezichtsbesluiten.toml").read_bytes() == \
        (RAW_DIR / "besluiten" / "toezichtsbesluiten.toml").read_bytes()
    assert "definitief, versie 2" in (reports / "index.html").read_text(encoding="utf-8")


def test_the_changes_name_de_wolden_23_to_24_and_the_re_issue(versions):
    folder = versions[0] / "reports" / "2024-H1"
    page = (folder / "wijzigingen.html").read_text(encoding="utf-8")
    source = ("COA-overzicht per 1 juli 2024 (heruitgave 1, definitief), blad 'Realisatie per "
              "gemeente', rij 10")
    assert (f"<tr><th scope=\"row\">De Wolden</th><td>Realisatie 1e helft 2024</td><td>23</td>"
            f"<td>24</td><td>{source}</td></tr>") in html.unescape(page)
    sheet = openpyxl.load_workbook(folder / "GS-samenvatting-2024-H1.xlsx")["Wijzigingen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Gemeente", "Onderdeel", "Was", "Wordt", "Oorzaak")
    assert ("De Wolden", "Realisatie 1e helft 2024", "23", "24", source) in rows
    assert {row[0] for row in rows[1:]} == {"De Wolden"}
    changed = {row[1]: (row[2], row[3]) for row in rows[1:]}
    assert changed["Stand eind"] == ("-13", "-12")


def test_only_de_wolden_gets_a_herziene_brief_citing_the_letter_that_was_sent(versions):
    letters = versions[0] / "reports" / "2024-H1" / "brieven"
    assert [path.name for path in letters.glob("*.docx")] == [
        "Herziene brief 2024-H1 De Wolden.docx"]
    text = "\n".join(p.text for p in Document(letters / "Herziene brief 2024-H1 De Wolden.docx")
                     .paragraphs)
    assert (f"Op {datum_tekst(TODAY)} schreven wij u hoe de realisatie van de taakstelling in de "
            "eerste helft van 2024 in uw gemeente is verlopen (ons kenmerk 47/4.1/2024001652)"
            ) in text
    assert "Realisatie 1e helft 2024: was 23, is nu 24 (COA-overzicht per 1 juli 2024" in text
    assert "Realisatie 1e helft 2024: 24" in text and "Stand op 1 juli 2024: -12" in text


def test_a_version_set_aside_for_a_successor_that_never_came_is_current_again(tmp_path):
    (tmp_path / "2024-H1.versie-1").mkdir()
    (tmp_path / "2024-H1.versie-1" / "run.json").write_text("{}")
    clear_leftovers(tmp_path)
    assert (tmp_path / "2024-H1" / "run.json").is_file()
    assert not (tmp_path / "2024-H1.versie-1").exists()


def test_the_new_pages_pass_axe_core_in_chromium_and_print(versions, tmp_path):
    """wijzigingen.html and the index with its versions, as a reader's browser shows them."""
    from tests.report.test_pages_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium ontbreekt ({CHROMIUM}) onder CI")
        pytest.skip(f"Chromium ontbreekt ({CHROMIUM})")
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    folder = versions[0] / "reports" / "2024-H1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            for name in ("wijzigingen.html", "index.html"):
                page.goto((folder / name).as_uri(), wait_until="load")
                violations = Axe().run(page).response["violations"]
                assert violations == [], [(v["id"], v["help"]) for v in violations]
                assert page.evaluate("document.documentElement.lang") == "nl"
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
                assert page.pdf(format="A4").startswith(b"%PDF")
        finally:
            browser.close()
    print(f"schermafdrukken: {tmp_path}")


def test_the_workbook_made_again_on_its_own_keeps_its_version_and_changes(versions, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(versions[0], folder)
    workbook = folder / "reports" / "2024-H1" / "GS-samenvatting-2024-H1.xlsx"
    workbook.unlink()
    assert main(["excel", "--periode", "2024-H1", "--processed", str(folder / "processed"),
                 "--reports", str(folder / "reports")]) == 0
    book = openpyxl.load_workbook(workbook)
    assert ("De Wolden", "Realisatie 1e helft 2024", "23", "24") in [
        row[:4] for row in book["Wijzigingen"].iter_rows(values_only=True)]
    assert ("Versie", "2; wat gewijzigd is ten opzichte van versie 1: blad Wijzigingen") in [
        row[:2] for row in book["Toelichting"].iter_rows(values_only=True)]
