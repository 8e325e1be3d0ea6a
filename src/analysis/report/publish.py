"""Publishing a run's output: a staging folder that replaces the published one only when
everything in it was made (the lock per reports folder is :mod:`analysis.locks`'s).

An attempt that did not make everything is kept beside the published folder as
``<periode>.mislukt-<tijd>`` (the last ``KEEP_FAILED``), so the last good output stays in place.
A run stopped by a signal removes its staging folder itself (the signal takes effect between
the renames that publish, not amid them); what a killed run leaves (``.<periode>.bezig-<pid>``,
``.<periode>.oud-<pid>``) is cleared by the next run, and a version set aside for a successor
that never arrived is current again."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from analysis import interrupt
from analysis.atomic import WriteFailed, writing
from analysis.locks import alive

KEEP_FAILED = 3  # failed attempts kept per period; older ones are removed
_LEFTOVER = re.compile(r"\.(?P<naam>.+)\.(?P<soort>bezig|oud)-(?P<pid>\d+)")
_KEPT = re.compile(r"(?P<naam>[^.].*)\.versie-\d+")


def clear_leftovers(reports: Path) -> None:
    """Remove what runs that were killed left in ``reports``: staging folders of processes that
    no longer run, and a previous output set aside for replacement, which is put back if its
    replacement never arrived."""
    for entry in sorted(reports.iterdir()) if reports.is_dir() else []:
        kept = _KEPT.fullmatch(entry.name)
        if kept and not reports.joinpath(kept["naam"]).exists():
            # a version set aside for its successor, which never arrived: it is still current
            with writing(reports):
                newest = max(reports.glob(f"{kept['naam']}.versie-*"),
                             key=lambda path: int(path.name.rsplit("-", 1)[1]))
                newest.rename(reports / kept["naam"])
            continue
        found = _LEFTOVER.fullmatch(entry.name)
        if not found or not entry.is_dir() or alive(int(found["pid"])):
            continue
        published = entry.with_name(found["naam"])
        with writing(reports):
            if found["soort"] == "oud" and not published.exists():
                entry.rename(published)
            else:
                shutil.rmtree(entry)


def publish_folder(staging: Path, final: Path, keep_as: Path | None = None) -> None:
    """Replace the folder ``final`` by the finished ``staging`` folder beside it; if that fails
    halfway, ``final`` is put back. With ``keep_as``, the previous folder is kept there as it
    is (an earlier version), else removed. An interrupt takes effect once both are in place."""
    old = keep_as or final.with_name(f".{final.name}.oud-{os.getpid()}")
    with interrupt.deferred():
        if final.exists():
            final.rename(old)
        try:
            staging.rename(final)
        except OSError:
            if old.exists():
                old.rename(final)
            raise
        interrupt.forget(staging)
        interrupt.note(final)
        if keep_as is None:
            shutil.rmtree(old, ignore_errors=True)


def keep_failed(staging: Path, final: Path) -> Path:
    """Keep a failed attempt beside ``final`` as ``<naam>.mislukt-<tijd>``; only the last
    ``KEEP_FAILED`` are kept."""
    stamp = f"{final.name}.mislukt-{dt.datetime.now():%Y%m%d-%H%M}"
    numbers = [int(found[1] or 1) for path in final.parent.glob(f"{stamp}*")
               if (found := re.fullmatch(r"-(\d+)|()", path.name[len(stamp):]))]
    # numbered past the highest of this minute, so names sort in the order they were made
    kept = final.with_name(f"{stamp}-{max(numbers) + 1:02d}" if numbers else stamp)
    with interrupt.deferred():
        staging.rename(kept)
        interrupt.forget(staging)
        interrupt.note(kept)
        for old in sorted(final.parent.glob(f"{final.name}.mislukt-*"))[:-KEEP_FAILED]:
            shutil.rmtree(old, ignore_errors=True)
    return kept


@dataclass
class Attempt:
    """The staging folder of one attempt, and what the caller found missing in it."""

    folder: Path
    mislukt: list[str] = field(default_factory=list)  # empty: everything was made
    bewaard: Path | None = None  # where a failed attempt was kept


@contextmanager
def staged(final: Path, keep_as: Path | None = None) -> Iterator[Attempt]:
    """A fresh folder beside ``final`` to write into. When the block ends, it replaces
    ``final`` as a whole if nothing is marked ``mislukt`` (the previous ``final`` kept as
    ``keep_as`` where given), else it is kept as a failed attempt and ``final`` stays as it was;
    on an error or an interrupt it is removed. A write the system
    refuses is a ``WriteFailed`` naming ``final``, never the staging folder."""
    staging = final.with_name(f".{final.name}.bezig-{os.getpid()}")
    try:
        with writing(final):
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
        attempt = Attempt(staging)
        yield attempt
        if attempt.mislukt:
            attempt.bewaard = keep_failed(staging, final)
        else:
            publish_folder(staging, final, keep_as)
    except WriteFailed as error:
        raise WriteFailed(final, error.error) from error.error
    except OSError as error:
        raise WriteFailed(final, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        interrupt.forget(staging)
