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
:func:`.worker._stop`; Ctrl-C in a terminal reaches the workers too), refuses the ones still
queued, and lets the worker end as usual, shutting down its kernel and removing its socket
folder.

This module is the run's side: the pool and executing every task on it. The workers' side is in
:mod:`.plan` (the tasks and their outcomes), :mod:`.worker` (a worker's lifetime),
:mod:`.kernels` (its warm kernel), :mod:`.parameters` (papermill), :mod:`.execution` (one
notebook) and :mod:`.html_export` (the page). The pool submits :func:`warm_up` and
:func:`execute` as this module's names, looked up when called, so that replacing them here
(as tests do) replaces what the workers run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from analysis.interrupt import Interrupted, stop
from analysis.report.notebooks.execution import execute
from analysis.report.notebooks.html_export import _exporter, export_html
from analysis.report.notebooks.kernels import _clear_stale_sockets, warm_up, worker_kernel
from analysis.report.notebooks.plan import Outcome, Task, tasks
from analysis.report.notebooks.worker import _prctl, _start_worker, die_with_parent

__all__ = ["STOP_SECONDS", "Outcome", "Task", "WorkerPool", "_exporter", "_prctl",
           "die_with_parent", "execute", "execute_all", "export_html", "tasks", "warm_up",
           "worker_kernel", "worker_pool"]


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
