"""Discovery: every file under the raw folder, each real file once, with what could not be
looked at.

Symbolic links to folders and files are followed (a folder linked to a shared drive); hidden
files, Excel lock files and files an operating system leaves in shared folders are not files to
read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from analysis.problems import Problem

# Files an operating system leaves in shared folders.
SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Gevonden:
    """A file under the raw folder: its name there (with '/'), its path, and where it really
    lives when a symbolic link leads to it (a folder linked to a shared drive)."""

    name: str
    path: Path
    doel: str | None = None


@dataclass
class Inventaris:
    """Every file found under the raw folder, and what could not be looked at."""

    files: list[Gevonden] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # folders that cannot be read
    skipped: list[Problem] = field(default_factory=list)   # links to what is read already


def _hidden(name: str) -> bool:
    return name.startswith(("~$", ".")) or name.lower() in SYSTEM_FILES


def discover(raw_dir: Path) -> Inventaris:
    """Every file under the raw folder, following symbolic links to folders and files (each real
    folder and file once; a link to a folder read already, or to one that contains it, is
    skipped, never looped through), skipping hidden files and Excel lock files. A folder that
    cannot be read and a link to nothing are problems: the files behind them would silently be
    missing."""
    found = Inventaris()
    read: dict[Path, str] = {}  # real folder -> its name under the raw folder
    # (folder, its name with a trailing '/', reached through a link, the real folder holding it)
    pending = [(raw_dir, "", raw_dir.is_symlink(), Path(os.path.realpath(raw_dir)).parent)]
    links: list[tuple[Path, str, bool, Path]] = []
    while pending or links:
        folder, prefix, linked, parent = pending.pop() if pending else links.pop(0)
        real = Path(os.path.realpath(folder))
        shown = prefix.rstrip("/") or str(raw_dir)
        if real in read:
            found.skipped.append(Problem(shown, "overgeslagen: koppeling naar een map die al "
                                                f"wordt gelezen ({read[real]})"))
            continue
        if real == parent or real in parent.parents:
            found.skipped.append(Problem(shown, "overgeslagen: koppeling naar een map erboven "
                                                f"({real}); die zou zichzelf bevatten"))
            continue
        read[real] = shown
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            found.problems.append(Problem(shown, _unreadable(error)))
            continue
        for entry in entries:
            if _hidden(entry.name):
                continue
            name, is_link = prefix + entry.name, entry.is_symlink()
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as error:
                found.problems.append(Problem(name, _unreadable(error, "map of bestand")))
                continue
            if is_dir:  # links wait until every real folder is read, so real names win
                (links if is_link else pending).append(
                    (Path(entry.path), name + "/", linked or is_link, real))
            elif is_file:
                doel = os.path.realpath(entry.path) if linked or is_link else None
                found.files.append(Gevonden(name, Path(entry.path), doel))
            elif is_link:
                found.problems.append(Problem(name, "koppeling naar iets dat niet bestaat "
                                                    f"({os.readlink(entry.path)}); herstel de "
                                                    "koppeling of verwijder haar"))
    _once(found)
    return found


def _once(found: Inventaris) -> None:
    """Keep each real file once, under its own name rather than a link's; the others are
    skipped."""
    first: dict[tuple[int, int], str] = {}
    kept = []
    for item in sorted(found.files, key=lambda item: (item.doel is not None, item.name)):
        try:
            status = item.path.stat()
        except OSError as error:
            found.problems.append(Problem(item.name, _unreadable(error, "bestand")))
            continue
        key = (status.st_dev, status.st_ino)
        if key in first:
            found.skipped.append(Problem(item.name, f"overgeslagen: hetzelfde bestand als "
                                                    f"{first[key]}"))
            continue
        first[key] = item.name
        kept.append(item)
    found.files = sorted(kept, key=lambda item: item.name)


def _unreadable(error: OSError, what: str = "map") -> str:
    if isinstance(error, PermissionError):
        return (f"{what} is niet leesbaar: geen toegang; geef leesrechten of verplaats de "
                "bestanden")
    if isinstance(error, FileNotFoundError):
        return f"{what} bestaat niet"
    return f"{what} is niet leesbaar ({error.strerror or type(error).__name__})"
