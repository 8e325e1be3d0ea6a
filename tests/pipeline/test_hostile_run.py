"""A run that fails, is killed, or cannot write: the last good output stays, nothing is left
running or half-made, and the user reads short Dutch messages."""

import contextlib
import datetime as dt
import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from analysis import interrupt, storage
from analysis.atomic import WriteFailed, write_atomic
from analysis.cli import ExitCode, main, stopped
from analysis.config import RAW_DIR
from analysis.pipeline import run as runner
from analysis.pipeline.run import letters_record
from analysis.report import notebooks, publish
from analysis.report.brieven.pdf import to_pdf
from analysis.report.brieven.template import default_template
from analysis.report.brieven.write import Brieven
from analysis.report.index import index_html
from analysis.report.notebooks import Outcome

pytestmark = pytest.mark.hostile

PERIODE = "2024-H1"
SECRET = "/tmp/geheim-pad"  # stands for a path or exception text a reader must not see


def quiet_main(*args: str) -> tuple[int, str, str]:
    """The command's exit code, stdout and stderr, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def run_args(project: Path, *extra: str) -> list[str]:
    return ["run", "--raw", str(RAW_DIR), "--processed", str(project / "processed"),
            "--reports", str(project / "reports"), "--periode", PERIODE, *extra]


def no_warm_up() -> None:
    """Workers without a kernel: for runs whose notebooks are replaced."""


def instant_notebook(task, folder: str) -> Outcome:
    """An executed notebook of one cell, without a kernel: for runs that test the publishing
    of the output rather than the reports themselves."""
    cell = nbformat.v4.new_markdown_cell(task.naam)
    path = Path(folder) / "notebooks" / f"{Path(task.html).stem}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return Outcome(task.naam, task.html, "gelukt", 0.0)


def one_municipality_fails(task, folder: str) -> Outcome:
    """Instant notebooks, of which De Wolden's fails."""
    if task.parameters.get("gemeente_code") == "GM1690":
        return Outcome(task.naam, task.html, "mislukt", 0.0, f"KeyError: '{SECRET}'")
    return instant_notebook(task, folder)


def fake_soffice(folder: Path, makes_first: bool = False) -> Path:
    """A LibreOffice that fails with an English error naming a temporary path, after making
    the first PDF if asked."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "soffice"
    make = ('for a; do case "$a" in *.docx) touch "${a%.docx}.pdf"; break;; esac; done\n'
            if makes_first else "")
    script.write_text(f"#!/bin/sh\n{make}echo 'Error: source file could not be loaded "
                      f"{SECRET}/lu123.tmp' >&2\nexit 1\n")
    script.chmod(0o755)
    return script


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<map>"
            for p in sorted(folder.rglob("*"))}


# --- the process tree -------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, str, str] | None:
    """Parent pid, state and start time of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], fields[19]


def descendants(root: int) -> dict[int, str]:
    """Every process below ``root``, with its start time (to tell a reused pid apart)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))):
            parents[int(entry.name)] = found
    tree, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, _, started) in parents.items():
            if ppid == parent and pid not in tree:
                tree[pid] = started
                todo.append(pid)
    return tree


def still_running(tree: dict[int, str]) -> list[int]:
    alive = []
    for pid, started in tree.items():
        found = _stat(pid)
        if found and found[2] == started and found[1] not in ("Z", "X"):
            alive.append(pid)
    return alive


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A run killed with SIGKILL while both kernels execute notebooks; what it left."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("zonder /proc is de procesboom niet te volgen")
    project = tmp_path_factory.mktemp("gedood")
    log = (project / "uitvoer.txt").open("w")
    process = subprocess.Popen([sys.executable, "-m", "analysis", *run_args(project, "--jobs",
                                                                            "2")],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    staging = project / "reports" / f".{PERIODE}.bezig-{process.pid}"
    tree: dict[int, str] = {}
    try:
        wait_until(process, tree, lambda: len(kernels_in(tree)) == 2 and staging.is_dir())
        assert process.poll() is None and staging.is_dir(), (project / "uitvoer.txt").read_text()
        tree |= descendants(process.pid)
        kernels = kernels_in(tree)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        wait_gone(tree)
        yield project, process.pid, tree, kernels
    finally:
        end_leftovers(process, tree)
        log.close()


def kernels_in(tree: dict[int, str]) -> list[int]:
    return [pid for pid in tree if "ipykernel" in cmdline(pid)]


def wait_until(process: subprocess.Popen, tree: dict[int, str], ready) -> None:
    """Follow ``process``'s tree of processes (into ``tree``) until ``ready()`` or it ends
    (at most two minutes)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        tree |= descendants(process.pid)
        if ready():
            return
        time.sleep(0.05)


