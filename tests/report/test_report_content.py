"""What the report pages show: Dutch figures, downloadable tables, links between pages, the
overview's totals and national share, a municipality's decisions and next half-year, and the
notebooks' parameters in any spelling the command line takes."""

import dataclasses
import html
import io
import re
import subprocess
import sys
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import papermill
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.config import NOTEBOOKS_DIR
from analysis.domain.periods import MONTHS_NL
from analysis.domain.resultaten import resultaten_regels
from analysis.formatting import als_tekst, getal, procent
from analysis.problems import Refused
from analysis.report import begrippen, downloads, gs_samenvatting, tabellen, terminal, views
from analysis.report.totalen import totalen

FORMULAS = ["=HYPERLINK(\"http://x\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1",
            "=1\x07\x00"]
HOSTILE_NAMES = ['"><script>alert(1)</script>.csv', "a/b\\c:d*e?f[g]h", "x" * 40, "", "'"]


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "places", "text"), [
    (12000, 0, "12.000"), (-13, 0, "-13"), (0, 0, "0"), (-0.2, 0, "0"), (1234567.891, 2,
     "1.234.567,89"), (6.75, 1, "6,8"), (None, 0, ""), (float("nan"), 0, ""), (pd.NA, 0, ""),
    (float("inf"), 0, "")])
def test_numbers_are_written_the_dutch_way(value, places, text):
    assert getal(value, places) == text


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_any_whole_number_reads_back_without_its_dots(number):
    text = getal(number)
    assert int(text.replace(".", "")) == number
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*", text)


def test_a_change_is_written_with_its_sign_when_asked():
    assert [getal(v, teken=True) for v in (18, -1250, 0, -0.2, 0.4, 1250.0)] == [
        "+18", "-1.250", "0", "0", "0", "+1.250"]
    assert getal(18) == "18" and getal(18, 1, teken=True) == "+18,0"


def test_a_whole_number_is_written_exactly_and_numpy_numbers_too():
    assert getal(10**17 + 1) == "100.000.000.000.000.001"
    assert getal(np.int64(-1250)) == "-1.250" and getal(np.float64(6.25), 1) == "6,2"
    assert getal(pd.NaT) == "" and getal(np.nan) == ""


def test_the_number_formats_do_not_load_pandas():
    code = ("import sys; import analysis.formatting as f; "
            "assert f.getal(12000) == '12.000' and f.procent(0.5) == '50 %'; "
            "assert f.getal(float('nan')) == '' and f.getal(None) == ''; "
            "assert 'pandas' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_percentages_as_the_letters_write_them():
    assert procent(0.88) == "88 %" and procent(0.155, 1) == "15,5 %" and procent(None) == ""
    assert procent(12.5) == "1.250 %"


def test_a_table_as_text_writes_every_kind_of_cell():
    frame = pd.DataFrame({"n": [12000, -5], "p": [0.5, None], "j": [True, False],
                          "d": pd.to_datetime(["2024-11-19", None]), "t": ["x", None]})
    shown = als_tekst(frame, procenten=["p"])
    assert shown.to_dict("list") == {"n": ["12.000", "-5"], "p": ["50 %", ""], "j": ["ja", "nee"],
                                     "d": ["19-11-2024", ""], "t": ["x", ""]}


# --- downloads --------------------------------------------------------------------------------

def test_csv_opens_in_dutch_excel_and_reads_back():
    frame = pd.DataFrame({"Gemeente": ["De Wolden", "Ëmmen; \"x\""], "Stand": [-13, 2],
                          "Pad": [6.5, 12.25]})
    content = downloads.csv_bytes(frame)
    assert content.startswith(b"\xef\xbb\xbf") and b"6,5" in content and b";" in content
    back = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, frame)


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_text_like_a_formula_stays_text(formula):
    frame = pd.DataFrame({"Reden": [formula], "Stand": [-13]})
    back = pd.read_csv(io.BytesIO(downloads.csv_bytes(frame)), sep=";", encoding="utf-8-sig")
    assert back["Reden"][0] == "'" + formula and back["Stand"][0] == -13  # a number keeps its sign
    book = openpyxl.load_workbook(io.BytesIO(downloads.excel_bytes({"Tabel": frame})))
    cell = book["Tabel"]["A2"]
    assert cell.data_type == "s" and cell.value == formula.replace("\x07", "").replace(
        "\x00", "")
    assert book["Tabel"]["B2"].value == -13


