"""Fixtures shared by several test modules: the sample computed once, and run once."""

import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.ingest.brieven import TABLE as LETTERS_TABLE
from analysis.ingest.brieven import read_brieven
from analysis.ingest.register import TABLE as REGISTER_TABLE
from analysis.ingest.register import read_register

SAMPLE_PERIODE = "2024-H1"
SAMPLE_DATUM = "2024-11-19"  # the De Wolden letter's date


@pytest.fixture(scope="session")
def computed(tmp_path_factory):
    """The sample ingested and computed once: processed tables with the assessment."""
    folder = tmp_path_factory.mktemp("processed")
    assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    assert main(["bereken", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    return folder


@pytest.fixture(scope="session")
def computed_op_briefdatum(computed, tmp_path_factory):
    """The sample computed as known on the De Wolden letter's date, 19 November 2024: what a
    letter of that date is made from. Read it, never change it."""
    folder = tmp_path_factory.mktemp("processed-briefdatum")
    shutil.copytree(computed, folder, dirs_exist_ok=True)
    assert main(["bereken", "--processed", str(folder), "--datum", SAMPLE_DATUM]) == 0
    return folder


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """The whole run on the sample once per test session: 2024-H1 with the letters dated 19
    November 2024, into ``processed/`` and ``reports/`` of the returned folder. Read it, never
    change it: a test that changes it works on a copy."""
    folder = tmp_path_factory.mktemp("run")
    code = main(["run", "--periode", SAMPLE_PERIODE, "--datum", SAMPLE_DATUM,
                 "--raw", str(RAW_DIR), "--processed", str(folder / "processed"),
                 "--reports", str(folder / "reports"), "--jobs", "2"])
    assert code == 0
    return folder



def ingest_register(raw: Path, processed: Path) -> None:
    """Of an ingest of ``raw`` into ``processed``, the decisions register only: for a test that
    changes the register of a copied processed folder (none in ``raw``: no decisions)."""
    read_register(raw).to_parquet(processed / f"{REGISTER_TABLE}.parquet", index=False)


def ingest_letters(raw: Path, processed: Path) -> None:
    """Of an ingest of ``raw`` into ``processed``, the letters' settings only: for a test that
    changes the settings or templates of a copied processed folder."""
    read_brieven(raw).to_parquet(processed / f"{LETTERS_TABLE}.parquet", index=False)
