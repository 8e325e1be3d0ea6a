"""Stopping on request: SIGTERM, or SIGINT (Ctrl-C), ends a command like a failed run.

While a command runs (:func:`stopping_on_signals`), both signals raise :class:`Interrupted` in
the process that installed the handlers, so every ``finally`` and ``with`` block runs: staging
folders and temporary files are removed, the lock is released and the worker processes are
stopped. Moving finished output into place is a :func:`deferred` stretch: a signal in it takes
effect when the output is wholly in place, never halfway. What a command replaced before it was
stopped is noted (:func:`note`), so that its last message can say so.

A library may catch the ``Interrupted`` and raise an error of its own instead (openpyxl turns
any exception in a conversion into a ``TypeError``), or drop it. So the request stands until the
command ends: every deferred stretch starts by raising it again (:func:`check`), so nothing is
moved into place after it, and ``main`` asks once more when the command ends, by an error or not.

A process forked from the one that installed the handlers (a worker) does not inherit them in
effect: a signal there acts as if no handler were installed, unless the worker installs its own.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIGNALS = (signal.SIGTERM, signal.SIGINT)
PROCESSED = "verwerkt"  # the kind of a note on the processed tables; the rest is "gepubliceerd"


class Interrupted(BaseException):
    """The command was told to stop by a signal. A ``BaseException``, like
    ``KeyboardInterrupt``, so that no ``except Exception`` takes it for a failure of its own."""

    def __init__(self, signum: int):
        super().__init__(signum)  # the only argument: it is rebuilt from it when pickled
        self.signum = signum

    @property
    def naam(self) -> str:
        """The signal's name: 'SIGTERM', 'SIGINT'."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signaal {self.signum}"

    def __str__(self) -> str:
        return f"gestopt door {self.naam}"


_owner = 0  # the process whose handlers are installed; 0 when none are
_stopping = False  # an Interrupted was raised: later signals are ignored while it cleans up
_deferring = 0  # depth of deferred() stretches
_requested = 0  # the signal that asked this command to stop; 0 while none did
_noted: dict[Path, str] = {}  # what the command replaced, wholly: path -> kind


def _handler(signum: int, frame: object) -> None:
    global _requested
    if os.getpid() != _owner:  # a forked process that kept the handler: as if it had none
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if _stopping:
        return
    _requested = _requested or signum
    if not _deferring:
        raise stop(signum)


def stop(signum: int) -> Interrupted:
    """The ``Interrupted`` to raise for ``signum``; from now on, further signals are ignored so
    that the cleanup it sets off is not cut short."""
    global _stopping, _requested
    _stopping = True
    _requested = _requested or signum
    return Interrupted(_requested)


def check() -> None:
    """Raise ``Interrupted`` if a signal asked this command to stop, even when the one raised
    then was caught or turned into another error on the way."""
    if _requested and os.getpid() == _owner:
        raise stop(_requested)


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT raise ``Interrupted`` in this process (only in
    the main thread, where Python runs signal handlers; elsewhere nothing changes). A signal
    this process was started ignoring stays ignored (a command started in the background of a
    shell that has no job control is not stopped by Ctrl-C). The previous handlers are restored
    afterwards."""
    global _owner, _stopping, _deferring, _requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS
                if signal.getsignal(signum) is not signal.SIG_IGN}
    _owner, _stopping, _deferring, _requested = os.getpid(), False, 0, 0
    _noted.clear()
    for signum in previous:
        signal.signal(signum, _handler)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        _owner = 0


@contextmanager
def deferred() -> Iterator[None]:
    """A stretch an interrupt must not cut in two (files moved into place, a temporary file
    created and recorded): a signal in it raises ``Interrupted`` at its end, once it is done.
    None starts once a signal asked the command to stop."""
    global _deferring
    if not _deferring:
        check()
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if not _deferring:
        check()


def note(path: Path, kind: str = "gepubliceerd") -> None:
    """Note that ``path`` was replaced, wholly, by this command."""
    if _owner == os.getpid():
        _noted[Path(path)] = kind


def forget(folder: Path) -> None:
    """Forget what was noted in ``folder`` (a staging folder that is removed or renamed)."""
    for path in [path for path in _noted if path == folder or folder in path.parents]:
        del _noted[path]


def noted() -> dict[Path, str]:
    """What this command replaced before it was stopped, in the order it did so."""
    return dict(_noted)