def test_the_excel_file_has_a_sheet_per_table_and_is_the_same_each_time():
    tables = {"Gemeenten": pd.DataFrame({"a": [1]}), "Besluiten/Historie": pd.DataFrame(
        {"b": ["x"]}), "x" * 40: pd.DataFrame({"c": [2.5]})}
    first, second = downloads.excel_bytes(tables), downloads.excel_bytes(tables)
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.sheetnames == ["Gemeenten", "Besluiten Historie", "x" * 31]
    assert zipfile.ZipFile(io.BytesIO(first)).testzip() is None


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_sheet_names_excel_accepts(name):
    used = {"Tabel"}
    chosen = [downloads.bladnaam(name, used) for _ in range(3)]
    assert len(set(chosen)) == 3
    for sheet in chosen:
        assert 0 < len(sheet) <= 31 and not set(sheet) & set("[]:*?/\\'")
    book = openpyxl.Workbook()
    for sheet in chosen:
        book.create_sheet(sheet)  # openpyxl refuses what Excel refuses


@pytest.mark.parametrize("name", HOSTILE_NAMES[:2])
def test_a_download_link_is_one_escaped_data_link(name):
    link = downloads.csv_link(pd.DataFrame({"a": ["<b>"]}), name).data
    assert "<script" not in link and 'href="data:text/csv;charset=utf-8;base64,' in link
    assert f'download="{html.escape(name, quote=True)}"' in link
    assert ">Download als CSV</a>" in link
    assert downloads.bestandsnaam("GM1690", "1e helft 2024") == "gm1690-1e-helft-2024"


# --- tables and links -------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["javascript:alert(1).html", "../index.html",
                                  "http://x.nl/a.html", "a.html?x=1", "a b.html", "gemeente.htm"])
def test_a_link_goes_only_to_a_page_beside_it(page):
    with pytest.raises(ValueError):
        tabellen.koppeling(page, "x")


def test_a_table_escapes_its_cells_and_cuts_nothing_short():
    long = "<script>alert(1)</script>" + "lange reden " * 20
    frame = pd.DataFrame({"Gemeente": ["x"], "Reden": [long]})
    frame["Gemeente"] = pd.Series([tabellen.koppeling("gemeente-GM1690.html", "<i>x</i>")],
                                  dtype=object)
    shown = tabellen.Tabel("T", "<b>bijschrift</b>", frame, frame, "t.csv")._repr_html_()
    assert "<script>" not in shown and html.escape(long, quote=False) in shown.replace(
        "&#39;", "'")
    assert '<a href="gemeente-GM1690.html">&lt;i&gt;x&lt;/i&gt;</a>' in shown
    assert "<caption>&lt;b&gt;bijschrift&lt;/b&gt;</caption>" in shown
    assert "…" not in shown and "Download als CSV" in shown


# --- the pages' contents, on the sample -------------------------------------------------------

@pytest.mark.parametrize("code", ["De Wolden", "GM1690", "1690", "de wolden"])
@pytest.mark.parametrize("periode", ["1e helft 2024", "2024-H1", "H1 2024"])
def test_a_municipality_by_name_or_number_and_any_period_spelling(computed, code, periode):
    page = views.gemeente(code, periode, computed)
    assert (page.code, page.periode) == ("GM1690", "2024-H1")
    assert page.kop.data.startswith("<h2>De Wolden, 1e helft 2024</h2>")


@pytest.mark.parametrize(("code", "periode", "words"), [
    ("Atlantis", "2024-H1", "gemeente_code: 'Atlantis' is geen gemeente"),
    ("GM0363", "2024-H1", "gemeente_code: 'GM0363' is geen gemeente"),
    ("De Wolden", "2030-H1", "periode: geen gegevens voor 2030-H1"),
    ("De Wolden", "derde helft 2024", "periode: 'derde helft 2024' is geen periode")])
def test_an_unknown_municipality_or_period_is_refused_in_dutch(computed, code, periode, words):
    with pytest.raises(Refused, match=re.escape(words)):
        views.gemeente(code, periode, computed)


