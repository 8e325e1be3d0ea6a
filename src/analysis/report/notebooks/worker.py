"""A worker process's lifetime: it dies with the run that started it (on Linux by a signal the
kernel sends when the parent dies, even by ``kill -9``), and a stop (SIGTERM, or Ctrl-C in a
terminal) ends the work at hand at once and refuses any after it.

The same death-with-the-parent is armed in each worker's kernel, right after its fork.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from analysis.interrupt import Interrupted

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
