"""The fingerprint of a raw folder as ingest reads it, and whether the last ingest into a
processed folder read exactly that: the same files (bytes, modification time, link target), the
same reader and the same program (layout specs included). Cheap by design: it hashes files but
opens no workbook and imports no pandas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analysis.domain.datums import tijdstip_tekst
from analysis.hergebruik import INGELEZEN, ingelezen, programma, sha256_bestand
from analysis.ingest.discover import discover
from analysis.options import OPNIEUW


@dataclass(frozen=True)
class Ongewijzigd:
    """An ingest found unchanged: what the one line about it says."""

    bestanden: int
    ingelezen_op: str  # ISO date and time of the ingest that read them

    def regel(self, processed: Path) -> str:
        return (f"Niets gewijzigd sinds de inlezing van {tijdstip_tekst(self.ingelezen_op)}: "
                f"dezelfde {self.bestanden} bestanden, specificaties en "
                f"programmaversie; de verwerkte gegevens in {processed} zijn hergebruikt "
                f"(opnieuw inlezen: {OPNIEUW}).")


def vingerafdruk(raw_dir: Path, engine: str) -> dict | None:
    """What an ingest of ``raw_dir`` would read; None when a folder or file cannot be looked
    at (the ingest itself then says which)."""
    found = discover(raw_dir)
    if found.problems:
        return None
    bestanden = {}
    try:
        for item in found.files:
            bestanden[item.name] = [sha256_bestand(item.path), item.path.stat().st_mtime_ns,
                                    item.doel]
    except OSError:
        return None
    return {"programma": programma(), "engine": engine, "bestanden": bestanden,
            "overgeslagen": [str(problem) for problem in found.skipped]}


def gemaakt(afdruk: dict, tabellen: list[str], let_op: list[str], bronnen: dict) -> dict:
    """The fingerprint as stored with the tables it describes, with the notes about files
    with figures for a half-year without a taakstelling (``let_op``: a reused ingest still
    tells them) and per source what a later ingest needs to take it over (``bronnen``)."""
    return {**afdruk, "tabellen": sorted(tabellen), "let_op": let_op, "bronnen": bronnen,
            "ingelezen_op": dt.datetime.now().isoformat(timespec="seconds")}


def ongewijzigd(raw_dir: Path, processed: Path, engine: str,
                afdruk: dict | None = None) -> Ongewijzigd | None:
    """The last ingest into ``processed`` when it read exactly what ``raw_dir`` holds now with
    ``engine`` and this program, and its tables are all there; else None. ``afdruk`` is the
    fingerprint of ``raw_dir`` when computed already."""
    stored = ingelezen(processed)
    if stored is None:
        return None
    now = afdruk if afdruk is not None else vingerafdruk(raw_dir, engine)
    if now is None or any(stored.get(key) != value for key, value in now.items()):
        return None
    if not tabellen_zoals_geschreven(processed, stored.get("tabellen")):
        return None
    return Ongewijzigd(len(now["bestanden"]), str(stored.get("ingelezen_op")))


def tabellen_zoals_geschreven(processed: Path, tables: object) -> bool:
    """Whether every table the fingerprint lists is there as the ingest wrote it: none is
    missing or was written after the fingerprint (which is written after them)."""
    if not isinstance(tables, list):
        return False
    try:
        written = (processed / INGELEZEN).stat().st_mtime_ns
        return all((processed / f"{name}.parquet").stat().st_mtime_ns <= written
                   for name in tables)
    except OSError:
        return False
