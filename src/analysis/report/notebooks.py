"""Executing the report notebooks: a pool of worker processes, each keeping one warm Jupyter
kernel, the notebooks' parameters injected by papermill, their cells run by nbclient, and each
worker writing the executed notebook and its HTML page without code.

The worker processes start their kernels while the run is still reading the exports; a preamble
clears each kernel's namespace before every notebook, so reports share only imported modules.
One failing notebook does not stop the others. The workers and their kernels die with the run:
on Linux the kernel sends them SIGKILL when their parent dies, even by ``kill -9``; elsewhere
only ipykernel's own poll of its parent remains (it ends a kernel whose worker is gone).

A run that stops on an error or a signal stops its workers first (:meth:`WorkerPool.stop`):
each is sent SIGTERM, which ends the notebook it executes at once (a worker's own handler,
:func:`_stop`; Ctrl-C in a terminal reaches the workers too), refuses the ones still queued,
and lets the worker end as usual, shutting down its kernel and removing its socket folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.config import TEMPLATES_DIR
from analysis.domain import gemeenten
from analysis.domain.periods import periode_tekst
from analysis.interrupt import Interrupted, stop
from analysis.report.publish import alive


@dataclass
class Task:
    """One notebook to execute."""

    naam: str
    notebook: str
    parameters: dict
    html: str
    titel: str = ""  # the page's title: 'De Wolden, 1e helft 2024 — toezicht …'


@dataclass
class Outcome:
    """What became of one notebook."""

    naam: str
    html: str
    status: str
    seconden: float
    fout: str | None = None  # the error's last line, for run.json only
    pogingen: int = 1


def _kernel_failed_to_start(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return any(word in text for word in ("Kernel died", "kernel_info", "Kernel didn't respond",
                                         "NoSuchKernel", "Timeout waiting"))


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@cache
def _prctl():
    """Linux's prctl, looked up before any fork (a forked child should only call it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when its parent ``parent`` dies; run in a child right after
    the fork. If the parent died before that, this process ends at once. Elsewhere nothing."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


# No output history (``Out``, ``_``) and no input history on disk: the reports use neither, and
# without an output cache nothing of one report outlives the reset before the next. No check of
# every cell for a top-level ``await`` (no report has one): it parses each cell once more.
_KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--InteractiveShell.cache_size=0",
                     "--HistoryManager.enabled=False", "--InteractiveShell.autoawait=False"]

# Run once in each kernel, when the worker connects: import what the reports need, and have the
# kernel's logger drop its debug lines before making them (traitlets leaves the logger at DEBUG
# and filters in its handler, which costs every message a log record).
_KERNEL_SETUP = ("import logging, analysis.report.charts, analysis.report.views\n"
                 "get_ipython().kernel.log.setLevel(logging.ERROR)")

_kernel = None  # this process's kernel, reused for every notebook it executes
_kernel_owner = 0  # the process that started it: a forked worker inherits the variable only


_SOCKETS = "analysis-kernel-"  # then the worker's pid and a random part


def _clear_stale_sockets(temp: Path) -> None:
    """Remove the socket folders of workers that are gone without removing them (killed)."""
    import shutil

    for folder in temp.glob(f"{_SOCKETS}*-*"):
        pid = folder.name[len(_SOCKETS):].split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and folder.stat().st_uid == os.getuid() and not alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _sockets() -> dict:
    """Where a kernel listens: on POSIX, Unix sockets in a folder of this worker that only its
    user may enter, removed when the worker ends (or by the next worker, when it was killed).
    TCP ports on localhost would be chosen by binding and releasing them, so kernels starting
    together can pick the same one ("Address already in use"), and any local user could reach
    them. Elsewhere TCP, as Jupyter does."""
    if os.name != "posix":
        return {}
    import shutil
    import tempfile
    from multiprocessing import util

    _clear_stale_sockets(Path(tempfile.gettempdir()))
    folder = tempfile.mkdtemp(prefix=f"{_SOCKETS}{os.getpid()}-")
    util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                  exitpriority=0)
    return {"transport": "ipc", "ip": os.path.join(folder, "kernel")}


