"""One command writes a processed folder at a time, and none reads it meanwhile: a second one
stops with exit code 3 and a Dutch message naming the process that holds it; a lock of a process
that was killed is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli import ExitCode, main
from analysis.locks import ProcessedLock

HOLD = """
import sys, time
from pathlib import Path
from analysis.locks import ProcessedLock
with ProcessedLock(Path(sys.argv[1]), sys.argv[2], writes=sys.argv[3] == "schrijft"):
    print("vast", flush=True)
    time.sleep(60)
"""


def holder(folder: Path, opdracht: str, writes: bool) -> subprocess.Popen:
    """Another process that holds the folder's lock until it is stopped."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), opdracht,
                                "schrijft" if writes else "leest"], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "vast"
    return process


def stop(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    process.send_signal(how)
    process.wait(timeout=30)


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    folder = tmp_path / "processed"
    folder.mkdir()
    return folder


def test_a_second_writer_stops_naming_the_first(processed: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    other = holder(processed, "run", writes=True)
    try:
        for command in (["ingest"], ["bereken"], ["run", "--reports", str(tmp_path / "r")]):
            assert main([*command, "--processed", str(processed)]) == ExitCode.BEZET
            message = capsys.readouterr().err
            assert f"'run' (proces {other.pid}) schrijft de verwerkte gegevens" in message
            assert f"deze opdracht ('{command[0]}')" in message
    finally:
        stop(other)
    assert list(processed.iterdir()) == [processed / ".lock"], "nothing written"  # the other's


def test_a_reader_does_not_read_while_another_writes(processed: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    other = holder(processed, "ingest", writes=True)
    try:
        assert main(["stand", "--processed", str(processed)]) == ExitCode.BEZET
        assert f"'ingest' (proces {other.pid}) schrijft" in capsys.readouterr().err
    finally:
        stop(other)


def test_a_writer_does_not_write_while_another_reads(processed: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    readers = [holder(processed, "excel", writes=False) for _ in range(2)]  # readers share it
    try:
        assert main(["bereken", "--processed", str(processed)]) == ExitCode.BEZET
        assert "een andere opdracht leest de verwerkte gegevens" in capsys.readouterr().err
    finally:
        for reader in readers:
            stop(reader)


def test_the_lock_of_a_killed_process_is_taken_over(processed: Path) -> None:
    other = holder(processed, "run", writes=True)
    stop(other, signal.SIGKILL)
    assert (processed / ".lock").read_text().startswith(f"{other.pid} run")  # left as it was
    with ProcessedLock(processed, "ingest", writes=True):
        assert (processed / ".lock").read_text() == f"{os.getpid()} ingest\n"
    assert not (processed / ".lock").exists()


def test_a_folder_the_lock_made_goes_when_nothing_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "nieuw"
    with ProcessedLock(folder, "ingest", writes=True):
        assert folder.is_dir()
    assert not folder.exists()
    tmp_path.joinpath("bestaand").mkdir()
    with ProcessedLock(tmp_path / "bestaand", "stand", writes=False):
        pass
    assert list((tmp_path / "bestaand").iterdir()) == []


def test_the_lock_goes_with_its_process_when_it_ends_normally(processed: Path) -> None:
    """Once the other process has ended (waited for), its lock is free at once."""
    other = holder(processed, "bereken", writes=True)
    stop(other)
    with ProcessedLock(processed, "ingest", writes=True):
        assert (processed / ".lock").read_text() == f"{os.getpid()} ingest\n"


@pytest.mark.zwaar  # two whole runs of the sample
def test_two_runs_on_one_processed_folder_give_one_success_and_one_exit_3(tmp_path: Path) -> None:
    """As a user might start them: the same processed folder, each its own reports folder."""
    def start(reports: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "analysis", "run", "--processed",
                                 str(tmp_path / "processed"), "--reports",
                                 str(tmp_path / reports), "--jobs", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    first = start("r1")
    while not (tmp_path / "processed" / ".lock").is_file():  # the first holds the folder
        assert first.poll() is None, "the first run ended before it took the folder"
        time.sleep(0.05)
    second = start("r2")
    _, refused = second.communicate(timeout=120)
    _, done = first.communicate(timeout=600)
    assert (first.returncode, second.returncode) == (0, ExitCode.BEZET), done
    assert f"'run' (proces {first.pid}) schrijft de verwerkte gegevens" in refused


def test_a_folder_only_readable_is_read_without_a_lock(processed: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An analyst who may only read a shared processed folder: reading takes no lock there
    (no command of theirs can write it); writing is refused as before."""
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path) == str(processed / ".lock") and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with ProcessedLock(processed, "stand", writes=False):
        assert not (processed / ".lock").exists()
    with pytest.raises(Exception, match="kan niet schrijven"):
        ProcessedLock(processed, "ingest", writes=True).__enter__()
