"""What made the processed tables, told without reading them: so that an ingest or a
computation whose inputs are unchanged is recognised in a fraction of a second, before pandas is
imported or a workbook opened, and its work is not done twice.

Ingest stores a fingerprint of everything it read (each file's bytes, modification time and link
target, the reader, the program) as ``ingelezen.json`` beside its tables; ``bereken`` records in
its manifest which fingerprint and which kader file it computed from. Both are written with the
tables they describe, and removed before those tables are replaced, so a fingerprint never
describes tables it did not come with.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from analysis.config import PACKAGE_DIR

INGELEZEN = "ingelezen.json"
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


def sha256_bestand(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_tekst(value: object) -> str:
    """SHA-256 of a JSON value in a canonical form."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def programma() -> str:
    """SHA-256 over every file of the installed package (code, layout specs, kaders, reference
    tables, templates): any change to the program makes earlier results unknown to it."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def lees_json(path: Path) -> dict | None:
    """A JSON object from ``path``; None when it is missing or unreadable (then nothing is
    reused and the work is done afresh)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def ingelezen(processed: Path) -> dict | None:
    """The fingerprint of the last ingest into ``processed``, if any."""
    return lees_json(processed / INGELEZEN)


def stempels(processed: Path, tabellen: list[str]) -> dict[str, list[int]]:
    """Size and modification time of each table's file (``[-1, -1]`` when missing): a table
    replaced by other means than an ingest is not the one a computation was made from."""
    stamps = {}
    for name in tabellen:
        try:
            stat = (processed / f"{name}.parquet").stat()
            stamps[name] = [stat.st_size, stat.st_mtime_ns]
        except OSError:
            stamps[name] = [-1, -1]
    return stamps


def herkomst(processed: Path, kader_sha256: str) -> dict | None:
    """What a computation from the tables in ``processed`` records to be reused later: the
    ingest's fingerprint (its digest), the tables' files as they are, the program and the
    kader file; None when the tables came without a fingerprint."""
    stored = ingelezen(processed)
    if stored is None or not isinstance(stored.get("tabellen"), list):
        return None
    return {"ingelezen": sha256_tekst(stored), "tabellen": stempels(processed, stored["tabellen"]),
            "programma": programma(), "kader": kader_sha256}


def berekend_uit(processed: Path) -> dict | None:
    """What the last ``bereken`` into ``processed`` computed from, as its manifest records it:
    :func:`herkomst`, with the manifest itself; None when there is no such record."""
    manifest = lees_json(processed / MANIFEST)
    if manifest is None or not isinstance(manifest.get("vingerafdruk"), dict):
        return None
    return {**manifest["vingerafdruk"], "manifest": manifest}


def berekening_geldig(processed: Path, kader: Path, kennisdatum: str) -> dict | None:
    """The manifest of the last ``bereken`` when it was computed from the tables in
    ``processed`` as they are, by this program, with the same kader file and date of knowledge
    (ISO); None when anything differs and the computation must be done afresh."""
    made = berekend_uit(processed)
    if made is None or not kader.is_file():
        return None
    now = herkomst(processed, sha256_bestand(kader))
    same = (now is not None and all(made.get(key) == value for key, value in now.items())
            and made["manifest"].get("kennisdatum") == kennisdatum)
    return made["manifest"] if same else None