def worker_kernel():
    """This process's kernel, started on first use and shut down when the process ends.

    Starting a kernel and importing pandas and matplotlib in it costs more than a report itself,
    so each worker keeps one kernel; a preamble clears its namespace before every notebook, so
    the reports share nothing but the imported modules."""
    global _kernel, _kernel_owner
    if _kernel is None or _kernel_owner != os.getpid() or not _kernel.is_alive():
        from multiprocessing import util

        from jupyter_client.manager import KernelManager

        # Asynchronous clients for nbclient: a blocking one would run its calls in a helper
        # thread, and a forked worker waits forever on one its parent had started.
        _kernel = KernelManager(kernel_name="python3",
                                client_class="jupyter_client.asynchronous.AsyncKernelClient",
                                **_sockets())
        _kernel_owner = os.getpid()
        # before the start, which an interrupt may cut short once the kernel is launched
        util.Finalize(_kernel, _shut_down, args=(_kernel,), exitpriority=10)
        _kernel.start_kernel(extra_arguments=_KERNEL_ARGUMENTS,
                             cwd=str(config.NOTEBOOKS_DIR),
                             preexec_fn=partial(die_with_parent, os.getpid()))
    return _kernel


def _shut_down(kernel) -> None:
    """Stop ``kernel`` at once and remove its connection file, whatever state it is in (a
    start cut short by an interrupt); when the worker ends, not a word on its stderr."""
    with contextlib.suppress(Exception):
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)
    with contextlib.suppress(Exception):
        kernel.cleanup_connection_file()


def warm_up() -> None:
    """Start this worker's kernel and connect to it, so that a run can do this while it is still
    reading the exports. A failure here is left to the first notebook."""
    with _working(), contextlib.suppress(Exception):
        _worker_client()


_stopping = 0  # the signal that told this worker to stop; 0 while it goes on
_busy = False  # it executes a notebook or starts its kernel: a stop ends that at once


def _stop(signum: int, frame: object) -> None:
    """A worker's handler of SIGTERM and SIGINT: end the work at hand by ``Interrupted``
    (which the pool hands back to the run), refuse any work after it, and end when the pool
    tells it to; when idle, only note it. Never a word on stderr."""
    global _stopping
    if _stopping:
        return
    _stopping = signum
    if _busy:
        raise Interrupted(signum)


@contextmanager
def _working() -> Iterator[None]:
    """A stretch of work that a stop ends at once; none starts after a stop, and none that
    went on ends as if there had been none."""
    global _busy
    if _stopping:
        raise Interrupted(_stopping)
    _busy = True
    try:
        yield
    finally:
        _busy = False
    if _stopping:  # one that a library caught on the way
        raise Interrupted(_stopping)


def _start_worker(parent: int) -> None:
    """The pool's initialiser: this worker's own handlers of SIGTERM (how the pool stops it)
    and of SIGINT unless the run ignores that, not the run's, which it inherited; and death
    with its parent ``parent``."""
    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _stop)
    die_with_parent(parent)


STOP_SECONDS = 10  # a worker still there this long after it was told to stop is killed


class WorkerPool(ProcessPoolExecutor):
    """The run's worker processes. Leaving its ``with`` block normally waits for them to finish
    their work and end; leaving it by an exception or an interrupt stops them first."""

    def __init__(self, jobs: int):
        before = set(multiprocessing.active_children())
        super().__init__(max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(),))
        for _ in range(jobs):
            self.submit(warm_up)
        # the workers these started (forked ones all start at the first)
        self.workers = [process for process in multiprocessing.active_children()
                        if process not in before]
        self._stopped = False

    def stop(self) -> None:
        """End every worker now: the notebooks they execute end, the queued ones are dropped,
        and each worker ends as usual (its kernel shut down, its socket folder removed), or is
        killed after ``STOP_SECONDS``. Returns when they are gone."""
        if self._stopped:
            return
        self._stopped = True
        for process in self.workers:
            process.terminate()  # SIGTERM, unless it is gone already
        deadline = threading.Timer(STOP_SECONDS, _kill, args=(self.workers,))
        deadline.daemon = True
        deadline.start()
        try:
            self.shutdown(wait=True, cancel_futures=True)
        finally:
            deadline.cancel()
        _clear_stale_sockets(Path(tempfile.gettempdir()))  # of a worker that had to be killed

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.stop()
        return super().__exit__(kind, value, traceback)


