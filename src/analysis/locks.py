"""Locks on the folders commands write: one run at a time per reports folder (:class:`Lock`),
and per processed folder one command that writes it or any number that read it
(:class:`ProcessedLock`). A command that finds a folder taken stops with :class:`RunLocked`
(exit code 3) and a Dutch message naming the other process; nothing is written.

The processed folder's lock is an advisory lock of the system (``flock``) on
``<processed>/.lock``: exclusive for ``ingest``, ``bereken`` and ``run``, shared for the commands
that read the computed result. The system drops it when its process ends, however it ends, so a
lock of a process that was killed is taken over by the next command (its file stays until
then). The process that writes notes its number and command in the file, for the message of the
one that finds it taken.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

from analysis.atomic import writing


class RunLocked(Exception):
    """Another process holds the lock on a reports or processed folder."""


class Lock:
    """A lock file beside the reports; a lock left by a process that no longer runs is taken."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Lock:
        with writing(self.path.parent):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for _ in range(2):
                try:
                    handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    owner = self.path.read_text().strip()
                    if owner.isdigit() and alive(int(owner)):
                        raise RunLocked(f"er loopt al een run (proces {owner}); lock: "
                                        f"{self.path}") from None
                    self.path.unlink(missing_ok=True)
                    continue
                try:
                    os.write(handle, str(os.getpid()).encode())
                finally:
                    os.close(handle)
                return self
        raise RunLocked(f"lock {self.path} kon niet worden gezet")

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):  # a lock left behind is taken by the next run
            self.path.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs; a killed one not yet reaped (a zombie) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] not in "ZX"
    return True


class ProcessedLock:
    """The processed folder held by ``opdracht``: exclusively when it ``writes`` the folder,
    shared otherwise (see the module). The lock file goes when the last holder lets go, and a
    folder the lock made goes with it when nothing was written in it."""

    NAME = ".lock"

    def __init__(self, folder: Path, opdracht: str, writes: bool):
        self.folder, self.opdracht, self.writes = Path(folder), opdracht, writes
        self.path = self.folder / self.NAME
        self._handle: int | None = None
        self._made_folder = False

    def __enter__(self) -> ProcessedLock:
        if not self.writes and not self.folder.is_dir():
            return self  # nothing to read: the command says so itself
        if not self.writes:
            try:
                self._handle = self._locked()
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                # a folder this user may only read: read it without a lock, writing nothing
            return self
        self._made_folder = not self.folder.exists()
        try:
            with writing(self.folder):
                self.folder.mkdir(parents=True, exist_ok=True)
                handle = self._locked()
        except BaseException:
            if self._made_folder:
                with contextlib.suppress(OSError):
                    self.folder.rmdir()  # nothing written, not even the folder
            raise
        self._handle = handle
        if self.writes:
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()} {self.opdracht}\n".encode(), 0)
        return self

    def _locked(self) -> int:
        """The lock file, opened and locked."""
        for _ in range(3):  # a lock file removed between its opening and its locking
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                self._lock(handle)
            except BaseException:
                os.close(handle)
                raise
            if self._current(handle):
                return handle
            os.close(handle)
        raise RunLocked(f"lock {self.path} kon niet worden gezet")

    def _lock(self, handle: int) -> None:
        try:
            fcntl.flock(handle, (fcntl.LOCK_EX if self.writes else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 200, 0).decode("utf-8", "replace").split()
            raise RunLocked(self._taken(holder)) from None

    def _current(self, handle: int) -> bool:
        """Whether the locked file is still the folder's lock file (its last holder may have
        removed it in between)."""
        try:
            return os.fstat(handle).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def _taken(self, holder: list[str]) -> str:
        """Why the folder cannot be had now, in Dutch, naming the process that holds it."""
        where = f"de verwerkte gegevens in {self.folder}"
        if len(holder) >= 2 and holder[0].isdigit() and alive(int(holder[0])):
            who = f"'{holder[1]}' (proces {holder[0]}) schrijft {where}"
        else:
            who = f"een andere opdracht leest {where}"
        return (f"{who}; deze opdracht ('{self.opdracht}') wacht daar niet op: probeer het "
                f"opnieuw als die klaar is (lock: {self.path})")

    def __exit__(self, *exc: object) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no one else holds it
            self.path.unlink()
            if self._made_folder:
                self.folder.rmdir()  # only when empty
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)
