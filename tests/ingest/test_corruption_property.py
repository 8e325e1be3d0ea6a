"""Error paths as a property: take a file of the sample, corrupt one cell, row or column of it
(or one line of a settings file: decisions, letters, map), and the reader either reads it or
refuses it with the project's InputError naming that file. Never any other exception.

``make test`` runs a few examples (``FOUT_VOORBEELDEN``, default 25 per test); ``make fuzz``
runs many more.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from analysis.compute.register import load_register
from analysis.config import RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.ingest.grenzen import lees_grenzen
from analysis.ingest.mirror import ingest
from analysis.problems import InputError

pytestmark = pytest.mark.hostile

EXAMPLES = int(os.environ.get("FOUT_VOORBEELDEN", "25"))
SOURCES = [
    "coa/COA_realisatie_taakstelling_2023-03-01.xlsx",  # layout 2022-2023, names
    "coa/COA_realisatie_taakstelling_2024-07-01.xlsx",  # layout from 2024, codes, hidden sheet
    "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx",
    "gemeenten/Emmen_huisvesting_vergunninghouders_2024-2025.xlsx",
    "gemeenten/Assen_rapportage_statushouders_2024-2025.xlsx",
    "tvs/TVS_export_huisvestingen_2022-2025.xlsx",  # cut to its first rows (see below)
]
TVS_ROWS = 60
CORRUPTIONS = ["leeg", "tekst", "te_groot", "jaar_9999", "jaar_1900", "rij_herhaald",
               "rij_weg", "kolom_weg", "kop_weg", "kop_hernoemd", "kop_samengevoegd"]
SETTINGS = {"besluiten/toezichtsbesluiten.toml": "besluiten", "brieven/brieven.toml": "brieven",
            "kaart/kaart.toml": "kaart"}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's files, the person-level export cut short so that an example is quick."""
    folder = tmp_path_factory.mktemp("origineel")
    for relative in SOURCES:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW_DIR / relative, folder / relative)
    tvs = folder / SOURCES[-1]
    book = openpyxl.load_workbook(tvs)
    book.worksheets[0].delete_rows(TVS_ROWS + 1, book.worksheets[0].max_row)
    book.save(tvs)
    return folder


def header_row(sheet: Worksheet) -> int:
    """The row with the most text cells among the first fifteen: the header."""
    return max(range(1, min(sheet.max_row, 15) + 1),
               key=lambda row: sum(isinstance(cell.value, str) for cell in sheet[row]))


def corrupt(sheet: Worksheet, kind: str, row: int, column: int) -> None:
    """One corruption of the data sheet at (row, column), or of its header row."""
    header = header_row(sheet)
    cell = sheet.cell(row, column)
    if kind == "leeg":
        cell.value = None
    elif kind == "tekst":
        cell.value = "twaalf"
    elif kind == "te_groot":
        cell.value = 2**70
    elif kind in ("jaar_9999", "jaar_1900"):
        cell.value = dt.datetime(9999, 12, 31) if kind == "jaar_9999" else dt.datetime(1900, 1, 1)
    elif kind == "rij_herhaald":
        sheet.insert_rows(row + 1)
        for position in range(1, sheet.max_column + 1):
            sheet.cell(row + 1, position).value = sheet.cell(row, position).value
    elif kind == "rij_weg":
        sheet.delete_rows(row)
    elif kind == "kolom_weg":
        sheet.delete_cols(column)
    elif kind == "kop_weg":
        sheet.cell(header, column).value = None
    elif kind == "kop_hernoemd":
        sheet.cell(header, column).value = "Opmerking"
    elif kind == "kop_samengevoegd":
        sheet.merge_cells(start_row=header, start_column=column, end_row=header,
                          end_column=min(column + 1, sheet.max_column))


def corrupted_folder(folder: Path, originals: Path, source: str, kind: str, row: int,
                     column: int) -> Path:
    """A raw folder in ``folder`` holding only ``source``, with one corruption of its data
    sheet (row and column clamped to the sheet)."""
    target = folder / source
    target.parent.mkdir(parents=True)
    shutil.copy(originals / source, target)
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    corrupt(sheet, kind, min(row, sheet.max_row), min(column, sheet.max_column))
    book.save(target)
    return folder