def _kill(workers: list) -> None:
    for process in workers:
        with contextlib.suppress(OSError, ValueError):
            process.kill()


def worker_pool(jobs: int) -> WorkerPool:
    """Worker processes, which die with this one, whose kernels start right away, in the
    background."""
    _prctl()
    return WorkerPool(max(1, jobs))


# Run first in every notebook executed by the runner (and left out of the HTML, like all code):
# clear what the previous report left in the kernel. The kernel keeps no output history (see
# ``_KERNEL_ARGUMENTS``), so this reset has nothing to collect; the ``%reset -f`` magic would
# also run two full garbage collections, a tenth of a second each.
_PREAMBLE = "get_ipython().reset(new_session=False)"


@cache
def _source(path: str, modified: int):
    """The notebook as written, read by papermill once per process (again when it changes)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(path)


def _prepared(task: Task):
    """The notebook to execute: its parameters injected by papermill, after the preamble, with
    the page's title."""
    import copy

    import nbformat
    from papermill.execute import prepare_notebook_metadata
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(_source(task.notebook, os.stat(task.notebook).st_mtime_ns))
    notebook.metadata["title"] = task.titel  # the exported page's <title>
    notebook.cells.insert(0, nbformat.v4.new_code_cell(_PREAMBLE, id="voorbereiding",
                                                       metadata={"tags": []}))
    notebook = parameterize_notebook(notebook, task.parameters, kernel_name="python3")
    for cell in notebook.cells:  # papermill gives its parameters cell a random id
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "ingevoegde-parameters"
    return prepare_notebook_metadata(notebook, task.notebook, "")


@cache
def _exporter():
    """One HTML exporter per process, on the project's template, validating the notebook once
    (after its preprocessors) rather than after each of them."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its last pass of the page through BeautifulSoup,
        which adds an English alt text to images without one and tab stops to JupyterLab's
        cells: the template gives every chart its own alt text and has no such cells."""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", Highlight2HTML(
                pygments_lexer=language.get("pygments_lexer", language.get("name")),
                parent=self))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporter(template_name="rapport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                    exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                    optimistic_validation=True)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours of a kernel's traceback


_client = None  # this worker's connected client of its kernel, reused for every notebook
_client_kernel = None  # the kernel it connects to
_language_info: dict = {}  # the kernel's language, asked once per kernel


def _worker_client():
    """A client of this worker's kernel whose channels stay open between notebooks: opening
    them costs a fifth of a second per notebook (``wait_for_ready`` listens that long for
    stray messages), more than many reports take to run."""
    global _client, _client_kernel
    kernel = worker_kernel()
    if _client is None or _client_kernel is not kernel:
        from nbclient.util import run_sync

        if _client is not None:
            _client.stop_channels()
            _client = None
        client = kernel.client()
        client.start_channels()
        try:  # kept only once the kernel answered and is set up
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)(_KERNEL_SETUP, silent=True, timeout=120)
        except BaseException:
            client.stop_channels()
            raise
        client.allow_stdin = False
        _client, _client_kernel = client, kernel
        _language_info.clear()
    return _client


