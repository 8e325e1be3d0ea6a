"""While ingest reads: a line per source on a terminal, nothing extra in a log."""

import re
import shutil
import sys
from pathlib import Path

import pytest

from analysis.config import RAW_DIR
from analysis.ingest.mirror import ingest
from analysis.ingest.voortgang import voortgang_regel

BIJLAGE_A = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
COA_H1 = "coa/COA_realisatie_taakstelling_2024-03-01.xlsx"  # counts 2024-H1
COA_H2 = "coa/COA_realisatie_taakstelling_2024-09-01.xlsx"  # counts 2024-H2: no Bijlage A


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
