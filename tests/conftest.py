"""Fixtures shared by several test modules: the sample computed once, and run once, per test
run (the workers of ``pytest -n`` share them)."""

import contextlib
import fcntl
import io
import os
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import is_hypothesis_test, settings

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.ingest.brieven import TABLE as LETTERS_TABLE
from analysis.ingest.brieven import read_brieven
from analysis.ingest.register import TABLE as REGISTER_TABLE
from analysis.ingest.register import read_register
from analysis.report.brieven import write
from analysis.report.notebooks import Outcome

SAMPLE_PERIODE = "2024-H1"
SAMPLE_DATUM = "2024-11-19"  # the De Wolden letter's date
FULL_EXAMPLES = os.environ.get("VOORBEELDEN") == "alle"
# no example is refused for its duration: on a shared machine a slow example is no failure
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


def examples(n: int) -> int:
    """The examples a property test draws: all ``n`` in make test-zwaar (VOORBEELDEN=alle), a
    quarter of them (at least 10) in make test, each still compared with its reference."""
    return n if FULL_EXAMPLES else max(10, n // 4)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every property test (hypothesis) is also marked ``eigenschap``: make test-zwaar runs
    them all again with every example."""
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.eigenschap)


def png(width: int = 60, height: int = 20) -> bytes:
    """A small PNG image, made without an image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\x00" + b"\x00\x5a\xa0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def alinea(document: DocumentObject, number: int) -> Paragraph:
    """Paragraph ``number`` of a letter's body as a message about a template counts it: in the
    order Word shows them, the letterhead's table included."""
    return Paragraph(list(document.element.body.iter(qn("w:p")))[number - 1], document)


def made_once(tmp_path_factory, worker_id: str, name: str,
              make: Callable[[Path], None]) -> Path:
    """The folder ``name``, filled by ``make`` once per test run: the first worker of
    ``pytest -n`` to ask makes it, under a lock, and the others read the same folder."""
    if worker_id == "master":
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent
    folder, done = root / name, root / f"{name}.klaar"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def computed(tmp_path_factory, worker_id):
    """The sample ingested and computed once: processed tables with the assessment."""
    def make(folder: Path) -> None:
        assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
        assert main(["bereken", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0

    return made_once(tmp_path_factory, worker_id, "processed", make)


@pytest.fixture(scope="session")
def computed_op_briefdatum(computed, tmp_path_factory, worker_id):
    """The sample computed as known on the De Wolden letter's date, 19 November 2024: what a
    letter of that date is made from. Read it, never change it."""
    def make(folder: Path) -> None:
        shutil.copytree(computed, folder, dirs_exist_ok=True)
        assert main(["bereken", "--processed", str(folder), "--datum", SAMPLE_DATUM]) == 0

    return made_once(tmp_path_factory, worker_id, "processed-briefdatum", make)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, worker_id) -> Path:
    """The whole run on the sample once per test run: 2024-H1 with the letters dated 19
    November 2024, into ``processed/`` and ``reports/`` of the returned folder. Read it, never
    change it: a test that changes it works on a copy."""
    def make(folder: Path) -> None:
        code = main(["run", "--periode", SAMPLE_PERIODE, "--datum", SAMPLE_DATUM,
                     "--raw", str(RAW_DIR), "--processed", str(folder / "processed"),
                     "--reports", str(folder / "reports"), "--jobs", "2"])
        assert code == 0

    return made_once(tmp_path_factory, worker_id, "run", make)


GRONINGEN_DATUM = "2026-01-20"


@pytest.fixture(scope="session")
def groningen_run(tmp_path_factory, worker_id) -> Path:
    """The synthetic Groningen generated into ``raw/`` and run once per test run with its own
    kader (2025-H2, letters dated 20 January 2026) into ``processed/`` and ``reports/``; the
    report pages are made at once, without a kernel (the tests read which pages there are, the
    computed tables, the workbook and the letters). Read it, never change it."""
    from analysis.report import notebooks
    from analysis.sample import generate

    def make(folder: Path) -> None:
        generate(folder / "raw", provincie="Groningen")
        with contextlib.redirect_stdout(io.StringIO()), pytest.MonkeyPatch.context() as patch:
            patch.setattr(notebooks, "execute", instant_page)
            patch.setattr(notebooks, "warm_up", lambda: None)
            patch.setattr(write, "to_pdf", lambda documents, folder: ([], None))  # .docx read
            code = main(["run", "--provincie", "Groningen", "--kader", "groningen",
                         "--datum", GRONINGEN_DATUM, "--raw", str(folder / "raw"),
                         "--processed", str(folder / "processed"),
                         "--reports", str(folder / "reports")])
        assert code == 0

    return made_once(tmp_path_factory, worker_id, "groningen", make)


@pytest.fixture
def without_pdfs(monkeypatch):
    """Letters written without their PDFs, for a test that reads the .docx only: LibreOffice
    takes seconds a batch. The PDFs themselves are checked on the letters of test_brieven and
    on the session's run."""
    monkeypatch.setattr(write, "to_pdf", lambda documents, folder: ([], None))


def instant_page(task, folder: str) -> Outcome:
    """A report page made at once, without a kernel (patched in for ``notebooks.execute``): for
    a run whose tests read the index pages, the workbook or the letters, not the reports."""
    (Path(folder) / task.html).write_text(
        f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{task.naam}'
        f'</title></head><body><main><h1>{task.naam}</h1></main></body></html>',
        encoding="utf-8")
    return Outcome(task.naam, task.html, "gelukt", 0.0)


def ingest_register(raw: Path, processed: Path) -> None:
    """Of an ingest of ``raw`` into ``processed``, the decisions register only: for a test that
    changes the register of a copied processed folder (none in ``raw``: no decisions)."""
    read_register(raw).to_parquet(processed / f"{REGISTER_TABLE}.parquet", index=False)


def ingest_letters(raw: Path, processed: Path) -> None:
    """Of an ingest of ``raw`` into ``processed``, the letters' settings only: for a test that
    changes the settings or templates of a copied processed folder."""
    read_brieven(raw).to_parquet(processed / f"{LETTERS_TABLE}.parquet", index=False)
