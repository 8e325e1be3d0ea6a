"""Fixtures shared by several test modules."""

import pytest

from analysis.cli import main
from analysis.config import RAW_DIR


@pytest.fixture(scope="session")
def computed(tmp_path_factory):
    """The sample ingested and computed once: processed tables with the assessment."""
    folder = tmp_path_factory.mktemp("processed")
    assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    assert main(["bereken", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    return folder