def wait_gone(tree: dict[int, str]) -> None:
    """Give the processes of ``tree`` a moment to end (a killed kernel may take one)."""
    deadline = time.monotonic() + 5
    while still_running(tree) and time.monotonic() < deadline:
        time.sleep(0.1)


def end_leftovers(process: subprocess.Popen, tree: dict[int, str]) -> None:
    """Kill what a test started and left running: only its own processes."""
    for pid in still_running(tree):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
        process.communicate()


def _default_signals() -> None:
    """In the child: SIGTERM and SIGINT as a shell with job control gives them, whatever this
    test run was started with (a background job of a script ignores SIGINT)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)


def _signalled_run(project: Path, signum: int, products: bool):
    """A run on a copy of the sample, in its own temporary folder, given ``signum`` once the
    products are being made (its staging folder there and both kernels running) or, if not
    ``products``, as soon as it holds the lock and its workers start their kernels; what it
    printed and left."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("zonder /proc is de procesboom niet te volgen")
    raw, temp = project / "raw", project / "tmp"
    shutil.copytree(RAW_DIR, raw)
    temp.mkdir()
    previous = project / "reports" / PERIODE
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("vorige rapportages")
    before = snapshot(project / "reports")
    args = [arg if arg != str(RAW_DIR) else str(raw) for arg in run_args(project, "--jobs", "2")]
    process = subprocess.Popen([sys.executable, "-m", "analysis", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True,
                               preexec_fn=_default_signals)
    staging = project / "reports" / f".{PERIODE}.bezig-{process.pid}"
    lock = project / "reports" / ".lock"
    tree: dict[int, str] = {}
    try:
        wait_until(process, tree, lambda: len(kernels_in(tree)) == 2 and staging.is_dir()
                   if products else lock.exists() and bool(tree))
        assert process.poll() is None, process.communicate()
        tree |= descendants(process.pid)
        os.kill(process.pid, signum)
        out, err = process.communicate(timeout=60)
        wait_gone(tree)
        return process.returncode, out, err, tree, before
    finally:
        end_leftovers(process, tree)


@pytest.fixture(scope="module")
def terminated(tmp_path_factory):
    """A run given SIGTERM while both kernels execute notebooks."""
    project = tmp_path_factory.mktemp("gestopt")
    return project, *_signalled_run(project, signal.SIGTERM, products=True)


def test_a_terminated_run_ends_like_a_failed_run_with_one_dutch_line(terminated):
    project, code, _, err, tree, _ = terminated
    assert code == ExitCode.AFGEBROKEN, err
    assert "Traceback" not in err
    assert err == (f"Afgebroken: de run is gestopt (signaal SIGTERM); er is niets gepubliceerd "
                   f"of half geschreven; alleen de verwerkte gegevens in {project / 'processed'}"
                   " zijn al bijgewerkt.\n")
    assert len(tree) >= 4, tree  # it was stopped with two workers, each with its kernel


def test_a_terminated_run_leaves_no_staging_lock_or_process(terminated):
    project, *_, tree, before = terminated
    reports = project / "reports"
    assert snapshot(reports) == before  # the previous output, untouched; no attempt kept
    assert [p.name for p in reports.glob(".*")] == []  # no staging folder, no lock
    assert [cmdline(pid) for pid in still_running(tree)] == []
    # the kernels' socket folders and connection files were in its own temporary folder
    assert list((project / "tmp").iterdir()) == []
    assert [p.name for p in (project / "processed").glob(".*")] == []  # no temporary table


def test_ctrl_c_while_the_kernels_start_ends_the_same_way(tmp_path):
    """The kernels start once the period and province are checked and the processed tables
    written: those stand, complete, and nothing else is published."""
    code, _, err, tree, before = _signalled_run(tmp_path, signal.SIGINT, products=False)
    assert (code, err) == (ExitCode.AFGEBROKEN, "Afgebroken: de run is gestopt (signaal "
                           "SIGINT); er is niets gepubliceerd of half geschreven; alleen de "
                           f"verwerkte gegevens in {tmp_path / 'processed'} zijn al "
                           "bijgewerkt.\n")
    assert snapshot(tmp_path / "reports") == before
    assert [p.name for p in (tmp_path / "reports").glob(".*")] == []
    assert [cmdline(pid) for pid in still_running(tree)] == []
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [p.name for p in (tmp_path / "processed").glob(".*")] == []  # no temporary table


def _signal_on(owner, name: str, call: int = 1):
    """Replace ``owner.name`` by one that sends this process SIGTERM on its ``call``-th call,
    then does what it did: the signal comes amid what the caller does."""
    original = getattr(owner, name)
    calls = []

    def signalling(*args, **kwargs):
        calls.append(args)
        if len(calls) == call:
            os.kill(os.getpid(), signal.SIGTERM)
        return original(*args, **kwargs)

    return signalling


def test_an_interrupt_while_tables_are_staged_leaves_the_processed_folder_as_it_was(
        computed, tmp_path, monkeypatch):
    import pandas as pd

    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    before = snapshot(processed)
    tables = {name: storage.read_table(processed, name) for name in storage.COMPUTED}
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _signal_on(pd.DataFrame, "to_parquet", 3))
    with interrupt.stopping_on_signals(), pytest.raises(interrupt.Interrupted):
        storage.write_computed(tables, {"opnieuw": True}, processed)
    assert snapshot(processed) == before  # and no temporary file