def test_the_overview_links_every_municipality_and_adds_them_up(computed):
    overview = views.provincie("drenthe", "1e helft 2024", computed)
    table = overview.tabel()
    rows = overview.beoordeling[overview.beoordeling["periode"] == "2024-H1"]
    total = table.data.iloc[-1]
    assert total["Gemeente"] == "Totaal provincie" and len(table.data) == len(rows) + 1
    for column, name in (("stand_eind", "Stand eind"), ("taakstelling", "Taakstelling")):
        assert total[name] == rows[column].sum()
    shown = table._repr_html_()
    for code in rows["gemeente_code"]:
        assert f'<a href="gemeente-{code}.html">' in shown
    assert {"Trede", "Advies", "Verschoning"} <= set(table.data.columns)
    assert "2024-H1" not in shown and "1e helft 2024" in shown


def test_a_running_half_year_is_left_out_of_the_closing_totals():
    rows = pd.DataFrame({"gemeente_code": ["A", "B", "C"], "stand_begin": [0, -5, 3],
                         "taakstelling": [10, 20, 0], "opgave": [10, 25, -3],
                         "realisatie": [4, 30, 1], "stand_eind": [-6, 5, 4],
                         "volledig": [True, True, False]})
    sums = totalen(rows)
    assert (sums.gemeenten, sums.taakstelling, sums.realisatie, sums.stand_eind) == (3, 30, 35, 3)
    assert not sums.volledig and sums.stand_eind_afgesloten == -1 and sums.totaalopgave == 35
    assert (sums.standen.achterstand, sums.standen.met_achterstand, sums.standen.voorsprong,
            sums.standen.met_voorsprong) == (6, 1, 9, 2)
    assert sums.pct_taakstelling() == 116.7 and sums.pct_totaalopgave() == 100.0
    assert totalen(rows.assign(taakstelling=0, opgave=0)).pct_taakstelling() is None


def test_every_product_shows_the_same_province_total(computed, tmp_path):
    result = views.berekening(computed)
    overview = views.provincie("Drenthe", "2024-H1", computed)
    page = overview.tabel().data.iloc[-1]
    figures = overview.kerncijfers["Waarde"]
    text = terminal.stand_table(result.table("stand"), "2024-H1").splitlines()[-1].split()
    book = openpyxl.load_workbook(gs_samenvatting.write_summary(
        tmp_path / "gs.xlsx", result, "2024-H1", "Drenthe"))
    sheet = book["Overzicht"]
    excel_total = [c.value for c in sheet[sheet.max_row]]
    assert excel_total[1] == "Totaal" and text[0] == "Totaal"
    assert (page["Stand eind"] == figures["Stand van de provincie (personen)"]
            == excel_total[6] == int(text[5]))
    assert page["Taakstelling"] == excel_total[3] == int(text[2])
    assert (page["% taakstelling"], page["% totaalopgave"]) == pytest.approx(
        (100 * excel_total[7], 100 * excel_total[8]))


def test_the_overview_shows_the_share_of_the_national_taakstelling(computed):
    overview = views.provincie("Drenthe", "2024-H1", computed)
    national = overview.landelijk["landelijk_totaal"]
    own = int(overview.beoordeling.query("periode == '2024-H1'")["taakstelling"].sum())
    text = overview.landelijk_tekst.data
    assert getal(national) in text and getal(own) in text
    assert procent(own / national, 1) in text and "landelijk percentage" in text


def test_the_pace_is_at_the_latest_peildatum_of_the_period(computed):
    overview = views.provincie("Drenthe", "2025-H2", computed)
    pace = overview.tempo_tabel().data
    assert len(pace) == 12 and pace["Cijfers t/m"].nunique() == 1
    tempo = views.berekening(computed).table("tempo").query("periode == '2025-H2'")
    last = tempo["peildatum"].max() - pd.offsets.MonthBegin(1)
    assert pace["Cijfers t/m"].iloc[0] == f"{MONTHS_NL[last.month - 1]} {last.year}"
    latest = tempo[tempo["peildatum"] == tempo["peildatum"].max()]
    assert pace["Realisatie"].sum() == latest["realisatie_tot_nu"].sum()