def check_refusal(error: InputError, name: str) -> None:
    report = error.report()
    assert error.problems, report
    assert any(problem.bestand == name for problem in error.problems), report


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), kind=st.sampled_from(CORRUPTIONS),
       row=st.integers(1, 80), column=st.integers(1, 12),
       engine=st.sampled_from(["openpyxl", "calamine"]))
def test_a_corrupted_workbook_is_read_or_refused_naming_it(
        tmp_path: Path, originals: Path, source: str, kind: str, row: int, column: int,
        engine: str) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example (examples repeat)
    raw = corrupted_folder(folder, originals, source, kind, row, column)
    try:
        ingest(raw, engine)
    except InputError as error:
        check_refusal(error, source)


def _line_corruption(lines: list[str], kind: str, line: int) -> list[str]:
    index = min(line, len(lines) - 1)
    if kind == "regel_weg":
        return lines[:index] + lines[index + 1:]
    if kind == "regel_herhaald":
        return lines[:index + 1] + lines[index:]
    if kind == "blok_herhaald":  # the block this line belongs to, repeated at the end
        start = max((i for i in range(index + 1) if lines[i].lstrip().startswith("[")),
                    default=0)
        end = next((i for i in range(index + 1, len(lines)) if lines[i].lstrip().startswith("[")),
                   len(lines))
        return [*lines, "\n", *lines[start:end]]
    if kind == "waarde_getal":
        key, equals, _ = lines[index].partition("=")
        return lines[:index] + ([f"{key}= 99999999999999999999999\n"] if equals else
                                [lines[index]]) + lines[index + 1:]
    if kind == "waarde_datum":
        key, equals, _ = lines[index].partition("=")
        return lines[:index] + ([f"{key}= 9999-12-31\n"] if equals else
                                [lines[index]]) + lines[index + 1:]
    return [*lines[:index], "", *lines[index + 1:]]  # leeg: the line emptied


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(sorted(SETTINGS)),
       kind=st.sampled_from(["regel_weg", "regel_herhaald", "blok_herhaald", "waarde_getal",
                             "waarde_datum", "leeg"]),
       line=st.integers(0, 120))
def test_a_corrupted_settings_file_is_read_or_refused_naming_it(
        tmp_path: Path, source: str, kind: str, line: int) -> None:
    raw = Path(tempfile.mkdtemp(dir=tmp_path))
    target = raw / source
    target.parent.mkdir(parents=True)
    lines = (RAW_DIR / source).read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(_line_corruption(lines, kind, line)), encoding="utf-8")
    if SETTINGS[source] == "kaart":  # the boundaries the settings name, beside them
        shutil.copy(RAW_DIR / "kaart" / "gemeenten_2024.geojson", target.parent)
    try:
        if SETTINGS[source] == "besluiten":
            load_register(Register.read(target), ["GM1680", "GM0106", "GM1690", "GM1699"],
                          ("geen", "signaleren", "bestuurlijk gesprek"))
        elif SETTINGS[source] == "brieven":
            Briefinstellingen.read(raw)
        elif problems := lees_grenzen(raw).problemen:
            raise InputError(problems)
    except InputError as error:
        check_refusal(error, target.name if SETTINGS[source] == "besluiten" else source)


# Cases the property found, kept as regular tests.

def test_a_repeated_row_in_the_coa_overview_is_refused_not_a_crash(tmp_path, originals):
    """The repeat check set the key as index and then read the file's name from it."""
    raw = corrupted_folder(tmp_path / "raw", originals, SOURCES[0], "rij_herhaald", 7, 1)
    with pytest.raises(InputError) as caught:
        ingest(raw)
    assert any(problem.melding.startswith("herhaalt ") and problem.rij == 8
               for problem in caught.value.problems)


def test_a_bijlage_a_without_its_label_column_is_refused_not_a_crash(tmp_path, originals):
    """Without the column of its labels, the metadata was missing from the rows, and the step
    that dates every row (for herindelingen) read a column that was not there."""
    source = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
    raw = corrupted_folder(tmp_path / "raw", originals, source, "kolom_weg", 1, 1)
    with pytest.raises(InputError) as caught:
        ingest(raw)
    messages = [str(problem) for problem in caught.value.problems]
    assert f"{source}, blad 'Bijlage A': kenmerk 'Periode' niet gevonden boven de koprij" \
        in messages