def test_an_interrupt_while_tables_are_moved_into_place_waits_until_all_are(computed,
                                                                          tmp_path,
                                                                          monkeypatch):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    tables = {name: storage.read_table(processed, name).head(1) for name in storage.COMPUTED}
    assert any(len(storage.read_table(processed, name)) > 1 for name in storage.COMPUTED)
    monkeypatch.setattr(os, "replace", _signal_on(os, "replace"))
    with interrupt.stopping_on_signals():
        with pytest.raises(interrupt.Interrupted):
            storage.write_computed(tables, {"opnieuw": True}, processed)
        assert interrupt.noted() == {processed: interrupt.PROCESSED}
    assert {name: len(storage.read_table(processed, name)) for name in storage.COMPUTED} == {
        name: len(table) for name, table in tables.items()}  # every one of them replaced
    assert storage.read_manifest(processed) == {"opnieuw": True}
    assert [p.name for p in processed.glob(".*")] == []


def test_an_interrupt_while_publishing_takes_effect_once_published(tmp_path, monkeypatch):
    final = tmp_path / PERIODE
    final.mkdir()
    (final / "index.html").write_text("vorige")
    monkeypatch.setattr(Path, "rename", _signal_on(Path, "rename"))  # setting the old aside
    with interrupt.stopping_on_signals():
        with pytest.raises(interrupt.Interrupted), publish.staged(final) as attempt:
            (attempt.folder / "index.html").write_text("nieuw")
        noted = interrupt.noted()
    assert sorted(p.name for p in tmp_path.iterdir()) == [PERIODE]  # no staging, no old one
    assert (final / "index.html").read_text() == "nieuw"
    assert noted == {final: "gepubliceerd"}
    assert stopped("run", "SIGTERM", noted) == (
        f"Afgebroken: de run is gestopt (signaal SIGTERM); er is niets half geschreven; wel al "
        f"compleet bijgewerkt: {final}.")


def test_an_interrupt_a_library_swallowed_still_stops_the_next_write(tmp_path):
    with interrupt.stopping_on_signals():
        try:  # as openpyxl does: any exception in a conversion becomes a TypeError
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except BaseException:
            pass
        with pytest.raises(interrupt.Interrupted):
            write_atomic(tmp_path / "uitvoer.txt", lambda path: path.write_text("na het signaal"))
    assert list(tmp_path.iterdir()) == []


def test_a_forked_process_does_not_inherit_the_handler_in_effect():
    with interrupt.stopping_on_signals():
        child = os.fork()
        if child == 0:  # the child: as if no handler were installed
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


