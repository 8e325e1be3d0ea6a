"""Executing one notebook in a worker: its cells run by nbclient in the worker's warm kernel,
the executed notebook and its HTML page written, a kernel that failed to start retried once,
and an error turned into a failed :class:`Outcome` (its last line, without colours).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from analysis.interrupt import Interrupted
from analysis.report.notebooks import worker
from analysis.report.notebooks.html_export import _write_html
from analysis.report.notebooks.kernels import (
    _language_info,
    _worker_client,
    forget_kernel,
    worker_kernel,
)
from analysis.report.notebooks.parameters import _prepared
from analysis.report.notebooks.plan import Outcome, Task


def _kernel_failed_to_start(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return any(word in text for word in ("Kernel died", "kernel_info", "Kernel didn't respond",
                                         "NoSuchKernel", "Timeout waiting"))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours of a kernel's traceback


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
    with worker._working():
        return _execute(task, folder)


def _execute(task: Task, folder: str) -> Outcome:
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
            if worker._stopping:  # a stop a library turned into an error of its own
                raise Interrupted(worker._stopping) from None
            if attempts == 1 and _kernel_failed_to_start(error):
                forget_kernel()
                continue
            _write_notebook(notebook, executed)
            message = _ANSI.sub("", str(error)).strip().splitlines()
            return Outcome(task.naam, task.html, "mislukt", time.perf_counter() - start,
                           message[-1] if message else type(error).__name__, attempts)
    _write_notebook(notebook, executed)
    _write_html(notebook, Path(folder) / task.html)
    return Outcome(task.naam, task.html, "gelukt", time.perf_counter() - start, None, attempts)
