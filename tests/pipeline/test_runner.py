"""The reporting run end to end on the sample: notebooks, HTML, index, run.json, lock (a run
that fails: test_hostile_run)."""

import json
import os
import re

import openpyxl
import papermill
import pytest

from analysis.cli import ExitCode
from analysis.config import RAW_DIR
from analysis.pipeline import run as runner
from analysis.report.notebooks import execute, export_html

SHAPES = r"V[0-9]{10}|HH[0-9A-F]{8}"  # the person-level export's registratienummer, huishouden


@pytest.fixture(scope="module")
def published_run(sample_run):
    """The session's run of the sample (2024-H1): its record and its reports folder."""
    reports = sample_run / "reports"
    return json.loads((reports / "2024-H1" / "run.json").read_text()), reports


def test_every_report_is_published_with_its_record(published_run):
    record, reports = published_run
    published = reports / "2024-H1"
    outcomes = {o["naam"]: o["status"] for o in record["notebooks"]}
    assert len(outcomes) == 13 and set(outcomes.values()) == {"gelukt"}
    assert record["gepubliceerd"] is True and record["mislukt"] == []
    assert len(list(published.glob("gemeente-GM*.html"))) == 12
    assert (published / "overzicht.html").is_file()
    assert (published / "GS-samenvatting-2024-H1.xlsx").is_file()
    index = (published / "index.html").read_text()
    assert index.count('.html">') - index.count('href="../index.html"') == 13
    assert "(mislukt)" not in index
    assert 'href="GS-samenvatting-2024-H1.xlsx"' in index
    assert len(list((published / "brieven").glob("Brief 2024-H1 *.docx"))) == 12
    assert 'href="brieven/Brief%202024-H1%20De%20Wolden.docx"' in index
    assert record["brieven"]["docx"] == 12
    assert {"ingest", "berekenen", "notebooks", "totaal"} <= set(record["tijden_seconden"])
    assert len(record["invoer"]) == 61 and record["versies"]["pandas"]
    assert not list(reports.glob(".*"))  # no staging folder, no lock left behind


def test_reports_show_the_letter_without_code(published_run):
    _, reports = published_run
    page = (reports / "2024-H1" / "gemeente-GM1690.html").read_text()
    assert "Stand op 1 juli 2024</th><td>-13</td>" in page
    assert "Verschoond: eenmalig anders toezicht" in page
    assert page.count("<img") == 3
    assert "views.gemeente(" not in page  # code cells are left out
    assert "(beoordelingskader Drenthe)" in page
    assert "2024-H2" not in page and "2025-H1" not in page  # nothing after the period
    overview = (reports / "2024-H1" / "overzicht.html").read_text()
    assert "2024-H2" not in overview
    assert "Oordelen volgens het beoordelingskader Drenthe." in overview


def test_no_personal_data_in_any_output(published_run):
    _, reports = published_run
    sheet = openpyxl.load_workbook(RAW_DIR / "tvs" / "TVS_export_huisvestingen_2022-2025.xlsx",
                                   read_only=True)["Export"]
    ids = {str(v) for row in sheet.iter_rows(min_row=6, max_col=2, values_only=True)
           for v in row if v}
    assert len(ids) > 1000
    # every id has one of two shapes, so each place it could stand is a match of SHAPES: one
    # pass over a file finds every id in it (a search per id took a minute)
    assert all(re.fullmatch(SHAPES, i) for i in ids)
    starts = re.compile(f"(?=({SHAPES}))")
    produced = [p for p in reports.rglob("*") if p.is_file()]
    produced += [p for p in (reports.parent / "processed").rglob("*") if p.is_file()]
    for path in produced:
        content = path.read_bytes().decode("utf-8", errors="ignore")
        assert not ids.intersection(starts.findall(content)), path.name


def test_notebook_parameters_match_what_the_runner_passes(tmp_path):
    for task in runner.tasks("2024-H1", "Drenthe", ["GM1690"], tmp_path)[:2]:
        declared = papermill.inspect_notebook(task.notebook)
        assert set(declared) == set(task.parameters), task.notebook
        assert all(isinstance(v, str) for v in task.parameters.values())