@pytest.mark.zwaar  # a run killed with SIGKILL, then another run: heavy
def test_a_killed_run_leaves_no_process_behind(killed):
    project, _, tree, kernels = killed
    assert len(kernels) == 2 and len(tree) >= 4, tree  # two workers, each with its kernel
    assert [cmdline(pid) for pid in still_running(tree)] == []
    strays = [entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit()
              and str(project) in cmdline(int(entry.name))]
    assert strays == []


@pytest.fixture(scope="module")
def failed_after_kill(killed):
    """On the reports folder the killed run left, a previous complete folder and a run whose
    overview fails (its processed folder is empty) and whose PDF conversion fails."""
    project, killed_pid, _, _ = killed
    reports = project / "reports"
    previous = reports / PERIODE
    (previous / "brieven").mkdir(parents=True)
    for number in range(17):
        (previous / f"gemeente-{number}.html").write_text(f"vorige rapportage {number}")
    (previous / "brieven" / "Brief.docx").write_bytes(b"vorige brief")
    before = snapshot(previous)
    (project / "leeg").mkdir()
    soffice = fake_soffice(project / "bin")
    original = runner.tasks

    def overview_fails(*args):
        first, *rest = original(*args)
        first.parameters = {**first.parameters, "processed": str(project / "leeg")}
        return [first, *rest]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "tasks", overview_fails)
        patch.setenv("PATH", f"{soffice.parent}{os.pathsep}{os.environ['PATH']}")
        code, out, err = quiet_main(*run_args(project, "--jobs", "2"))
    return project, killed_pid, before, code, out, err


@pytest.mark.zwaar  # a run killed with SIGKILL, then another run: heavy
def test_a_following_run_clears_what_the_killed_run_left(failed_after_kill):
    project, killed_pid, *_ = failed_after_kill
    reports = project / "reports"
    assert not (reports / f".{PERIODE}.bezig-{killed_pid}").exists()
    assert sorted(p.name for p in reports.glob(".*")) == []  # no staging, no lock


@pytest.mark.zwaar  # a run killed with SIGKILL, then another run: heavy
def test_a_following_run_clears_the_killed_workers_kernel_sockets(killed, failed_after_kill):
    _, _, tree, _ = killed
    temp = Path(tempfile.gettempdir())
    assert [folder for pid in tree for folder in temp.glob(f"analysis-kernel-{pid}-*")] == []


@pytest.mark.zwaar  # a run killed with SIGKILL, then another run: heavy
def test_a_failed_run_keeps_the_previous_output_and_the_attempt(failed_after_kill):
    project, _, before, code, _, err = failed_after_kill
    reports = project / "reports"
    assert code == ExitCode.MISLUKT
    assert snapshot(reports / PERIODE) == before  # the last good output, untouched
    kept = list(reports.glob(f"{PERIODE}.mislukt-*"))
    assert len(kept) == 1 and re.fullmatch(rf"{PERIODE}\.mislukt-\d{{8}}-\d{{4}}(-\d\d)?",
                                            kept[0].name)
    record = json.loads((kept[0] / "run.json").read_text())
    assert record["gepubliceerd"] is False
    assert [failure["onderdeel"] for failure in record["mislukt"]] == ["Overzicht Drenthe"]
    assert record["mislukt"][0]["fout"]
    assert len(list(kept[0].glob("gemeente-GM*.html"))) == 12  # the others were still made
    assert f"de mislukte poging staat in {kept[0]}" in err
    assert f"de vorige rapportages in {reports / PERIODE} zijn bewaard" in err
    assert "Overzicht Drenthe" in err and record["mislukt"][0]["fout"] not in err


@pytest.mark.zwaar  # a run killed with SIGKILL, then another run: heavy
def test_the_failed_attempts_page_speaks_dutch_and_names_no_error(failed_after_kill):
    project, *_ = failed_after_kill
    kept = next((project / "reports").glob(f"{PERIODE}.mislukt-*"))
    record = json.loads((kept / "run.json").read_text())
    page = (kept / "index.html").read_text()
    assert "Deze poging is niet gepubliceerd: 1 van 13 rapportages mislukt." in page
    assert "Overzicht Drenthe (mislukt)" in page
    assert "geen PDF gemaakt: LibreOffice gaf een fout; zie run.json" in \
        record["brieven"]["opmerkingen"] and "LibreOffice" not in page  # staff note: run.json
    assert record["mislukt"][0]["fout"] not in page
    for hidden in (SECRET, "Error", "Traceback", str(project), "/tmp"):
        assert hidden not in page, hidden
    assert any(SECRET in detail for detail in record["brieven"]["details"])


