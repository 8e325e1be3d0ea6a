"""Write a file atomically: a reader never sees it half-written, and a command stopped by a
signal leaves no temporary file. A write the operating system refuses (disk full, read-only, no
permission) becomes ``WriteFailed``, a Dutch message naming the folder."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis import interrupt

_REASONS = {errno.ENOSPC: "schijf vol", errno.EDQUOT: "schijfquotum vol",
            errno.EROFS: "de schijf is alleen-lezen", errno.EACCES: "geen schrijfrechten",
            errno.EPERM: "geen schrijfrechten", errno.ENOTDIR: "een bestand staat in de weg",
            errno.EEXIST: "een bestand staat in de weg"}


class WriteFailed(Exception):
    """Output could not be written; the message says where and why, in Dutch."""

    def __init__(self, folder: Path, error: OSError):
        code = errno.errorcode.get(error.errno or 0, "onbekend")
        reason = _REASONS.get(error.errno or 0, f"systeemfout {code}")
        super().__init__(f"kan niet schrijven in {folder}: {reason}")
        self.folder = folder
        self.error = error


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Turn a write the operating system refuses inside the block into ``WriteFailed`` for
    ``folder``."""
    try:
        yield
    except OSError as error:
        raise WriteFailed(folder, error) from error


def default_mode() -> int:
    """The mode a plain ``open`` would give a new file: 0666 less the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place, readable
    like any other file the program writes (a temporary file is private to its owner). An
    interrupt (``interrupt.Interrupted``) leaves either the old file or the new one, and no
    temporary file."""
    with writing(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = None
        try:
            with interrupt.deferred():  # no interrupt between creating and recording it
                handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
                os.close(handle)
            write(Path(temporary))
            os.chmod(temporary, default_mode())
            with interrupt.deferred():
                os.replace(temporary, path)
                interrupt.note(path)
        except BaseException:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise
