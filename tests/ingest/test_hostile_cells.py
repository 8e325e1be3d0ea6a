"""Hostile cells and hostile folders: error values, formulas without a stored result, numbers
beyond a count of persons, dates outside the range of dates, linked and unreadable folders,
files no source claims and sources that vanish. Each gives a Dutch message, never a traceback,
and nothing is lost without a word."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.ingest import cells
from analysis.ingest.cells import Foutwaarde
from analysis.ingest.discover import discover
from analysis.ingest.mirror import ingest, run_ingest
from analysis.ingest.spreadsheet import Book
from analysis.problems import InputError
from tests.conftest import examples
from tests.ingest.test_bad_input import BIJLAGE_A, COA, GOOD, failing_ingest, raw_folder, set_cells

pytestmark = pytest.mark.hostile

COA_2024 = "coa/COA_realisatie_taakstelling_2024-03-01.xlsx"
SMALL = (COA, COA_2024, BIJLAGE_A, GOOD)
KINDS = list(cells.CONVERTERS)
DTYPES = {"geheel": "Int64", "tekst": "string", "periode": "string", "datum": "datetime64[ns]",
          "maand": "datetime64[ns]", "janee": "boolean", "gemeente": "string"}
ERROR_TEXTS = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!",
               "#GETTING_DATA"]
FORMULE = "formule zonder opgeslagen waarde; open het bestand in Excel, sla het op en lees het " \
          "opnieuw in"
BOUND = "verwacht een geheel getal tussen -1.000.000.000 en 1.000.000.000"


def column(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


# --- converters ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "word"), [
    (1e20, "te groot"), ("99999999999999999999", "te groot"), (2**63, "te groot"),
    (2**64 + 1, "te groot"), (10**400, "te groot"), ("1e400", "te groot"),
    (math.inf, "te groot"), (-(2**63), "te klein"), ("-99999999999999999999", "te klein"),
    (-math.inf, "te klein"), (10**9 + 1, "te groot"), ("1.000.000.001", "te groot"),
])
def test_integers_beyond_a_count_of_persons(value: object, word: str) -> None:
    raw = column(value, 10**9, "-1.000.000.000", 7)
    typed, bad = cells.to_integer(raw)
    assert typed.dtype == "Int64"
    assert bad.tolist() == [True, False, False, False]
    assert typed.iloc[1:].tolist() == [10**9, -(10**9), 7]
    assert cells.melding(raw[bad], "geheel").iloc[0] == f"'{value}' is {word}; {BOUND} " \
                                                        "(een aantal personen)"
    assert cells.scalar(value, "geheel") is None


@pytest.mark.parametrize("kind", ["datum", "maand", "periode"])
@pytest.mark.parametrize("value", ["31-12-9999", "9999-12-31", dt.date(1500, 1, 1),
                                   dt.datetime(9999, 12, 31, 23, 59), dt.date(1, 1, 1),
                                   "01-01-1500", dt.date(1677, 9, 21)])
def test_dates_outside_the_range_of_dates(kind: str, value: object) -> None:
    raw = column(value, "15-03-2024")
    typed, bad = cells.CONVERTERS[kind](raw)
    assert str(typed.dtype) == DTYPES[kind]
    assert bad.tolist() == [True, False]
    message = cells.melding(raw[bad], kind).iloc[0]
    assert message.startswith(f"'{value}' valt buiten het bereik van ")
    assert "verwacht een" in message and " tussen " in message
    assert cells.scalar(value, kind) is None


def test_the_range_of_dates_is_said_and_its_ends_are_read() -> None:
    raw = column(cells.DATUM_MIN, cells.DATUM_MAX, "31-12-9999")
    typed, bad = cells.to_date(raw)
    assert typed.dt.date.iloc[:2].tolist() == [cells.DATUM_MIN, cells.DATUM_MAX]
    assert cells.melding(raw[bad], "datum").iloc[0] == (
        "'31-12-9999' valt buiten het bereik van datums (1677–2262); verwacht een datum tussen "
        "22-09-1677 en 11-04-2262")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("error", [*ERROR_TEXTS, *(Foutwaarde(t) for t in ERROR_TEXTS[:3]),
                                   f" {ERROR_TEXTS[0]} "])
def test_error_values_are_named_in_every_converter(kind: str, error: object) -> None:
    raw = column(error, None)
    typed, bad = cells.CONVERTERS[kind](raw)
    assert bad.tolist() == [True, False]
    assert typed.isna().all()
    message = cells.melding(raw[bad], kind).iloc[0]
    assert message == f"foutwaarde '{str(error).strip()}' in de cel; " \
                      f"verwacht {cells.VERWACHT[kind]}"
    assert cells.scalar(error, kind) is None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("marker", [Foutwaarde(cells.FORMULE_ZONDER_WAARDE), Foutwaarde("")])
def test_formulas_without_a_stored_value(kind: str, marker: Foutwaarde) -> None:
    raw = column(marker)
    assert cells.is_filled(raw).all()  # never 'lege cel'
    _, bad = cells.CONVERTERS[kind](raw)
    assert bad.all()
    assert cells.melding(raw, kind).iloc[0] == FORMULE


# --- property-based: every converter takes anything ---------------------------------------

MAX_DATE = dt.date(9999, 12, 31)
CELL = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**63, -(2**63), 2**64, 10**100, 10**9, 10**9 + 1, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([np.nan, np.float64(1e300), np.int64(2**62), np.int64(-5), pd.NaT]),
    st.text(max_size=30),
    st.sampled_from(["1.234", "−13", "1 234", "12,5", "1.2345", "99999999999999999999", "1e400",
                     "nan", "inf", "eerste helft 2024", "2024-H1", "H3 2024", "maart 2024",
                     "mrt-24", "13-2024", "31-02-2024", "31-12-9999", "1 maart 2024", "ja",
                     "Nee", "Assen", "GM0106", "0106", "gm9999", "Ａｓｓｅｎ", "١٢", "\u00a0",
                     "=SUM(A1:A3)", "#N/A", " #ref! ", "#N/B"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=MAX_DATE),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1700, 1, 1),
                                         max_value=dt.datetime(2200, 1, 1))),
    st.builds(Foutwaarde, st.sampled_from([*ERROR_TEXTS, cells.FORMULE_ZONDER_WAARDE, ""])),
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(CELL, max_size=12), kind=st.sampled_from(KINDS),
       start=st.integers(min_value=0, max_value=5))
def test_converters_take_any_mix_of_cells(values: list[object], kind: str, start: int) -> None:
    raw = pd.Series(values, dtype=object, index=range(start, start + 2 * len(values), 2))
    typed, bad = cells.CONVERTERS[kind](raw)
    assert str(typed.dtype) == DTYPES[kind]
    assert bad.dtype == bool
    assert typed.index.equals(raw.index) and bad.index.equals(raw.index)
    assert typed[bad].isna().all()
    assert not (typed.notna() & ~cells.is_filled(raw)).any()
    fout = cells.foutwaarden(raw)
    assert bad[fout].all()
    if kind == "geheel":
        assert (typed.dropna().abs() <= cells.GEHEEL_GRENS).all()
    messages = cells.melding(raw[bad], kind)
    assert messages.index.equals(raw.index[bad.to_numpy()])
    assert all(isinstance(m, str) and m for m in messages)
    for value in values[:3]:
        converted = cells.scalar(value, kind)
        assert converted is None or isinstance(converted, (int, str, bool, dt.date))


# --- through ingest and the command line ----------------------------------------------------

def inject(monkeypatch: pytest.MonkeyPatch, name: str,
           values: dict[tuple[int, int], object]) -> None:
    """Make the grid of ``name``'s first sheet hold ``values`` at (row, column), 0-based: what the
    reader gives for error cells and formulas without a stored value."""
    original = Book.grid

    def grid(self: Book, sheet: str) -> pd.DataFrame:
        frame = original(self, sheet)
        if self.name == name and sheet == self.sheet_names[0]:
            frame = frame.copy()
            for (row, col), value in values.items():
                frame.iat[row, col] = value
        return frame

    monkeypatch.setattr(Book, "grid", grid)


@pytest.mark.parametrize(("damaged", "cells_", "expected"), [
    pytest.param(COA, {(8, 4): Foutwaarde("#N/A")},
                 ["rij 9, kolom E ('Gerealiseerd'): foutwaarde '#N/A' in de cel; verwacht een "
                  "geheel getal"], id="error-in-integer"),
    pytest.param(COA, {(8, 0): Foutwaarde("#REF!")},
                 ["rij 9, kolom A ('Gemeente'): foutwaarde '#REF!' in de cel; verwacht een "
                  "gemeente (naam of CBS-code)"], id="error-in-required-municipality"),
    pytest.param(COA, {(8, 4): Foutwaarde(cells.FORMULE_ZONDER_WAARDE)},
                 [f"rij 9, kolom E ('Gerealiseerd'): {FORMULE}"], id="formula-without-value"),
    pytest.param(COA, {(8, 4): "#DIV/0!"},
                 ["rij 9, kolom E ('Gerealiseerd'): foutwaarde '#DIV/0!' in de cel; verwacht een "
                  "geheel getal"], id="error-text-from-openpyxl"),
    pytest.param(COA, {(18, 1): Foutwaarde("#VALUE!")},
                 ["rij 19, kolom B ('Taakstelling'): totaalrij: foutwaarde '#VALUE!' in de cel; "
                  "verwacht een geheel getal"], id="error-in-totals-row"),
    pytest.param(COA_2024, {(2, 1): Foutwaarde("#N/A")},
                 ["rij 3, kolom B ('Peildatum'): foutwaarde '#N/A' in de cel; verwacht een datum "
                  "(bijvoorbeeld '15-03-2024')"], id="error-in-metadata"),
    pytest.param(COA, {(2, 0): "Stand per #NAME?"},
                 ["rij 3, kolom A ('Stand per'): foutwaarde '#NAME?' in de cel; verwacht een "
                  "datum (bijvoorbeeld '15-03-2024')"], id="error-in-prefixed-metadata"),
    pytest.param(BIJLAGE_A, {(5, 1): None},
                 ["rij 6, kolom A ('Vastgesteld op'): lege cel bij 'Vastgesteld op'; verwacht een "
                  "waarde die een datum is"], id="metadata-without-value"),
])
def test_error_cells_through_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, damaged: str,
                                              cells_: dict, expected: list[str]) -> None:
    raw_folder(tmp_path, damaged)
    inject(monkeypatch, damaged, cells_)
    err = failing_ingest(tmp_path, capsys, damaged)
    sheet = "Overzicht" if damaged == COA else ("Realisatie per gemeente" if damaged == COA_2024
                                                else "Bijlage A")
    for line in expected:
        assert f"- {damaged}, blad '{sheet}', {line}\n" in err
    assert "lege cel" not in err or "lege cel bij" in expected[0]
    assert "is geen" not in err


@pytest.mark.parametrize(("damaged", "values", "expected"), [
    pytest.param(COA, {"E9": 1e20},  # openpyxl reads the saved 1E+20 back as a Python int
                 f"rij 9, kolom E ('Gerealiseerd'): '{10**20}' is te groot; {BOUND}",
                 id="huge-number"),
    pytest.param(COA, {"E9": "99999999999999999999"},
                 f"rij 9, kolom E ('Gerealiseerd'): '99999999999999999999' is te groot; {BOUND}",
                 id="huge-number-as-text"),
    pytest.param(COA, {"B19": "99999999999999999999"},
                 f"rij 19, kolom B ('Taakstelling'): totaal '99999999999999999999' is te groot; "
                 f"{BOUND}", id="huge-total"),
    pytest.param(BIJLAGE_A, {"B4": -1e20},
                 f"rij 4, kolom B ('Landelijke taakstelling'): '{-10**20}' bij 'Landelijke "
                 f"taakstelling' is te klein; {BOUND}", id="huge-metadata"),
    pytest.param(BIJLAGE_A, {"B6": "31-12-9999"},
                 "rij 6, kolom B ('Vastgesteld op'): '31-12-9999' bij 'Vastgesteld op' valt "
                 "buiten het bereik van datums (1677–2262); verwacht een datum tussen 22-09-1677 "
                 "en 11-04-2262", id="open-end-date-in-metadata"),
    pytest.param(COA_2024, {"B3": "01-01-1500"},
                 "rij 3, kolom B ('Peildatum'): '01-01-1500' bij 'Peildatum' valt buiten het "
                 "bereik van datums", id="year-1500-peildatum"),
    pytest.param(COA, {"A3": "Stand per 31-12-9999"},
                 "rij 3, kolom A ('Stand per'): '31-12-9999' bij 'Stand per' valt buiten het "
                 "bereik van datums", id="open-end-in-prefixed-metadata"),
])
def test_values_beyond_range_through_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damaged: str,
        values: dict[str, object], expected: str) -> None:
    set_cells(raw_folder(tmp_path, damaged), values)
    err = failing_ingest(tmp_path, capsys, damaged)
    sheet = "Overzicht" if damaged == COA else ("Realisatie per gemeente" if damaged == COA_2024
                                                else "Bijlage A")
    assert f"- {damaged}, blad '{sheet}', {expected}" in err


# --- folders --------------------------------------------------------------------------------

def small_raw(folder: Path, files: tuple[str, ...] = SMALL) -> Path:
    for relative in files:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW_DIR / relative, target)
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def refused(tmp_path: Path, raw: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line over ``raw`` into a processed folder holding an earlier run; check
    it refused cleanly and left that folder as it was. Returns stderr."""
    processed = tmp_path / "processed"
    if not processed.exists():
        processed.mkdir()
        (processed / "coa_overzicht.parquet").write_bytes(b"an earlier run")
    before = digest(processed)
    code = main(["ingest", "--raw", str(raw), "--processed", str(processed)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("Inlezen afgebroken:")
    assert digest(processed) == before
    return err


def test_a_linked_source_folder_is_read_and_its_target_recorded(tmp_path: Path) -> None:
    share = small_raw(tmp_path / "share", (COA, COA_2024))
    raw = small_raw(tmp_path / "raw", (BIJLAGE_A, GOOD))
    (raw / "coa").symlink_to(share / "coa", target_is_directory=True)
    (raw / "gemeenten" / "assen_koppeling.xlsx").symlink_to(RAW_DIR / "gemeenten" /
                                                 "Assen_rapportage_statushouders_2024-2025.xlsx")
    result = run_ingest(raw, tmp_path / "processed")
    files = pd.read_parquet(tmp_path / "processed" / "bestanden.parquet").set_index("bron_bestand")
    assert len(result.tables["coa_overzicht"]) == 24
    assert files.loc[COA, "doel"] == str((share / COA).resolve())
    assert files.loc["gemeenten/assen_koppeling.xlsx", "doel"] == str(
        (RAW_DIR / "gemeenten" / "Assen_rapportage_statushouders_2024-2025.xlsx").resolve())
    assert pd.isna(files.loc[BIJLAGE_A, "doel"])
    # no warning but the half-years this small folder has no Bijlage A for
    assert [w for w in result.waarschuwingen if w not in result.let_op] == []


def test_a_linked_raw_folder_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small_raw(tmp_path / "share")
    (tmp_path / "raw").symlink_to(tmp_path / "share", target_is_directory=True)
    assert main(["ingest", "--raw", str(tmp_path / "raw"), "--processed",
                 str(tmp_path / "processed")]) == 0
    assert capsys.readouterr().out.startswith("Ingelezen: 4 bestanden (4 via een koppeling);")


def test_loops_and_second_links_read_each_file_once(tmp_path: Path) -> None:
    raw = small_raw(tmp_path / "raw")
    (raw / "taakstelling" / "lus").symlink_to(raw, target_is_directory=True)
    (raw / "a_coa").symlink_to(raw / "coa", target_is_directory=True)
    (raw / "coa" / "zelf").symlink_to(raw / "coa", target_is_directory=True)
    (raw / "coa" / "kopie.xlsx").symlink_to(raw / COA)
    found = discover(raw)
    assert [item.name for item in found.files] == sorted(SMALL)
    assert not found.problems
    assert sorted(p.bestand for p in found.skipped) == ["a_coa", "coa/kopie.xlsx", "coa/zelf",
                                                        "taakstelling/lus"]
    assert f"overgeslagen: hetzelfde bestand als {COA}" in {p.melding for p in found.skipped}
    result = ingest(raw)
    assert len(result.bestanden) == 4 and result.overgeslagen == 4


def test_a_broken_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = small_raw(tmp_path / "raw")
    (raw / "tvs").symlink_to(tmp_path / "niet-gekoppelde-schijf", target_is_directory=True)
    err = refused(tmp_path, raw, capsys)
    assert "- tvs: koppeling naar iets dat niet bestaat (" in err


@pytest.mark.parametrize("where", ["coa", ""])
def test_an_unreadable_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    raw = small_raw(tmp_path / "raw")
    denied = os.path.realpath(raw / where)
    scandir = os.scandir

    def guarded(path: object = ".") -> object:
        if os.path.realpath(os.fspath(path)) == denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    err = refused(tmp_path, raw, capsys)
    shown = where or str(raw)
    assert f"- {shown}: map is niet leesbaar: geen toegang; geef leesrechten of verplaats de " \
           "bestanden\n" in err


def test_every_file_not_read_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = small_raw(tmp_path / "raw")
    for name in ["coa/overzicht.csv", "overig/Bijlage_A_2026-H1.ods", "notities.pdf",
                 "overig/oud.xls"]:
        (raw / name).parent.mkdir(exist_ok=True)
        (raw / name).write_bytes(b"x")
    for name in ["coa/~$lock.xlsx", ".DS_Store", "coa/.verborgen.xlsx",
                 "brieven/sjabloon.docx", "coa/Thumbs.db"]:
        (raw / name).parent.mkdir(exist_ok=True)
        (raw / name).write_bytes(b"x")
    (raw / "brieven" / "brieven.toml").write_text(  # read on ingest as the letters' settings
        '[afzender]\nprovincie = "Drenthe"\nplaats = "Assen"\nbehandeld_door = "A"\n'
        'sjabloon = "sjabloon.docx"\n')
    (raw / "besluiten").mkdir()  # read on ingest as the register, not as an export
    (raw / "besluiten" / "b.toml").write_text('[[besluit]]\nsoort = "verschoning"\n')
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ingelezen: 4 bestanden; niet ingelezen: 4 (zie de waarschuwingen);")
    validatie = pd.read_parquet(processed / "validatie.parquet").set_index("bestand")["melding"]
    # the small folder lacks the Bijlage A of some half-years: those notes aside
    validatie = validatie[~validatie.str.contains("geen taakstelling ingelezen")]
    assert sorted(validatie.index) == ["coa/overzicht.csv", "notities.pdf",
                                       "overig/Bijlage_A_2026-H1.ods", "overig/oud.xls"]
    assert validatie["coa/overzicht.csv"].startswith("overgeslagen: geen spreadsheet")
    assert validatie["overig/oud.xls"] == "overgeslagen: geen bekende bron voor dit bestand"
    for name, message in validatie.items():
        assert f"  - {name}: {message}\n" in out


def test_a_source_that_vanished_stops_the_ingest(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    raw = small_raw(tmp_path / "raw")
    processed = tmp_path / "processed"
    run_ingest(raw, processed)
    shutil.rmtree(raw / "coa")  # a share that is not mounted
    err = refused(tmp_path, raw, capsys)
    assert err == ("Inlezen afgebroken: 1 probleem gevonden.\n"
                   f"- {raw / 'coa'}: bron coa_overzicht: vorige keer 2 bestanden met 24 rijen, "
                   "nu geen; controleer de map (is een netwerkschijf niet gekoppeld?). Is de bron "
                   "bewust weg, lees dan in met --bron-verdwenen-toestaan\n"
                   "Er is niets weggeschreven; de vorige verwerkte gegevens zijn ongewijzigd.\n")
    with pytest.raises(InputError):
        run_ingest(raw, processed)
    result = run_ingest(raw, processed, bron_verdwenen_toestaan=True)
    assert result.tables["coa_overzicht"].empty
    assert "bron coa_overzicht: vorige keer 2 bestanden" in str(result.waarschuwingen[-1])
    assert pd.read_parquet(processed / "validatie.parquet")["melding"].str.startswith(
        "bron coa_overzicht").any()


def test_a_source_with_fewer_files_is_not_a_vanished_source(tmp_path: Path) -> None:
    raw = small_raw(tmp_path / "raw")
    run_ingest(raw, tmp_path / "processed")
    (raw / COA).unlink()
    assert len(run_ingest(raw, tmp_path / "processed").tables["coa_overzicht"]) == 12


def test_a_saved_error_cell_is_not_an_empty_cell(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An error value saved in a real workbook, read by the real reader."""
    path = raw_folder(tmp_path, COA)
    book = openpyxl.load_workbook(path)
    book["Overzicht"]["E9"].value = "#N/A"
    book["Overzicht"]["E9"].data_type = "e"
    book.save(path)
    err = failing_ingest(tmp_path, capsys, COA)
    assert "kolom E ('Gerealiseerd'): foutwaarde '#N/A' in de cel; verwacht een geheel getal" in err


@pytest.mark.parametrize(("make", "expected"), [
    pytest.param(lambda raw: None, "map bestaat niet", id="missing"),
    pytest.param(lambda raw: raw.mkdir(), "map bevat geen Excel-bestanden", id="empty"),
    pytest.param(lambda raw: (raw.mkdir(), (raw / "export.csv").write_text("a;b")),
                 "map bevat geen Excel-bestanden", id="only-csv"),
])
def test_a_raw_folder_without_spreadsheets_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make, expected: str) -> None:
    raw = tmp_path / "raw"
    make(raw)
    assert f"- {raw}: {expected}\n" in refused(tmp_path, raw, capsys)
