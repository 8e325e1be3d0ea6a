"""Write outputs atomically: a reader never sees a half-written file or a half-updated set."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_tables(tables: dict[str, pd.DataFrame], directory: Path,
                 keep_others: bool = False) -> None:
    """Write every table as ``<name>.parquet``; all are staged first, then moved into place.
    Unless ``keep_others``, tables of an earlier run that this run did not produce are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, frame in tables.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            os.close(handle)
            staged.append((Path(temporary), directory / f"{name}.parquet"))
            frame.to_parquet(temporary, index=False)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in staged:
        os.replace(temporary, final)
    produced = {final for _, final in staged}
    for stale in [] if keep_others else directory.glob("*.parquet"):
        if stale not in produced:
            stale.unlink()