def _run(notebook) -> None:
    """Execute the notebook's cells in this process's kernel with nbclient, cell by cell as
    papermill does, without papermill's bookkeeping (the notebook written and validated before
    and after), on the worker's open client."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, km=worker_kernel(), kernel_name="python3",
                            record_timing=False)
    client.kc = _worker_client()
    if not _language_info:
        reply = client.wait_for_reply(client.kc.kernel_info())
        _language_info.update(reply["content"]["language_info"])
    for index, cell in enumerate(notebook.cells):
        client.execute_cell(cell, index)
    notebook.metadata["language_info"] = dict(_language_info)


def _write_notebook(notebook, path: Path) -> None:
    """The executed notebook as it ran (nbformat's JSON, without validating it once more)."""
    from nbformat import v4

    path.write_text(v4.writes(notebook), encoding="utf-8")


def execute(task: Task, folder: str) -> Outcome:
    """Execute one notebook in this process's kernel, its parameters injected by papermill, and
    write it and its HTML page; a kernel that fails to start is retried once. A stop
    (``Interrupted``) ends it at once."""
    with _working():
        return _execute(task, folder)


def _execute(task: Task, folder: str) -> Outcome:
    global _kernel

    start = time.perf_counter()
    executed = Path(folder) / "notebooks" / f"{Path(task.html).stem}.ipynb"
    attempts = 0
    while True:
        attempts += 1
        notebook = _prepared(task)
        try:
            _run(notebook)
            break
        except Exception as error:
            if _stopping:  # a stop a library turned into an error of its own
                raise Interrupted(_stopping) from None
            if attempts == 1 and _kernel_failed_to_start(error):
                _kernel = None
                continue
            _write_notebook(notebook, executed)
            message = _ANSI.sub("", str(error)).strip().splitlines()
            return Outcome(task.naam, task.html, "mislukt", time.perf_counter() - start,
                           message[-1] if message else type(error).__name__, attempts)
    _write_notebook(notebook, executed)
    _write_html(notebook, Path(folder) / task.html)
    return Outcome(task.naam, task.html, "gelukt", time.perf_counter() - start, None, attempts)


def _write_html(notebook, path: Path) -> None:
    body, _ = _exporter().from_notebook_node(notebook)
    path.write_text(body, encoding="utf-8")


def export_html(outcome: Outcome, folder: Path) -> None:
    """An executed notebook in ``folder/notebooks`` as its HTML page without code."""
    import nbformat

    start = time.perf_counter()
    executed = folder / "notebooks" / f"{Path(outcome.html).stem}.ipynb"
    _write_html(nbformat.read(executed, as_version=4), folder / outcome.html)
    outcome.seconden += time.perf_counter() - start


def tasks(periode: str, provincie: str, codes: list[str], processed: Path) -> list[Task]:
    """The province overview and one report per municipality; codes are passed as text."""
    about = f"{periode_tekst(periode)} — toezicht huisvesting vergunninghouders"
    items = [Task(f"Overzicht {provincie}", str(config.NOTEBOOKS_DIR / "provincie.ipynb"),
                  {"provincie": provincie, "periode": periode, "processed": str(processed)},
                  "overzicht.html", f"{provincie}, overzicht {about}")]
    names = gemeenten.naam(pd.Series(codes))
    for code, name in sorted(zip(codes, names, strict=True), key=lambda pair: pair[1]):
        items.append(Task(name, str(config.NOTEBOOKS_DIR / "gemeente.ipynb"),
                          {"gemeente_code": code, "periode": periode,
                           "processed": str(processed)}, f"gemeente-{code}.html",
                          f"{name}, {about}"))
    return items


def _progress(total: int):
    """A progress bar on a terminal, plain log lines otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="notebook", desc="Rapportages")
        return lambda outcome: bar.update(1)
    return lambda outcome: print(f"{outcome.status}: {outcome.naam} ({outcome.seconden:.1f} s)",
                                 flush=True)


def execute_all(todo: list[Task], folder: Path, pool: ProcessPoolExecutor) -> list[Outcome]:
    """Execute every task on the pool's workers and export each to HTML; outcomes in the order
    of ``todo``. On an error or an interrupt the workers are stopped before it ends, so none
    writes into ``folder`` any more."""
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    report = _progress(len(todo))
    outcomes: list[Outcome] = []
    try:
        futures = {pool.submit(execute, task, str(folder)): task for task in todo}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Interrupted as error:  # a worker was told to stop: so is the run
                raise stop(error.signum) from None
            except Exception as error:  # the worker itself died (BrokenProcessPool)
                task = futures[future]
                outcome = Outcome(task.naam, task.html, "mislukt", 0.0,
                                  f"{type(error).__name__}: {error}")
            if outcome.status == "gelukt" and not (folder / outcome.html).exists():
                export_html(outcome, folder)  # a notebook executed without its page
            outcomes.append(outcome)
            report(outcome)
    except BaseException:
        if isinstance(pool, WorkerPool):
            pool.stop()
        raise
    order = {task.html: number for number, task in enumerate(todo)}
    return sorted(outcomes, key=lambda outcome: order[outcome.html])
