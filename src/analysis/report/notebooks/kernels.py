"""Each worker's warm Jupyter kernel: started once per worker (once the run has read and
computed, and checked what it was asked), listening on Unix sockets only its user may reach,
with one client whose channels stay open between notebooks, and shut down when the worker ends.

Starting a kernel costs more than most reports, so a worker keeps its kernel; a preamble clears
the kernel's namespace before every notebook (see :mod:`.parameters`).
"""

from __future__ import annotations

import contextlib
import os
from functools import partial
from pathlib import Path

from analysis import config
from analysis.locks import alive
from analysis.report.notebooks.worker import _working, die_with_parent

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


def forget_kernel() -> None:
    """Have the next notebook start a new kernel: this one failed to start."""
    global _kernel
    _kernel = None


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