@pytest.fixture
def quick_run(monkeypatch, tmp_path):
    """A run whose notebooks are replaced by instant ones and whose PDFs fail at once."""
    monkeypatch.setattr(notebooks, "execute", instant_notebook)
    monkeypatch.setattr(notebooks, "warm_up", no_warm_up)
    soffice = fake_soffice(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{soffice.parent}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def _refuse(error: int, when):
    """A replacement that raises ``OSError(error)`` when ``when(self/first argument)``."""
    def install(monkeypatch, owner, name):
        original = getattr(owner, name)

        def refusing(target, *args, **kwargs):
            if when(target):
                raise OSError(error, os.strerror(error), str(target))
            return original(target, *args, **kwargs)

        monkeypatch.setattr(owner, name, refusing)
    return install


@pytest.mark.parametrize(("what", "error", "reason"), [
    pytest.param("index", errno.ENOSPC, "schijf vol", marks=pytest.mark.zwaar),
    pytest.param("workbook", errno.ENOSPC, "schijf vol", marks=pytest.mark.zwaar),
    pytest.param("brief", errno.EDQUOT, "schijfquotum vol", marks=pytest.mark.zwaar),
    pytest.param("run.json", errno.EROFS, "de schijf is alleen-lezen",
                 marks=pytest.mark.zwaar),
    ("publiceren", errno.EACCES, "geen schrijfrechten"),
])
def test_a_refused_write_publishes_nothing_and_leaves_no_staging(quick_run, monkeypatch, what,
                                                                 error, reason):
    import openpyxl

    project = quick_run
    previous = project / "reports" / PERIODE
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("vorige")
    owner, name, when = {
        "index": (Path, "write_text", lambda p: "index.html" in Path(p).name),
        "run.json": (Path, "write_text", lambda p: "run.json" in Path(p).name),
        "workbook": (openpyxl.Workbook, "save", lambda book: True),
        "brief": (Path, "write_bytes", lambda p: Path(p).suffix == ".docx"),
        "publiceren": (Path, "rename", lambda p: ".bezig-" in Path(p).name),
    }[what]
    _refuse(error, when)(monkeypatch, owner, name)
    code, _, err = quiet_main(*run_args(project, "--jobs", "1"))
    assert (code, err) == (ExitCode.SCHRIJVEN, f"kan niet schrijven in {previous}: {reason}\n")
    reports = project / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [PERIODE]  # no attempt, no staging
    assert snapshot(previous) == {"index.html": b"vorige"}


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES, errno.ENOSPC])
def test_a_reports_folder_that_refuses_the_lock_stops_before_anything_is_written(
        tmp_path, monkeypatch, error):
    reports = tmp_path / "reports"
    reports.mkdir()
    _refuse(error, lambda path: str(path) == str(reports / ".lock"))(monkeypatch, os, "open")
    code, _, err = quiet_main(*run_args(tmp_path))
    assert code == ExitCode.SCHRIJVEN
    assert err.startswith(f"kan niet schrijven in {reports}: ")
    assert list(reports.iterdir()) == [] and not (tmp_path / "processed").exists()


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES, errno.ENOSPC])
def test_a_processed_folder_that_refuses_the_lock_stops_before_anything_is_written(
        tmp_path, monkeypatch, error):
    processed = tmp_path / "processed"
    _refuse(error, lambda path: str(path) == str(processed / ".lock"))(monkeypatch, os, "open")
    code, _, err = quiet_main(*run_args(tmp_path))
    assert code == ExitCode.SCHRIJVEN
    assert err.startswith(f"kan niet schrijven in {processed}: ")
    assert not processed.exists() and not (tmp_path / "reports").exists()


def test_a_full_processed_folder_is_a_write_failure(quick_run, monkeypatch):
    import pandas as pd

    _refuse(errno.ENOSPC, lambda frame: True)(monkeypatch, pd.DataFrame, "to_parquet")
    code, _, err = quiet_main(*run_args(quick_run))
    assert (code, err) == (ExitCode.SCHRIJVEN,
                           f"kan niet schrijven in {quick_run / 'processed'}: schijf vol\n")
    assert not (quick_run / "reports" / PERIODE).exists()
    assert list((quick_run / "processed").glob("*.parquet")) == []