def test_a_half_year_with_all_its_months_in_has_no_projected_end_stand(computed):
    overview = views.provincie("Drenthe", "2025-H2", computed)
    assert (overview.tempo_per_gemeente["maanden"] == 6).all()
    columns = list(overview.tempo_tabel().data.columns)
    assert "Prognose stand eind" not in columns and "Realisatie tot nu" not in columns
    assert "Achterstand weg in (prognose)" in columns
    text = overview.tempo_uitleg.data
    assert "Alle zes maanden" in text and "als het tempo zo blijft" not in text
    cleared = overview.tempo_tabel().data.set_index("Gemeente")["Achterstand weg in (prognose)"]
    ended = overview.tabel().data.set_index("Gemeente")
    assert ended.loc["Assen", "Stand begin"] < 0 <= ended.loc["Assen", "Stand eind"]
    assert cleared["Assen"] == "2e helft 2025"  # gone in this half-year, not a later one
    assert pd.isna(cleared["Borger-Odoorn"])  # never behind


def test_a_half_year_still_running_shows_its_pace_as_a_projection(computed):
    overview = views.provincie("Drenthe", "2025-H2", computed)
    tempo = views.berekening(computed).table("tempo").query("periode == '2025-H2'")
    third = tempo[tempo["maanden"] == 3]
    running = dataclasses.replace(overview, tempo_per_gemeente=third)
    data = running.tempo_tabel().data
    assert {"Realisatie tot nu", "Prognose stand eind"} <= set(data.columns)
    assert data["Realisatie tot nu"].sum() == third["realisatie_tot_nu"].sum()
    text = running.tempo_uitleg.data
    assert "als het tempo zo blijft" in text and "geen oordeel" in text


def test_a_municipality_page_shows_its_decisions_and_its_next_half_year(computed):
    page = views.gemeente("GM1690", "2024-H1", computed)
    decided = page.besluiten_tabel().data
    assert list(decided.columns) == ["Datum", "Geldt voor", "Soort", "Kenmerk", "Trede", "Reden"]
    assert "verschoning" in set(decided["Soort"])
    assert set(decided.loc[decided["Soort"] == "verschoning", "Geldt voor"]) == {"alle gemeenten"}
    assert (decided["Datum"] <= pd.Timestamp("2025-01-01")).all()
    line = resultaten_regels(page.historie.pipe(lambda h: pd.concat(
        [h, views.berekening(computed).table("beoordeling").query(
            "gemeente_code == 'GM1690' and periode == '2024-H2'")])), "GM1690", "2024-H1")[-1]
    opgave = line.rsplit("=", 1)[1]
    assert f"<strong>{opgave}</strong>" in page.vooruitblik.data
    assert "taakstellingstabel van" in page.vooruitblik.data
    book = openpyxl.load_workbook(io.BytesIO(__import__("base64").b64decode(
        re.search(r"base64,([^\"]+)", page.excel().data)[1])))
    assert book.sheetnames == [t.naam for t in page.tabellen()]


def test_the_glossary_names_every_term_once():
    full, short = begrippen.begrippen(), begrippen.begrippen(kort=True)
    assert full["Begrip"].is_unique and set(short["Begrip"]) < set(full["Begrip"])
    assert {"Stand", "Achterstand", "Voorsprong", "Taakstelling", "Opgave", "Realisatie",
            "Peildatum", "Verschoning", "Interventieladder", "Trede", "Advies"} <= set(
        full["Begrip"])


def test_the_municipality_notebook_takes_a_name_and_the_letters_period(computed, tmp_path):
    """The municipality notebook run as a user would in JupyterLab, in a kernel of its own
    (the exploring notebooks, with a number, are run by tests/verkenning/test_notebooks.py)."""
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "gemeente.ipynb"),
                               str(tmp_path / "gemeente.ipynb"),
                               parameters={"gemeente_code": "De Wolden",
                                           "periode": "1e helft 2024", "processed": str(computed)},
                               kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS_DIR))
    executed = (tmp_path / "gemeente.ipynb").read_text()
    assert "De Wolden, 1e helft 2024" in executed
    assert "Stand op 1 juli 2024</th><td>-13</td>" in executed


def test_with_every_municipality_the_overview_gives_the_national_percentage(computed):
    overview = views.provincie("Drenthe", "2024-H1", computed)
    whole = overview.landelijk.copy()
    whole["heel_nederland"] = True
    overview.landelijk = whole
    text = overview.landelijk_tekst.data
    share = procent(whole["realisatie_in_gegevens"] / whole["taakstelling_in_gegevens"])
    assert f"landelijk is <strong>{share}</strong>" in text and "volgt daar niet uit" not in text
