"""While ingest reads: a line per source on a terminal, nothing extra in a log; and a note for
every file with figures for a half-year whose taakstelling (Bijlage A) was not read."""

import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.ingest.mirror import ingest
from analysis.ingest.voortgang import voortgang_regel

BIJLAGE_A = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
COA_H1 = "coa/COA_realisatie_taakstelling_2024-03-01.xlsx"  # counts 2024-H1
COA_H2 = "coa/COA_realisatie_taakstelling_2024-09-01.xlsx"  # counts 2024-H2: no Bijlage A
GEMEENTE = "gemeenten/Emmen_huisvesting_vergunninghouders_2024-2025.xlsx"


def raw(folder: Path, *files: str) -> Path:
    """A raw folder with copies of some sample files."""
    for relative in files:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW_DIR / relative, folder / relative)
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Bijlage A over 2024-H1 and COA overviews in 2024-H1 and 2024-H2."""
    return raw(tmp_path_factory.mktemp("raw"), BIJLAGE_A, COA_H1, COA_H2)


def test_the_line_of_a_source():
    assert voortgang_regel("maandoverzicht van het COA", 3, 1.23) == \
        "inlezen: maandoverzicht van het COA (3 bestanden) … 1,2 s"
    assert voortgang_regel("gemeentegrenzen (kaart)", 1, 0.04) == \
        "inlezen: gemeentegrenzen (kaart) (1 bestand) … 0,0 s"


def test_a_terminal_sees_a_line_per_source(small, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    ingest(small)
    lines = capsys.readouterr().err.splitlines()
    assert [re.sub(r"… \d+,\d s$", "… s", line) for line in lines] == [
        "inlezen: taakstelling (Bijlage A bij de circulaire) (1 bestand) … s",
        "inlezen: maandoverzicht van het COA (2 bestanden) … s",
    ]


def test_a_log_gets_nothing_extra(small, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    ingest(small)
    assert capsys.readouterr().err == ""


def test_a_half_year_without_taakstelling_is_named_with_what_to_add(small):
    result = ingest(small)
    folder = small / "taakstelling"
    expected = (f"{COA_H2}: bevat cijfers over 2024-H2, maar voor 2024-H2 is geen taakstelling "
                "ingelezen; die cijfers tellen niet mee. Zet Bijlage A bij de circulaire over "
                f"2024-H2 in {folder} (bijvoorbeeld Bijlage_A_taakstelling_2024-H2.xlsx) en "
                "lees opnieuw in")
    assert [str(note) for note in result.let_op] == [expected]
    assert result.let_op[0] in result.waarschuwingen  # recorded with the other warnings


def test_every_half_year_a_file_holds_without_taakstelling_is_named(tmp_path):
    result = ingest(raw(tmp_path, BIJLAGE_A, GEMEENTE))
    assert [note.bestand for note in result.let_op] == [GEMEENTE]
    assert result.let_op[0].melding.startswith(
        "bevat cijfers over 2024-H2, 2025-H1 en 2025-H2, maar voor 2024-H2, 2025-H1 en 2025-H2 "
        "is geen taakstelling ingelezen;")
    assert "(bijvoorbeeld Bijlage_A_taakstelling_2024-H2.xlsx)" in result.let_op[0].melding


def test_the_command_says_let_op_and_records_it(small, tmp_path, capsys):
    assert main(["ingest", "--raw", str(small), "--processed", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("Let op: ")]
    assert notes == [f"Let op: {COA_H2}: bevat cijfers over 2024-H2, maar voor 2024-H2 is geen "
                     f"taakstelling ingelezen; die cijfers tellen niet mee. Zet Bijlage A bij de "
                     f"circulaire over 2024-H2 in {small / 'taakstelling'} (bijvoorbeeld "
                     "Bijlage_A_taakstelling_2024-H2.xlsx) en lees opnieuw in"]
    validatie = pd.read_parquet(tmp_path / "validatie.parquet")
    assert validatie.loc[validatie["bestand"] == COA_H2, "melding"].str.startswith(
        "bevat cijfers over 2024-H2").tolist() == [True]


def test_the_sample_holds_no_half_year_without_taakstelling(computed):
    validatie = pd.read_parquet(computed / "validatie.parquet")
    assert not validatie["melding"].str.contains("geen taakstelling ingelezen").any()