@pytest.mark.parametrize("command", ["ingest", "bereken"])
def test_ingest_and_bereken_on_a_full_disk_say_so_and_keep_the_previous_tables(
        computed, tmp_path, monkeypatch, command):
    import pandas as pd

    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    before = snapshot(processed)
    _refuse(errno.ENOSPC, lambda frame: True)(monkeypatch, pd.DataFrame, "to_parquet")
    code, _, err = quiet_main(command, "--raw", str(RAW_DIR), "--processed", str(processed),
                              "--opnieuw")
    assert (code, err) == (ExitCode.SCHRIJVEN, f"kan niet schrijven in {processed}: schijf vol\n")
    assert snapshot(processed) == before


def test_a_failing_workbook_is_a_failed_attempt_not_a_crash(quick_run, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError(f"internal {SECRET}")

    monkeypatch.setattr(runner, "write_summary", broken)
    code, _, err = quiet_main(*run_args(quick_run))
    assert code == ExitCode.MISLUKT
    assert "niet gemaakt: Excel-samenvatting" in err
    assert "er waren nog geen rapportages over 2024-H1" in err
    assert not (quick_run / "reports" / PERIODE).exists()
    kept = next((quick_run / "reports").glob(f"{PERIODE}.mislukt-*"))
    page = (kept / "index.html").read_text()
    assert "Excel-samenvatting niet gemaakt" in page and SECRET not in page
    assert "GS-samenvatting" not in page
    record = json.loads((kept / "run.json").read_text())
    assert record["mislukt"] == [{"onderdeel": "Excel-samenvatting",
                                  "fout": f"ValueError: internal {SECRET}"}]


def test_one_failing_municipal_report_keeps_the_previous_output(quick_run, monkeypatch):
    monkeypatch.setattr(notebooks, "execute", one_municipality_fails)
    previous = quick_run / "reports" / PERIODE
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("vorige")
    code, out, err = quiet_main(*run_args(quick_run))
    assert code == ExitCode.MISLUKT and "  - mislukt: De Wolden\n" in err
    assert snapshot(previous) == {"index.html": b"vorige"}
    kept = next((quick_run / "reports").glob(f"{PERIODE}.mislukt-*"))
    assert "De Wolden (mislukt)" in (kept / "index.html").read_text()
    assert SECRET not in out + err + (kept / "index.html").read_text()
    assert json.loads((kept / "run.json").read_text())["mislukt"] == [
        {"onderdeel": "De Wolden", "fout": f"KeyError: '{SECRET}'"}]


def test_only_the_last_failed_attempts_are_kept(tmp_path):
    final = tmp_path / PERIODE
    kept = []
    for number in range(publish.KEEP_FAILED + 2):
        staging = tmp_path / f".{PERIODE}.bezig-{number}"
        staging.mkdir()
        (staging / "run.json").write_text(str(number))
        kept.append(publish.keep_failed(staging, final))
    assert len(set(kept)) == len(kept)  # unique, even within one minute
    assert sorted(kept) == kept  # and sorted in the order they were made
    left = sorted(tmp_path.glob(f"{PERIODE}.mislukt-*"))
    assert left == kept[-publish.KEEP_FAILED:]
    assert [p.joinpath("run.json").read_text() for p in left] == ["2", "3", "4"]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_leftovers_of_killed_runs_are_cleared_and_an_interrupted_publish_undone(tmp_path):
    dead = _dead_pid()
    (tmp_path / f".2024-H1.bezig-{dead}").mkdir()
    (tmp_path / f".2024-H2.oud-{dead}").mkdir()  # its replacement never arrived: put back
    (tmp_path / f".2024-H2.oud-{dead}" / "index.html").write_text("vorige")
    (tmp_path / "2023-H2").mkdir()
    (tmp_path / f".2023-H2.oud-{dead}").mkdir()  # replaced: removed
    (tmp_path / f".2025-H1.bezig-{os.getpid()}").mkdir()  # a process that still runs: kept
    publish.clear_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f".2025-H1.bezig-{os.getpid()}", "2023-H2", "2024-H2"]
    assert (tmp_path / "2024-H2" / "index.html").read_text() == "vorige"