def test_a_second_run_is_refused_while_one_holds_the_lock(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / ".lock").write_text(str(os.getppid()))
    from analysis.cli import main

    code = main(["run", "--raw", str(RAW_DIR), "--processed", str(tmp_path / "p"),
                 "--reports", str(reports)])
    assert code == ExitCode.BEZET
    assert "er loopt al een run" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_the_same_inputs_give_the_same_html(published_run, tmp_path):
    _, reports = published_run
    processed = reports.parent / "processed"
    task = runner.tasks("2024-H1", "Drenthe", ["GM1690"], processed)[1]
    for folder in ("a", "b"):
        (tmp_path / folder / "notebooks").mkdir(parents=True)
        outcome = execute(task, str(tmp_path / folder))
        assert outcome.status == "gelukt"
        export_html(outcome, tmp_path / folder)
    assert (tmp_path / "a" / task.html).read_bytes() == (tmp_path / "b" / task.html).read_bytes()


def test_the_index_page_escapes_what_it_shows(tmp_path):
    from analysis.report.index import index_html

    (tmp_path / "brieven").mkdir()
    (tmp_path / "brieven" / "Brief 2024-H1 <b>.docx").write_bytes(b"")
    record = {"periode": "2024-H1", "provincie": "Drenthe", "beoordelingskader": "Drenthe & co",
              "notebooks": [{"naam": "<i>Assen</i>", "html": "gemeente-GM0106.html",
                             "status": "gelukt", "oordeel": "<script>alert(1)</script>",
                             "kleur": "red;background:url(x)"}],
              "brieven": {"opmerkingen": ["<img src=x onerror=alert(1)>"]},
              "gemaakt_op": "2026-12-01T08:00:00"}
    page = index_html(record, tmp_path)
    assert "<script>" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Drenthe &amp; co" in page
    assert "background:#ffffff" in page and "url(x)" not in page
    assert 'href="brieven/Brief%202024-H1%20%3Cb%3E.docx"' in page


def test_a_report_about_2024_h1_shows_nothing_later(published_run):
    """As known on: pages and workbook about 2024-H1 stop at 2024-H1 (of the next half-year
    only its taakstelling, in the letter's words), and mark 2024-H1 itself."""
    _, reports = published_run
    published = reports / "2024-H1"
    for page in [published / "overzicht.html", *published.glob("gemeente-GM*.html")]:
        text = re.sub(r"data:[a-z/.+-]+(;charset=utf-8)?;base64,[A-Za-z0-9+/=]+", "",
                      page.read_text())  # charts and downloads
        text = text.replace("Volgend meetpunt: 1 januari 2025.", "")  # a date, not a figure
        assert "2024-H2" not in text and "2025" not in text, page.name
    overview = (published / "overzicht.html").read_text()
    assert "Besluiten in deze periode" in overview and overview.count("verschoning") == 1
    assert 'data-label="Gemeente" >alle gemeenten</td>' in overview  # one row for all
    de_wolden = (published / "gemeente-GM1690.html").read_text()
    assert "Taakstelling 2e helft 2024</th><td>24 (+achterstand 13) =37</td>" in de_wolden
    marked_row = re.search(r"#T_historie_row(\d)_col0[^{]*\{\s*font-weight: bold", de_wolden)
    assert marked_row and marked_row.group(1) == "4"  # the fifth half-year, 2024-H1, marked
    book = openpyxl.load_workbook(published / "GS-samenvatting-2024-H1.xlsx")
    for sheet, column in (("Historie", 3), ("Verschillen", 3)):
        periods = {row[column - 1] for row in book[sheet].iter_rows(min_row=2, values_only=True)}
        assert periods and max(periods) <= "2024-H1", sheet
    marked = [row[0].font.bold for row in book["Historie"].iter_rows(min_row=2)
              if row[2].value == "2024-H1"]
    assert marked and all(marked)


def test_the_workbook_gives_gs_the_key_figures_and_decisions(published_run):
    _, reports = published_run
    book = openpyxl.load_workbook(reports / "2024-H1" / "GS-samenvatting-2024-H1.xlsx")
    figures = dict(book["Kerncijfers"].iter_rows(min_row=2, values_only=True))
    overview = list(book["Overzicht"].iter_rows(min_row=2, max_row=13, values_only=True))
    ends = [row[6] for row in overview]
    assert figures["Stand van de provincie (personen)"] == sum(ends) == -157
    assert figures["Totale achterstand (personen)"] == -sum(e for e in ends if e < 0)
    assert figures["Oordeel: Op orde"] == 2  # Coevorden and Noordenveld, ahead and met
    assert figures["Zonder vastgelegde trede"] == 12  # the sample records no rungs
    decisions = list(book["Besluiten"].iter_rows(min_row=2, values_only=True))
    assert [row[1:4] for row in decisions] == [(None, "alle gemeenten", "verschoning")]
    assert decisions[0][4] in (None, "")  # its own kenmerk is not public
