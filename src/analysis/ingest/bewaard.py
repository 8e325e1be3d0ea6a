"""Sources taken over from the last ingest: a source whose files are all as that ingest read
them (the same bytes, modification time and link target; the same reader and program) keeps its
processed table, its rows of the inventory and what was said about its files, so that only the
sources with a changed, added or removed file are read again.

Exact, because a source's table depends on its own files only: repeated rows, persons housed
twice, herindelingen and vintages are all settled within one source, and what concerns several
(COA's arithmetic, the art. 29 check, files without a taakstelling, a source that vanished) is
checked again on the tables. The person-level export is kept as its aggregated table: its rows
were never stored, and a change to one of its files reads all of them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import storage
from analysis.hergebruik import ingelezen
from analysis.ingest.sources import SOURCES
from analysis.ingest.vingerafdruk import tabellen_zoals_geschreven
from analysis.problems import Problem


@dataclass(frozen=True)
class Bewaard:
    """One source as the last ingest left it."""

    tabel: pd.DataFrame
    inventaris: dict[str, dict]  # per file, its row of the inventory
    waarschuwingen: dict[str, list[Problem]]  # per file, what reading it said
    verhuisd: list[Problem]  # rows of ended municipalities given to their successor
    periodes: dict[str, list[str]]  # per file, the half-years its figures are about


def _as_list(problem: Problem) -> list:
    return [problem.bestand, problem.melding, problem.blad, problem.rij, problem.kolom]


def _as_problems(rows: list[list]) -> list[Problem]:
    return [Problem(*row) for row in rows]


def verslag(bestanden: dict[str, list], waarschuwingen: dict[str, list[Problem]],
            verhuisd: list[Problem], periodes: dict[str, list[str]]) -> dict:
    """What the fingerprint keeps of one source read now (:class:`Bewaard` without its table
    and inventory, which are in the processed folder): its files' fingerprints, and what was
    said about them."""
    return {"bestanden": bestanden,
            "waarschuwingen": {name: [_as_list(p) for p in found]
                               for name, found in waarschuwingen.items() if found},
            "verhuisd": [_as_list(p) for p in verhuisd], "periodes": periodes}


def bewaard(processed: Path, afdruk: dict, groepen: dict[str, list[str]]) -> dict[str, Bewaard]:
    """Per source (of ``groepen``: source -> its files now) whose files are all as the last
    ingest into ``processed`` read them, by the fingerprint ``afdruk`` of the raw folder now,
    what that ingest left; none when the reader or the program changed or a table is not as
    that ingest wrote it."""
    stored = ingelezen(processed)
    if (stored is None or not isinstance(stored.get("bronnen"), dict)
            or any(stored.get(key) != afdruk[key] for key in ("programma", "engine"))
            or not tabellen_zoals_geschreven(processed, stored.get("tabellen"))):
        return {}
    same = [bron for bron, names in groepen.items()
            if bron in SOURCES and isinstance(stored["bronnen"].get(bron), dict)
            and stored["bronnen"][bron].get("bestanden")
            == {name: afdruk["bestanden"].get(name) for name in names}]
    if not same:
        return {}
    inventory = storage.read_table(processed, "bestanden").set_index("bron_bestand", drop=False)
    kept = {}
    for bron in same:
        record = stored["bronnen"][bron]
        rows = inventory[inventory["bron"] == bron]
        kept[bron] = Bewaard(
            tabel=storage.read_table(processed, SOURCES[bron].table),
            inventaris={str(name): row.to_dict() for name, row in rows.iterrows()},
            waarschuwingen={name: _as_problems(found)
                            for name, found in record.get("waarschuwingen", {}).items()},
            verhuisd=_as_problems(record.get("verhuisd", [])),
            periodes={name: list(found) for name, found in record.get("periodes", {}).items()})
    return kept
