"""Publishing a run's output: a lock per reports folder, and a staging folder that replaces
the published one only when it is complete."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunLocked(Exception):
    """Another run holds the lock on the reports folder."""


class Lock:
    """A lock file beside the reports; a lock left by a process that no longer runs is taken."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                owner = self.path.read_text().strip()
                if owner.isdigit() and _alive(int(owner)):
                    raise RunLocked(f"er loopt al een run (proces {owner}); lock: "
                                    f"{self.path}") from None
                self.path.unlink(missing_ok=True)
                continue
            os.write(handle, str(os.getpid()).encode())
            os.close(handle)
            return self
        raise RunLocked(f"lock {self.path} kon niet worden gezet")

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish_folder(staging: Path, final: Path) -> None:
    """Replace the folder ``final`` by the finished ``staging`` folder beside it."""
    old = final.with_name(f".{final.name}.oud-{os.getpid()}")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged(final: Path) -> Iterator[Path]:
    """A fresh folder beside ``final`` to write into; it replaces ``final`` as a whole when the
    block ends without an error, and is removed otherwise."""
    staging = final.with_name(f".{final.name}.bezig-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
        publish_folder(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
