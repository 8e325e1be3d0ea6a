"""Executing the report notebooks: a pool of worker processes, each keeping one warm Jupyter
kernel, papermill for the notebooks, and HTML without code exported by the parent process.

The worker processes start their kernels while the run is still reading the exports; a preamble
clears each kernel's namespace before every notebook, so reports share only imported modules.
One failing notebook does not stop the others. The workers and their kernels die with the run:
on Linux the kernel sends them SIGKILL when their parent dies, even by ``kill -9``; elsewhere
only ipykernel's own poll of its parent remains (it ends a kernel whose worker is gone).
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.config import TEMPLATES_DIR
from analysis.domain import gemeenten
from analysis.domain.periods import periode_tekst


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


_kernel = None  # this process's kernel, reused for every notebook it executes
_kernel_owner = 0  # the process that started it: a forked worker inherits the variable only


def worker_kernel():
    """This process's kernel, started on first use and shut down when the process ends.

    Starting a kernel and importing pandas and matplotlib in it costs more than a report itself,
    so each worker keeps one kernel; a preamble clears its namespace (``%reset -f``) before
    every notebook, so the reports share nothing but the imported modules."""
    global _kernel, _kernel_owner
    if _kernel is None or _kernel_owner != os.getpid() or not _kernel.is_alive():
        from multiprocessing import util

        from jupyter_client.manager import KernelManager

        _kernel, _kernel_owner = KernelManager(kernel_name="python3"), os.getpid()
        _kernel.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"],
                             cwd=str(config.NOTEBOOKS_DIR),
                             preexec_fn=partial(die_with_parent, os.getpid()))
        util.Finalize(_kernel, _kernel.shutdown_kernel, kwargs={"now": True}, exitpriority=10)
    return _kernel


def warm_up() -> None:
    """Start this worker's kernel and import what the reports need, so that a run can do this
    while it is still reading the exports. A failure here is left to the first notebook."""
    try:
        client = worker_kernel().client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            client.execute_interactive("import analysis.report.charts, analysis.report.views",
                                       timeout=120)
        finally:
            client.stop_channels()
    except Exception:
        pass


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes, which die with this one, whose kernels start right away, in the
    background."""
    _prctl()
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=die_with_parent,
                               initargs=(os.getpid(),))
    for _ in range(max(1, jobs)):
        pool.submit(warm_up)
    return pool


# Run first in every notebook executed by the runner (and left out of the HTML, like all code):
# clear what the previous report left in the kernel, and draw figures as laid out.
_PREAMBLE = "%reset -f\n%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}"


def _with_preamble(path: str, titel: str = ""):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["title"] = titel  # the exported page's <title>
    cell = nbformat.v4.new_code_cell(_PREAMBLE, id="voorbereiding")
    notebook.cells.insert(0, cell)
    return notebook


@cache
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="rapport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                        exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours of a kernel's traceback


def execute(task: Task, folder: str) -> Outcome:
    """Execute one notebook with papermill in this process's kernel; a kernel that fails to
    start is retried once."""
    global _kernel
    import papermill

    start = time.perf_counter()
    executed = Path(folder) / "notebooks" / f"{Path(task.html).stem}.ipynb"
    attempts = 0
    while True:
        attempts += 1
        try:
            papermill.execute_notebook(_with_preamble(task.notebook, task.titel), str(executed),
                                       parameters=task.parameters,
                                       kernel_name="python3", progress_bar=False,
                                       log_output=False, km=worker_kernel(),
                                       request_save_on_cell_execute=False)
            break
        except Exception as error:
            if attempts == 1 and _kernel_failed_to_start(error):
                _kernel = None
                continue
            message = _ANSI.sub("", str(error)).strip().splitlines()
            return Outcome(task.naam, task.html, "mislukt", time.perf_counter() - start,
                           message[-1] if message else type(error).__name__, attempts)
    return Outcome(task.naam, task.html, "gelukt", time.perf_counter() - start, None, attempts)


def export_html(outcome: Outcome, folder: Path) -> None:
    """The executed notebook as HTML without code (done by the parent process, so the workers
    go on with the next notebook meanwhile)."""
    import nbformat

    start = time.perf_counter()
    executed = folder / "notebooks" / f"{Path(outcome.html).stem}.ipynb"
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:  # papermill gives its parameters cell a random id
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "ingevoegde-parameters"
    body, _ = _exporter().from_notebook_node(notebook)
    (folder / outcome.html).write_text(body, encoding="utf-8")
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
    of ``todo``."""
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    report = _progress(len(todo))
    outcomes: list[Outcome] = []
    futures = {pool.submit(execute, task, str(folder)): task for task in todo}
    for future in as_completed(futures):
        try:
            outcome = future.result()
        except Exception as error:  # the worker itself died (BrokenProcessPool)
            task = futures[future]
            outcome = Outcome(task.naam, task.html, "mislukt", 0.0,
                              f"{type(error).__name__}: {error}")
        if outcome.status == "gelukt":
            export_html(outcome, folder)
        outcomes.append(outcome)
        report(outcome)
    order = {task.html: number for number, task in enumerate(todo)}
    return sorted(outcomes, key=lambda outcome: order[outcome.html])
