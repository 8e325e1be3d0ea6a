"""A changed, added or removed file is read again with the other files of its source; every
other source is taken over from the last ingest, and the processed folder is then exactly what a
full ingest writes."""

import os
import shutil
from pathlib import Path

import pytest

from analysis import storage
from analysis.config import RAW_DIR
from analysis.ingest import mirror
from analysis.ingest.mirror import run_ingest


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(RAW_DIR, copy)
    return copy


def read_names(monkeypatch) -> list[str]:
    """The names of the files the ingest opens from now on."""
    opened: list[str] = []
    real = mirror.read_file

    def recording(path, name, specs, engine):
        opened.append(name)
        return real(path, name, specs, engine)

    monkeypatch.setattr(mirror, "read_file", recording)
    return opened


def touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


@pytest.mark.parametrize("change", ["coa touched", "coa removed", "tvs touched"])
def test_only_the_changed_source_is_read_and_the_result_is_the_full_ingests(
        raw, tmp_path, monkeypatch, change):
    processed, full = tmp_path / "processed", tmp_path / "full"
    run_ingest(raw, processed)
    coa = sorted((raw / "coa").iterdir())
    if change == "coa touched":
        touch(coa[-1])
    elif change == "coa removed":
        coa[-1].unlink()
    else:
        touch(next((raw / "tvs").iterdir()))
    opened = read_names(monkeypatch)
    partial = run_ingest(raw, processed)
    folder = "tvs/" if change == "tvs touched" else "coa/"
    assert opened and all(name.startswith(folder) for name in opened), opened
    assert len(opened) == len(list((raw / folder).iterdir()))  # with the rest of its source
    whole = run_ingest(raw, full, overnemen=False)
    for name in storage.INGESTED:
        taken, read = storage.read_table(processed, name), storage.read_table(full, name)
        if name == "bestanden":  # the day each file was first read differs, by design
            taken, read = taken.drop(columns="eerst_gezien"), read.drop(columns="eerst_gezien")
        assert taken.equals(read), name
    assert [str(w) for w in partial.waarschuwingen] == [str(w) for w in whole.waarschuwingen]
    assert partial.let_op == whole.let_op


def test_another_program_or_reader_reads_every_source(raw, tmp_path, monkeypatch):
    processed = tmp_path / "processed"
    run_ingest(raw, processed)
    touch(sorted((raw / "coa").iterdir())[-1])
    opened = read_names(monkeypatch)
    run_ingest(raw, processed, engine="openpyxl")
    assert {name.split("/")[0] for name in opened} >= {"coa", "taakstelling", "tvs"}
