"""The index pages: ``reports/index.html`` across the periods and each period's ``index.html``,
true after a run, after ``excel`` or ``brieven`` on their own, and with markup in what they
show; and ``run --datum`` for the letters."""

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from docx import Document

from analysis.cli import ExitCode, main
from analysis.config import KADERS_DIR, RAW_DIR
from analysis.domain.periods import datum_tekst
from analysis.report import notebooks
from analysis.report.brieven import write
from analysis.report.index import index_html, write_overzicht, write_record
from tests.conftest import instant_page

STARTED = dt.date.today()


def made_today(text: str) -> str:
    """The date a page made in this test run shows, found in ``text``: the day the tests
    started or today (a run may cross midnight); the first of them if neither is there."""
    days = dict.fromkeys([datum_tekst(STARTED), datum_tekst(dt.date.today())])
    return next((day for day in days if day in text), next(iter(days)))
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


class Page(HTMLParser):
    """The tags, links, header cells and text of a page."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])

    def handle_data(self, data):
        self.text.append(data)
        if self.rows and data.strip():
            self.rows[-1].append(data.strip())

    @property
    def shown(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))

    def links(self) -> list[str]:
        return [attrs[name] for _, attrs in self.tags for name in ("href", "src")
                if name in attrs]


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def assert_accessible(page: Page) -> None:
    tags = [tag for tag, _ in page.tags]
    assert ("html", {"lang": "nl"}) in page.tags
    assert "title" in tags and "caption" in tags
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)


def assert_links_resolve(page_path: Path) -> None:
    """Every link of the page is relative and names a file that is there."""
    for link in read(page_path).links():
        parsed = urlparse(link)
        assert not parsed.scheme and not parsed.netloc, link
        assert (page_path.parent / unquote(parsed.path)).is_file(), link


def cli(*args: str) -> int:
    return main(list(args))


@pytest.fixture(scope="module")
def project(sample_run, tmp_path_factory):
    """Two runs on the sample into one reports folder: the session's run of 2024-H1 with
    letters dated 19 November 2024 (copied), then 2025-H1 (its report pages made at once)."""
    folder = tmp_path_factory.mktemp("perioden") / "p"
    shutil.copytree(sample_run, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notebooks, "execute", instant_page)
        patch.setattr(notebooks, "warm_up", lambda: None)
        # its letters without PDFs: 2024-H1's letters, from the session's run, have them
        patch.setattr(write, "to_pdf", lambda documents, folder: ([], None))
        assert cli("run", "--periode", "2025-H1", "--raw", str(RAW_DIR), "--processed",
                   str(folder / "processed"), "--reports", str(folder / "reports"),
                   "--jobs", "2") == 0
    return folder


@pytest.fixture
def copy(project, tmp_path):
    """A copy of the project, for commands that change it."""
    shutil.copytree(project, tmp_path / "p")
    return tmp_path / "p"


def args(folder: Path, command: str, *extra: str) -> list[str]:
    return [command, "--raw", str(RAW_DIR), "--processed", str(folder / "processed"),
            "--reports", str(folder / "reports"), *extra]


def test_the_index_across_periods_lists_both_runs_newest_first(project):
    reports = project / "reports"
    page = read(reports / "index.html")
    assert_accessible(page)
    body = [row for row in page.rows if row and "helft" in row[0]]
    assert [row[0] for row in body] == ["1e helft 2025", "1e helft 2024"]
    for row in body:
        month = "juni " + row[0][-4:]  # the last month of a first half-year
        assert row[1:8] == ["definitief", made_today(row[2]), month, "Drenthe", "Drenthe", "13",
                            "Overzicht"], row
    hrefs = page.links()
    for periode in ("2025-H1", "2024-H1"):
        assert f"{periode}/index.html" in hrefs and f"{periode}/overzicht.html" in hrefs
        assert f"{periode}/GS-samenvatting-{periode}.xlsx" in hrefs
    assert hrefs.index("2025-H1/index.html") < hrefs.index("2024-H1/index.html")
    assert "mislukt" not in page.shown


def test_every_link_of_the_index_pages_resolves_and_none_leaves_the_folder(project):
    reports = project / "reports"
    pages = [reports / "index.html", *reports.glob("*/index.html")]
    assert len(pages) == 3
    for path in pages:
        assert_links_resolve(path)
    links = read(reports / "2024-H1" / "index.html").links()
    pdfs = len(list((reports / "2024-H1" / "brieven").glob("*.pdf")))
    assert "../index.html" in links and len(links) == 13 + 1 + 1 + 12 + pdfs


def test_a_period_index_gives_date_figures_status_province_and_kader(project):
    path = project / "reports" / "2024-H1" / "index.html"
    source = path.read_text(encoding="utf-8")
    page = Page(source)
    assert_accessible(page)
    assert ("<title>Drenthe, 1e helft 2024 — toezicht huisvesting vergunninghouders</title>"
            in source)
    today = made_today(page.shown)
    assert (f"Gemaakt op {today}, met wat bekend was op 19 november 2024; cijfers t/m juni "
            "2024; definitief.") in page.shown
    assert "beoordelingskader Drenthe" in page.shown
    assert "<h1>Drenthe, 1e helft 2024</h1>" in source
    assert ["De Wolden", "Taakstelling niet gehaald, achterstand"] in page.rows
    assert "2024-H2" not in page.shown and "2025" not in page.shown.replace(today, "")
    assert "2026" not in page.shown.replace(today, "")


def test_run_datum_dates_the_letters_and_is_recorded(project):
    folder = project / "reports" / "2024-H1"
    text = [p.text for p in Document(folder / "brieven" / "Brief 2024-H1 De Wolden.docx")
            .paragraphs]
    assert "Assen, 19 november 2024" in text
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["brieven"]["datum"] == "2024-11-19" and record["brieven"]["docx"] == 12
    later = json.loads((project / "reports" / "2025-H1" / "run.json").read_text())
    assert later["brieven"]["datum"] == dt.date.today().isoformat()


@pytest.mark.parametrize("datum", ["2024-06-30", "2024-01-01", "morgen", "2024-13-01",
                                   "31-11-2024", "2024-11-19<script>"])
def test_run_refuses_a_letters_date_before_the_peildatum_or_no_date(tmp_path, capsys, datum):
    code = cli(*args(tmp_path, "run", "--periode", "2024-H1", "--datum", datum))
    assert code == ExitCode.INVOER
    err = capsys.readouterr().err
    assert err.startswith("--datum: ") and "Traceback" not in err
    assert ("vóór de peildatum 1 juli 2024" in err) == datum.startswith("2024-0")
    assert not (tmp_path / "processed").exists() and not (tmp_path / "reports").exists()


def test_run_without_a_period_refuses_a_date_before_the_default_ones_peildatum(tmp_path,
                                                                               capsys):
    code = cli(*args(tmp_path, "run", "--datum", "2020-01-01"))
    assert code == ExitCode.INVOER
    assert capsys.readouterr().err.startswith("--datum: op 1 januari 2020 was nog geen "
                                              "taakstelling bekend")
    assert not list((tmp_path / "processed").glob("*.parquet"))
    assert not [p for p in (tmp_path / "reports").rglob("*") if p.is_file()]


def test_excel_on_its_own_updates_the_record_and_both_indexes(copy, capsys):
    folder = copy / "reports" / "2024-H1"
    before = json.loads((folder / "run.json").read_text())
    (folder / "GS-samenvatting-2024-H1.xlsx").unlink()
    write_record(folder, before)  # as if the workbook had never been made
    write_overzicht(copy / "reports")
    assert "GS-samenvatting" not in " ".join(read(folder / "index.html").links())
    assert "2024-H1/GS-samenvatting-2024-H1.xlsx" not in read(copy / "reports" / "index.html"
                                                               ).links()
    # the folder holds what was known on 19 November 2024; the processed folder was last
    # computed for the 2025-H1 run, today
    assert cli(*args(copy, "excel", "--periode", "2024-H1")) == ExitCode.INVOER
    assert "de rapportages hierin geven wat bekend was op 19 november 2024" in \
        capsys.readouterr().err
    assert cli("bereken", "--processed", str(copy / "processed"), "--datum", "2024-11-19") == 0
    assert cli(*args(copy, "excel", "--periode", "2024-H1")) == 0
    assert "index.html bijgewerkt" in capsys.readouterr().out
    after = json.loads((folder / "run.json").read_text())
    assert [step["onderdeel"] for step in after["bijgewerkt"]] == ["excel"]
    assert after["bijgewerkt"][0]["beoordelingskader"] == "Drenthe"
    assert dt.datetime.fromisoformat(after["bijgewerkt"][0]["tijd"]).date() == dt.date.today()
    assert {k: v for k, v in after.items() if k != "bijgewerkt"} == before
    page = read(folder / "index.html")
    assert "GS-samenvatting-2024-H1.xlsx" in page.links()
    assert f"De Excel-samenvatting is apart gemaakt op {made_today(page.shown)}" in page.shown
    assert "2024-H1/GS-samenvatting-2024-H1.xlsx" in read(copy / "reports" / "index.html"
                                                           ).links()
    assert_links_resolve(folder / "index.html")


def test_brieven_on_their_own_update_the_record_and_the_index(copy, without_pdfs):
    folder = copy / "reports" / "2024-H1"
    shutil.rmtree(folder / "brieven")
    write_record(folder, json.loads((folder / "run.json").read_text()))
    assert "Geen brieven gemaakt." in read(folder / "index.html").shown
    # letters of another date than the folder's pages are refused
    assert cli("bereken", "--processed", str(copy / "processed"), "--datum", "2024-12-02") == 0
    assert cli(*args(copy, "brieven", "--periode", "2024-H1")) == ExitCode.INVOER
    assert not (folder / "brieven").exists()
    assert cli("bereken", "--processed", str(copy / "processed"), "--datum", "2024-11-19") == 0
    assert cli(*args(copy, "brieven", "--periode", "2024-H1", "--datum", "2024-11-19")) == 0
    record = json.loads((folder / "run.json").read_text())
    assert record["brieven"]["datum"] == "2024-11-19" and record["brieven"]["docx"] == 12
    assert record["bijgewerkt"][-1]["onderdeel"] == "brieven"
    assert record["bijgewerkt"][-1]["datum"] == "2024-11-19"
    page = read(folder / "index.html")
    docx = [link for link in page.links() if link.endswith(".docx")]
    assert len(docx) == 12 and "brieven/Brief%202024-H1%20Assen.docx" in docx
    assert "gedateerd 19 november 2024" in page.shown
    assert_links_resolve(folder / "index.html")
    assert not list(folder.glob(".*")) and not list((copy / "reports").glob(".*"))


def test_excel_for_a_period_no_run_made_writes_a_minimal_index(copy):
    reports = copy / "reports"
    assert cli(*args(copy, "excel", "--periode", "2e helft 2024")) == 0
    folder = reports / "2024-H2"
    record = json.loads((folder / "run.json").read_text())
    assert (record["periode"], record["provincie"], record["notebooks"]) == (
        "2024-H2", "Drenthe", [])
    page = read(folder / "index.html")
    assert_accessible(Page((folder / "index.html").read_text().replace(
        "<p>Voor deze periode", "<table><caption>x</caption><tr><th scope=col>x</th></tr>"
        "</table><p>Voor deze periode")))
    assert "Voor deze periode zijn (nog) geen rapportages gemaakt." in page.shown
    assert "GS-samenvatting-2024-H2.xlsx" in page.links()
    top = read(reports / "index.html")
    rows = [row[0] for row in top.rows if row and "helft" in row[0]]
    assert rows == ["1e helft 2025", "2e helft 2024", "1e helft 2024"]
    assert "2024-H2/overzicht.html" not in top.links()
    assert_links_resolve(reports / "index.html")


@pytest.mark.parametrize("content", ["{niet: json", "[]", '{"periode": "2023-H1"}', ""])
def test_excel_refuses_a_run_json_it_cannot_read_and_writes_nothing(copy, capsys, content):
    folder = copy / "reports" / "2024-H1"
    (folder / "run.json").write_text(content)
    (folder / "GS-samenvatting-2024-H1.xlsx").unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert cli(*args(copy, "excel", "--periode", "2024-H1")) == ExitCode.INVOER
    err = capsys.readouterr().err
    assert err.startswith(f"{folder / 'run.json'}: niet te lezen") and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("command", ["excel", "brieven"])
def test_a_folder_of_another_province_is_refused_and_kept(copy, capsys, command):
    folder = copy / "reports" / "2024-H1"
    record = json.loads((folder / "run.json").read_text())
    (folder / "run.json").write_text(json.dumps(record | {"provincie": "Friesland"}))
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(*args(copy, command, "--periode", "2024-H1")) == ExitCode.INVOER
    assert "rapportages van Friesland, niet van Drenthe" in capsys.readouterr().err
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()} == before


def test_excel_is_refused_while_a_run_holds_the_lock(copy, capsys):
    import os

    (copy / "reports" / ".lock").write_text(str(os.getppid()))
    before = (copy / "reports" / "index.html").read_bytes()
    assert cli(*args(copy, "excel", "--periode", "2024-H1")) == ExitCode.BEZET
    assert "er loopt al een run" in capsys.readouterr().err
    assert (copy / "reports" / "index.html").read_bytes() == before


def test_a_newer_failed_attempt_is_mentioned_an_older_one_not(copy):
    reports = copy / "reports"
    newer = reports / f"2024-H1.mislukt-{dt.datetime.now() + dt.timedelta(minutes=2):%Y%m%d-%H%M}"
    older = reports / "2025-H1.mislukt-20000101-0000"
    for attempt in (newer, older):
        attempt.mkdir()
        (attempt / "index.html").write_text("poging")
    (reports / "2023-H2.mislukt-20000101-0000").mkdir()
    write_overzicht(reports)
    page = read(reports / "index.html")
    assert "1e helft 2024: de poging van" in page.shown
    assert "de gepubliceerde versie in de tabel is ouder" in page.shown
    assert "2e helft 2023: de poging van 1 januari 2000 om 00.00 uur is mislukt" in page.shown
    assert "er is nog geen gepubliceerde versie" in page.shown
    assert "1e helft 2025: de poging" not in page.shown
    assert f"{newer.name}/index.html" in page.links()
    assert [row[0] for row in page.rows if row and "helft" in row[0]] == [
        "1e helft 2025", "1e helft 2024"]  # a failed attempt is no row
    assert_links_resolve(reports / "index.html")


HOSTILE = [SCRIPT, IMG, '"><svg onload=alert(1)>', "' onmouseover='alert(1)",
           "<a href=javascript:alert(1)>x</a>", "&lt;b&gt; & <b>vet</b>"]


def assert_harmless(page: Page, planted: list[str]) -> None:
    assert not [tag for tag, _ in page.tags if tag in ("script", "svg", "img", "b", "i")]
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs
                if name.startswith("on")]
    assert not [link for link in page.links() if ":" in link]
    for text in planted:
        assert text in page.shown, text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markup_in_a_record_is_shown_as_text_on_both_pages(tmp_path, hostile):
    reports = tmp_path / "reports"
    folder = reports / "2024-H1"
    folder.mkdir(parents=True)
    record = {"periode": "2024-H1", "provincie": f"Drenthe{hostile}",
              "beoordelingskader": f"{hostile}kader", "gemaakt_op": "2026-12-01T08:00:00",
              "gepubliceerd": True, "mislukt": [],
              "notebooks": [{"naam": f"{hostile}Assen", "html": "javascript:alert(1)",
                             "status": "gelukt", "oordeel": f"Op orde{hostile}",
                             "kleur": "red;background:url(x)"}],
              "brieven": {"opmerkingen": [f"let op {hostile}"]},
              "bijgewerkt": [{"onderdeel": hostile, "tijd": hostile, "datum": hostile}]}
    write_record(folder, record)
    write_overzicht(reports)
    period = read(folder / "index.html")
    assert_harmless(period, [f"Drenthe{hostile}", f"{hostile}kader", f"{hostile}Assen",
                             f"Op orde{hostile}"])
    assert "let op" not in (folder / "index.html").read_text()  # staff notes: run.json only
    assert "background:#ffffff" in (folder / "index.html").read_text()
    assert "url(x)" not in (folder / "index.html").read_text()
    assert_harmless(read(reports / "index.html"), [f"Drenthe{hostile}", f"{hostile}kader"])


def test_a_hostile_kader_reaches_both_pages_as_text(computed, tmp_path):
    """A province's own kader with markup in its name, through bereken and excel."""
    kader = tmp_path / "kader.toml"
    kader.write_text(re.sub(r'^naam = "(.*)"$', lambda m: f'naam = "{SCRIPT}{m[1]}{IMG}"',
                            (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8"),
                            flags=re.MULTILINE), encoding="utf-8")
    shutil.copytree(computed, tmp_path / "processed")
    assert cli("bereken", "--raw", str(RAW_DIR), "--processed", str(tmp_path / "processed"),
               "--kader", str(kader)) == 0
    assert cli(*args(tmp_path, "excel", "--periode", "2024-H1")) == 0
    name = f"{SCRIPT}Drenthe{IMG}"
    for path in (tmp_path / "reports" / "index.html",
                 tmp_path / "reports" / "2024-H1" / "index.html"):
        assert_harmless(read(path), [name])
        assert_links_resolve(path)


def test_an_old_record_without_the_new_fields_still_gives_a_page(tmp_path):
    """A run.json written before the index noted its date, status and ratings."""
    folder = tmp_path / "2024-H1"
    folder.mkdir()
    record = {"periode": "2024-H1", "provincie": "Drenthe", "beoordelingskader": "Drenthe",
              "gepubliceerd": True, "mislukt": [],
              "berekening": {"periodes": {"laatste_volledige": "2025-H1"},
                             "cijfers_tot": "2025-10-01"},
              "notebooks": [{"naam": "Assen", "html": "gemeente-GM0106.html",
                             "status": "gelukt"}],
              "brieven": {"docx": 0, "pdf": 0, "opmerkingen": [], "details": []}}
    (folder / "run.json").write_text(json.dumps(record))
    page = Page(index_html(record, folder))
    assert "cijfers t/m juni 2024; definitief." in page.shown
    assert f"Gemaakt op {made_today(page.shown)}" in page.shown  # when run.json was written
    record["berekening"]["periodes"]["laatste_volledige"] = "2023-H2"
    record["periode"] = "2025-H2"
    assert "cijfers t/m september 2025; voorlopig" in Page(index_html(record, folder)).shown
