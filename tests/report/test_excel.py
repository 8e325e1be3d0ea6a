"""The Excel summary for Gedeputeerde Staten: sheets, values, formats, colours, no formulas."""

import datetime as dt
import os
import shutil

import openpyxl
import pandas as pd
import pytest

from analysis.cli import main
from analysis.compute import berekening
from analysis.compute.kader import load_kader
from analysis.config import NOTEBOOKS_DIR, RAW_DIR
from analysis.domain import gemeenten
from analysis.report.gs_samenvatting import OVERVIEW, write_summary
from tests.conftest import ingest_register

INJECTION = '=HYPERLINK("http://example.invalid","klik hier")'
ASSEN = """
[[besluit]]
soort = "plan_van_aanpak"
gemeente = "Assen"
status = "gevraagd"
datum = 2024-09-02
kenmerk = "PVA-1"
reden = "achterstand"
"""


@pytest.fixture(scope="module")
def processed(computed):
    return computed


@pytest.fixture(scope="module")
def workbook(processed, tmp_path_factory):
    path = tmp_path_factory.mktemp("gs") / "GS-samenvatting-2024-H1.xlsx"
    write_summary(path, berekening.load(processed), "2024-H1", "Drenthe")
    return openpyxl.load_workbook(path)


def test_sheets_and_the_de_wolden_row(workbook):
    assert workbook.sheetnames == ["Toelichting", "Overzicht", "Kerncijfers", "Besluiten",
                                   "Historie", "Verschillen", "Validatie", "Verantwoording",
                                   "Bronnen"]
    sheet = workbook["Overzicht"]
    header = [c.value for c in sheet[1]]
    assert header == OVERVIEW
    rows = {r[1]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    wolden = rows["De Wolden"]
    assert (wolden["Code"], wolden["Stand begin"], wolden["Taakstelling"], wolden["Opgave"],
            wolden["Realisatie"], wolden["Stand eind"]) == ("GM1690", -10, 26, 36, 23, -13)
    assert (wolden["Taakstelling volgend halfjaar"], wolden["Opgave volgend halfjaar"]) == (24, 37)
    assert wolden["% taakstelling"] == pytest.approx(23 / 26)
    assert "Verschoond: eenmalig anders toezicht" in wolden["Reden"]
    totals = rows["Totaal"]
    municipalities = [r for name, r in rows.items() if name != "Totaal"]
    assert len(municipalities) == 12
    assert totals["Stand eind"] == sum(r["Stand eind"] for r in municipalities)


def _records(sheet) -> list[dict]:
    """The sheet's rows under its header, as dicts."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_total_row_has_both_percentages_of_its_own_figures(workbook):
    *municipalities, total = _records(workbook["Overzicht"])
    assert total["Gemeente"] == "Totaal" and len(municipalities) == 12
    housed = sum(max(row["Opgave"], 0) for row in municipalities)  # the totaalopgave
    assert total["% taakstelling"] == pytest.approx(total["Realisatie"] / total["Taakstelling"],
                                                    abs=0.0005)
    assert total["% totaalopgave"] == pytest.approx(total["Realisatie"] / housed, abs=0.0005)
    assert 0 < total["% totaalopgave"] < 1 < total["% taakstelling"]  # not swapped
    cells = workbook["Overzicht"][workbook["Overzicht"].max_row]
    for cell in cells[7:9]:
        assert cell.data_type == "n" and cell.number_format == "0%"


def test_a_next_taakstelling_not_yet_known_says_so_and_a_known_one_is_a_number(
        workbook, processed, tmp_path):
    result = berekening.load(processed)
    latest = result.periodes[-1]  # nothing after it is known
    path = write_summary(tmp_path / "gs.xlsx", result, latest, "Drenthe")
    unknown = _records(openpyxl.load_workbook(path)["Overzicht"])
    known = _records(workbook["Overzicht"])
    assert len(unknown) == len(known) == 13  # the municipalities and Totaal
    for name in ("Taakstelling volgend halfjaar", "Opgave volgend halfjaar"):
        assert {row[name] for row in unknown} == {"nog niet bekend"}, name
        assert all(isinstance(row[name], int) for row in known), name
    assert known[-1]["Taakstelling volgend halfjaar"] == sum(
        row["Taakstelling volgend halfjaar"] for row in known[:-1])


def test_the_history_ends_at_the_period(workbook):
    periods = {row[2] for row in workbook["Historie"].iter_rows(min_row=2, values_only=True)}
    assert max(periods) == "2024-H1" and "2022-H1" in periods
    months = {row["Periode"] for row in _records(workbook["Verschillen"])}
    assert months and max(months) <= "2024-H1"


@pytest.fixture(scope="module")
def decided(processed, tmp_path_factory):
    """The workbook of a register with, beside the sample's verschoning for every municipality,
    a request to Assen for a plan van aanpak."""
    folder = tmp_path_factory.mktemp("besluiten")
    raw, copy = folder / "raw", folder / "processed"
    shutil.copytree(RAW_DIR / "besluiten", raw / "besluiten")
    shutil.copytree(processed, copy)
    register = raw / "besluiten" / "toezichtsbesluiten.toml"
    register.write_text(register.read_text(encoding="utf-8") + ASSEN, encoding="utf-8")
    ingest_register(raw, copy)
    assert main(["bereken", "--processed", str(copy)]) == 0
    path = write_summary(folder / "gs.xlsx", berekening.load(copy), "2024-H1", "Drenthe")
    return openpyxl.load_workbook(path)


def test_a_decision_for_every_municipality_is_one_row(decided):
    rows = _records(decided["Besluiten"])
    assert [(r["Code"], r["Gemeente"], r["Soort"]) for r in rows] == [
        ("GM0106", "Assen", "plan_van_aanpak"), (None, "alle gemeenten", "verschoning")]
    assert rows[1]["Datum"].date() == dt.date(2024, 11, 19)
    assert decided["Besluiten"]["A2"].number_format == "DD-MM-YYYY"


def test_every_code_has_its_name_beside_it(workbook, decided):
    names = gemeenten.reference().set_index("gemeente_code")["gemeente_naam"]
    for book in (workbook, decided):
        for sheet in book.worksheets:
            header = [c.value for c in sheet[1]]
            if "Code" not in header:
                continue
            assert header[header.index("Code") + 1] == "Gemeente", sheet.title
            rows = [r for r in _records(sheet) if r["Code"]]
            assert rows or (sheet.title == "Besluiten" and book is workbook), sheet.title
            assert all(r["Gemeente"] == names[r["Code"]] for r in rows), sheet.title
    differences = _records(workbook["Verschillen"])
    assert {(r["Code"], r["Gemeente"]) for r in differences} == {("GM0106", "Assen"),
                                                                ("GM0114", "Emmen")}


def test_formats_colours_layout_and_no_formulas(workbook):
    sheet = workbook["Overzicht"]
    assert sheet.freeze_panes == "C2"
    assert "Overzicht" in sheet.tables
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.cell(row=2, column=OVERVIEW.index("% taakstelling") + 1).number_format == "0%"
    colours = {o.kleur.lstrip("#").upper() for o in load_kader("drenthe").oordelen}
    fills = {sheet.cell(row=r, column=OVERVIEW.index("Oordeel") + 1).fill.fgColor.rgb[-6:]
             for r in range(2, 14)}
    assert fills <= colours and len(fills) >= 2
    for each in workbook.worksheets:
        for row in each.iter_rows():
            assert not any(cell.data_type == "f" for cell in row), each.title


def test_every_sheet_prints_on_a4_one_page_wide(workbook):
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
            int(sheet.PAPERSIZE_A4), "landscape", 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert "Pagina &P van &N" in sheet.oddFooter.right.text


def test_rows_are_high_enough_for_their_wrapped_text(workbook):
    sheet = workbook["Overzicht"]
    reason = OVERVIEW.index("Reden") + 1
    width = sheet.column_dimensions["O"].width
    for row in range(2, 14):
        text = sheet.cell(row=row, column=reason).value
        lines = -(-len(text) // (int(width * 1.1) - 2))
        assert lines >= 2 and sheet.row_dimensions[row].height >= 15 * lines, row


def test_sources_carry_the_dates_their_contents_name(workbook):
    rows = {r[0]: r for r in workbook["Bronnen"].iter_rows(min_row=2, values_only=True)}
    coa = rows["coa/COA_realisatie_taakstelling_2024-07-01.xlsx"]
    assert (coa[1].date(), coa[2]) == (dt.date(2024, 7, 1), "peildatum")
    revised = rows["taakstelling/Bijlage_A_taakstelling_2025-H1_herzien.xlsx"]
    assert revised[2] == "versiedatum" and revised[1].date() == dt.date(2025, 3, 14)
    assert len(rows) == len(workbook["Bronnen"]["A"]) - 1 and all(len(r[4]) == 64
                                                                    for r in rows.values())


def test_a_sheet_without_rows_says_so_and_the_file_is_readable_by_all(processed, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(processed, folder)
    pd.DataFrame(columns=["bestand", "blad", "rij", "kolom", "melding"]).to_parquet(
        folder / "validatie.parquet")
    for table in ("besluiten", "afstemming"):  # no decisions, no differences
        parquet = folder / f"{table}.parquet"
        pd.read_parquet(parquet).iloc[0:0].to_parquet(parquet)
    path = write_summary(tmp_path / "gs.xlsx", berekening.load(folder), "2024-H1", "Drenthe")
    book = openpyxl.load_workbook(path)
    said = {sheet: book[sheet]["A2"].value for sheet in ("Validatie", "Besluiten", "Verschillen")}
    assert said == {"Validatie": "Geen meldingen.", "Besluiten": "Geen besluiten vastgelegd.",
                    "Verschillen": "Geen verschillen, of de gemeenten leveren geen eigen "
                                   "rapportage."}
    for page in ("provincie", "gemeente"):  # the pages say the same of no decisions
        assert said["Besluiten"] in (NOTEBOOKS_DIR / f"{page}.ipynb").read_text(encoding="utf-8")
    assert all(book[sheet].max_row == 2 for sheet in said)
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_text_that_looks_like_a_formula_stays_text(processed, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(processed, folder)
    pd.DataFrame({"bestand": [INJECTION], "blad": ["Blad1"], "rij": [3], "kolom": ["A"],
                  "melding": ["+31 is geen gemeente"]}).to_parquet(folder / "validatie.parquet")
    path = write_summary(tmp_path / "gs.xlsx", berekening.load(folder), "2024-H1", "Drenthe")
    cells = openpyxl.load_workbook(path)["Validatie"][2]
    assert cells[0].value == INJECTION and cells[0].data_type == "s"
    assert cells[4].value == "+31 is geen gemeente" and cells[4].data_type == "s"
    raw = openpyxl.load_workbook(path, data_only=False)["Validatie"]["A2"]
    assert raw.data_type == "s"


def test_the_command_writes_it_next_to_the_reports(processed, tmp_path, capsys):
    code = main(["excel", "--processed", str(processed), "--reports", str(tmp_path),
                 "--periode", "2024-H1"])
    assert code == 0
    assert (tmp_path / "2024-H1" / "GS-samenvatting-2024-H1.xlsx").is_file()


def test_a_formula_as_municipality_in_a_report_file_is_refused_as_text(tmp_path, capsys):
    report = tmp_path / "raw" / "gemeenten" / "Assen_rapportage_statushouders_2024-2025.xlsx"
    report.parent.mkdir(parents=True)
    shutil.copy(RAW_DIR / "gemeenten" / report.name, report)
    book = openpyxl.load_workbook(report)
    book.worksheets[0]["A6"] = INJECTION
    book.worksheets[0]["A6"].data_type = "s"  # text in the file, as a municipality would type
    book.save(report)
    code = main(["ingest", "--raw", str(tmp_path / "raw"), "--processed",
                 str(tmp_path / "processed")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"rij 6, kolom A ('Gemeente'): '{INJECTION}' is geen bekende gemeente" in err
    assert not (tmp_path / "processed").exists()