def test_a_publish_that_fails_halfway_puts_the_previous_folder_back(tmp_path, monkeypatch):
    final = tmp_path / PERIODE
    final.mkdir()
    (final / "index.html").write_text("vorige")
    _refuse(errno.ENOSPC, lambda p: ".bezig-" in Path(p).name)(monkeypatch, Path, "rename")
    refused = pytest.raises(WriteFailed, match=f"kan niet schrijven in {final}: schijf vol")
    with refused, publish.staged(final) as attempt:
        (attempt.folder / "index.html").write_text("nieuw")
    assert sorted(p.name for p in tmp_path.iterdir()) == [PERIODE]
    assert (final / "index.html").read_text() == "vorige"


@pytest.mark.parametrize("content", ["bestand", "map"])
def test_voorbeelddata_refuses_a_folder_with_exports(tmp_path, content):
    raw = tmp_path / "raw"
    export = raw / "coa" / "COA_realisatie_taakstelling_2024-07-01.xlsx"
    export.parent.mkdir(parents=True)
    if content == "bestand":
        export.write_bytes(b"echte export")
    before = snapshot(raw)
    code, _, err = quiet_main("voorbeelddata", "--raw", str(raw))
    assert code == ExitCode.INVOER
    assert err.startswith(f"--raw: {raw} is niet leeg;") and "--overschrijven" in err
    assert snapshot(raw) == before


def test_voorbeelddata_refuses_a_file_as_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.write_text("geen map")
    code, _, err = quiet_main("voorbeelddata", "--raw", str(raw))
    assert (code, err) == (ExitCode.INVOER, f"--raw: {raw} is geen map\n")
    assert raw.read_text() == "geen map"


def test_voorbeelddata_overwrites_only_when_asked(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "eigen.txt").write_text("blijft")
    code, out, _ = quiet_main("voorbeelddata", "--raw", str(raw), "--overschrijven")
    assert code == ExitCode.OK and out.startswith("Synthetische voorbeelddata geschreven")
    assert (raw / "eigen.txt").read_text() == "blijft"
    assert len(list(raw.rglob("*.xlsx"))) == len(list(RAW_DIR.rglob("*.xlsx")))


@pytest.mark.parametrize("makes_first", [False, True])
def test_a_failing_libreoffice_is_a_short_dutch_note_with_the_detail_apart(tmp_path,
                                                                          monkeypatch,
                                                                          makes_first):
    soffice = fake_soffice(tmp_path / "bin", makes_first)
    monkeypatch.setenv("PATH", f"{soffice.parent}{os.pathsep}{os.environ['PATH']}")
    documents = []
    for name in ("Brief A", "Brief B"):
        documents.append(tmp_path / f"{name}.docx")
        documents[-1].write_bytes(default_template())
    made, note = to_pdf(documents, tmp_path)
    assert len(made) == makes_first
    expected = ("geen PDF gemaakt van 1 brief: LibreOffice gaf een fout" if makes_first
                else "geen PDF gemaakt: LibreOffice gaf een fout")
    assert note == expected
    assert SECRET in note.detail and "Brief B.pdf" in note.detail
    record = {"periode": PERIODE, "provincie": "Drenthe", "beoordelingskader": "Drenthe",
              "gemaakt_op": "2026-12-01T08:00:00",
              "brieven": letters_record(Brieven(documents, made, [note]), dt.date.today())}
    assert SECRET in record["brieven"]["details"][0]
    page = index_html(record, tmp_path)
    assert record["brieven"]["opmerkingen"] == [f"{expected}; zie run.json"]
    assert expected not in page and SECRET not in page  # a note for staff, not for the page


def test_elsewhere_than_linux_workers_simply_do_not_arm_the_signal(monkeypatch):
    notebooks._prctl.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert notebooks._prctl() is None
        notebooks.die_with_parent(os.getppid() + 1)  # would kill this process on Linux
    finally:
        notebooks._prctl.cache_clear()


def test_a_worker_dies_at_once_when_its_parent_is_already_gone():
    """The race before the signal is armed: a child whose parent is not the one it was given
    ends itself."""
    if notebooks._prctl() is None:
        pytest.skip("alleen op Linux")
    child = subprocess.run([sys.executable, "-c", "from analysis.report.notebooks import "
                            "die_with_parent; die_with_parent(1); print('leeft')"],
                           capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL and child.stdout == ""
