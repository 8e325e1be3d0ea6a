"""Ingest: every known export under the raw folder into one typed, validated Parquet mirror.

Load inputs (find files, match each to its layout spec), process (type, validate, aggregate
person-level rows), save outputs (Parquet per table, written only when no file has a problem).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import storage
from analysis.hergebruik import ingelezen
from analysis.ingest.bewaard import bewaard, verslag
from analysis.ingest.blokken import ReadWholeError
from analysis.ingest.brieven import TABLE as LETTERS_TABLE
from analysis.ingest.brieven import read_brieven
from analysis.ingest.convert import Extracted, Table, convert, convert_blocks
from analysis.ingest.dekking import (
    periodes_per_bestand,
    taakstelling_folder,
    zonder_taakstelling,
)
from analysis.ingest.discover import Gevonden, discover
from analysis.ingest.extract import Layout, cut, cut_blocks, locate_layout
from analysis.ingest.grenzen import lees_grenzen
from analysis.ingest.opvolgers import naar_opvolgers
from analysis.ingest.register import TABLE as REGISTER_TABLE
from analysis.ingest.register import read_register
from analysis.ingest.repeats import repeated_rows
from analysis.ingest.sources import SOURCES, Source
from analysis.ingest.specs import Spec, load_specs
from analysis.ingest.spreadsheet import Book, WorkbookError
from analysis.ingest.vingerafdruk import gemaakt, vingerafdruk
from analysis.ingest.voortgang import meld_bron
from analysis.options import BRON_VERDWENEN_TOESTAAN, ENGINES
from analysis.problems import InputError, Problem

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
# Files under the raw folder that other commands or readers read (decision register, letter
# settings and templates, map boundaries).
CONFIG_FILES = ("besluiten/*.toml", "brieven/*", "kaart/*")

# The inventory of files read; 'doel' is the real path of a file reached through a link,
# 'eerst_gezien' the day an ingest first read these bytes (from when a re-issued overview
# without its own date counts as known).
BESTANDEN = ["bron_bestand", "bron", "specificatie", "blad", "rijen", "bestand_hash",
             "gewijzigd", "doel", "eerst_gezien"]


@dataclass
class IngestResult:
    """The processed tables, the inventory of files read and the warnings to show."""

    tables: dict[str, pd.DataFrame]
    bestanden: pd.DataFrame
    waarschuwingen: list[Problem] = field(default_factory=list)
    overgeslagen: int = 0  # files under the raw folder not read (the first warnings say why)
    # files with figures for a half-year without a taakstelling (among the warnings too)
    let_op: list[Problem] = field(default_factory=list)
    # per source, what a later ingest needs to take it over (analysis.ingest.bewaard)
    bronnen: dict[str, dict] = field(default_factory=dict)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_config(name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), pattern) for pattern in CONFIG_FILES)


def read_file(path: Path, name: str, specs: list[Spec],
              engine: str) -> Table | Extracted | list[Problem]:
    """The table of one file, cut out by the first spec whose layout fits (its cells still
    untyped), or why none fits. A large sheet read in blocks comes back typed (its rows in
    ``frame``), as typing it block by block is what keeps it from being held whole."""
    try:
        with Book(path, name, engine) as book:  # checks the format and measures first
            digest = file_hash(path)
            attempts = [(spec, locate_layout(spec, book)) for spec in specs]
            for spec, located in attempts:
                if isinstance(located, Layout):
                    return _cut_or_typed(spec, located, book, name, digest)
    except WorkbookError as error:
        return [error.problem]
    # Report the attempt that came closest: its sheet was present and fewest columns missing.
    failures = [located for _, located in attempts if isinstance(located, list)]
    return min(failures, key=lambda ps: (all(p.blad is None for p in ps), len(ps)))


def _cut_or_typed(spec: Spec, layout: Layout, book: Book, name: str,
                  digest: str) -> Table | Extracted:
    """A located table cut, or typed block by block when its sheet is read in blocks (whole
    after all when its rows cannot be read in blocks)."""
    if layout.in_blocks:
        try:
            return convert_blocks(cut_blocks(spec, layout, name, digest, book))
        except ReadWholeError:
            layout = locate_layout(spec, book, whole=True)  # as found in the first blocks
            assert isinstance(layout, Layout)
    return cut(spec, layout, name, digest)


def _finalise(source: Source, frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """Shape one source's rows into its processed table."""
    table, frame = source.table, source.finalise(frame)
    provenance = [c for c in frame.columns if c.startswith(("bron_", "bestand_"))]
    columns = storage.TABLES[table]["columns"] + provenance
    frame = frame.reindex(columns=columns)  # optional metadata may be absent from a layout
    return table, frame.sort_values(storage.TABLES[table]["key"]).reset_index(drop=True)


def _coa_consistency(coa: pd.DataFrame) -> list[Problem]:
    """COA's own arithmetic: gecorrigeerde taakstelling = taakstelling - voor/achterstand."""
    off = coa[coa["opgave"] != coa["taakstelling"] - coa["stand_begin"]]
    return [
        Problem(row.bron_bestand, f"gecorrigeerde taakstelling {row.opgave} is niet taakstelling "
                                  f"{row.taakstelling} min stand {row.stand_begin}",
                row.bron_blad, int(row.bron_rij))
        for row in off.itertuples()
    ]


def _boundaries_inventory(grenzen: pd.DataFrame, raw_dir: Path) -> list[dict]:
    """The boundaries file in the inventory, like every export: a report made from it records
    its hash."""
    return [{"bron_bestand": name, "bron": SOURCES["grenzen"].naam,
             "specificatie": "kaart/kaart.toml",
             "blad": rows["bron_blad"].iloc[0], "rijen": len(rows),
             "bestand_hash": rows["bestand_hash"].iloc[0],
             "gewijzigd": dt.datetime.fromtimestamp((raw_dir / name).stat().st_mtime),
             "doel": None}
            for name, rows in grenzen.groupby("bron_bestand")]


def _readable(files: list[Gevonden], specs: list[Spec],
              warnings: list[Problem]) -> list[tuple[Gevonden, list[Spec]]]:
    """Each spreadsheet with the specs its name matches; a warning for every other file."""
    readable = []
    for item in files:
        if item.path.suffix.lower() not in SPREADSHEET_SUFFIXES:
            warnings.append(Problem(item.name, "overgeslagen: geen spreadsheet; gelezen worden "
                                               f"{', '.join(sorted(SPREADSHEET_SUFFIXES))}"))
            continue
        matching = [spec for spec in specs if spec.matches(item.name)]
        if not matching:
            warnings.append(Problem(item.name, "overgeslagen: geen bekende bron voor dit "
                                               "bestand"))
            continue
        readable.append((item, matching))
    return readable


# The files of one spec are typed together until they hold this many rows (a large export is
# typed on its own, so that the grids of several are not held at once).
BATCH_ROWS = 100_000


def _read_by_source(readable: list[tuple[Gevonden, list[Spec]]], engine: str
                    ) -> tuple[dict[str, Extracted | list[Problem]], dict[str, list[pd.DataFrame]]]:
    """Every file read, source by source (the source of the first spec its name matches),
    with a progress line per source on a terminal: each file's result by its name, and per
    source the typed rows of its files, in batches of files typed together."""
    groups: dict[str, list[tuple[Gevonden, list[Spec]]]] = {}
    for item, matching in readable:
        groups.setdefault(matching[0].bron, []).append((item, matching))
    order = {bron: index for index, bron in enumerate(SOURCES)}
    results: dict[str, Extracted | list[Problem]] = {}
    frames: dict[str, list[pd.DataFrame]] = {}

    def typed(tables: list[Table]) -> None:
        extracted, frame = convert(tables)
        results.update((table.name, result) for table, result in zip(tables, extracted,
                                                                     strict=True))
        frames.setdefault(tables[0].spec.bron, []).append(frame)

    for bron in sorted(groups, key=lambda bron: (order.get(bron, len(order)), bron)):
        started = time.perf_counter()
        pending: dict[Spec, list[Table]] = {}
        for item, matching in groups[bron]:
            found = read_file(item.path, item.name, matching, engine)
            if isinstance(found, list):
                results[item.name] = found
                continue
            if isinstance(found, Extracted):  # typed already, block by block
                frames.setdefault(found.spec.bron, []).append(found.frame)
                found.frame = None
                results[item.name] = found
                continue
            batch = pending.setdefault(found.spec, [])
            batch.append(found)
            if sum(len(table.blank) for table in batch) >= BATCH_ROWS:
                typed(pending.pop(found.spec))
        for batch in pending.values():
            typed(batch)
        label = SOURCES[bron].label if bron in SOURCES else bron
        meld_bron(label, len(groups[bron]), time.perf_counter() - started)
    return results, frames


def _in_file_order(frames: list[pd.DataFrame], order: dict[str, int]) -> pd.DataFrame:
    """One source's typed rows, its batches joined, in the order of their files."""
    if len(frames) == 1:
        return frames[0]
    frame = pd.concat(frames, ignore_index=True)
    ordinal = frame["bron_bestand"].map(order).to_numpy()
    if (np.diff(ordinal) < 0).any():
        frame = frame.iloc[np.argsort(ordinal, kind="stable")].reset_index(drop=True)
    return frame


def ingest(raw_dir: Path, engine: str = ENGINES[0], afdruk: dict | None = None,
           vorige: Path | None = None) -> IngestResult:
    """Read, type and validate every known export under ``raw_dir``; raise InputError listing
    every problem of every file when anything is wrong. With the fingerprint ``afdruk`` of
    ``raw_dir`` the result says per source what a later ingest may take over; with ``vorige``
    (the processed folder of the last ingest) a source whose files are all unchanged is taken
    over from there instead of read (:mod:`analysis.ingest.bewaard`)."""
    specs = list(load_specs())
    problems: list[Problem] = []
    warnings: list[Problem] = []  # first the files not read, then the rest
    read_warnings: list[Problem] = []
    inventory = []
    found = discover(raw_dir)
    problems.extend(found.problems)
    warnings.extend(found.skipped)
    files = [item for item in found.files if not _is_config(item.name)]
    if not any(item.path.suffix.lower() in SPREADSHEET_SUFFIXES for item in files):
        raise InputError(problems or [Problem(str(raw_dir), "map bevat geen Excel-bestanden")])
    readable = _readable(files, specs, warnings)
    groups: dict[str, list[str]] = {}  # source -> its files, by the first spec each matches
    for item, matching in readable:
        groups.setdefault(matching[0].bron, []).append(item.name)
    kept = bewaard(vorige, afdruk, groups) if vorige is not None and afdruk is not None else {}
    results, frames = _read_by_source(
        [(item, matching) for item, matching in readable if matching[0].bron not in kept], engine)
    sources: list[str] = []  # in the order of their first file
    files_of: dict[str, list[str]] = {}
    said: dict[str, list[Problem]] = {}  # per file read now, what reading it said
    for item, matching in readable:  # in the order of the files' names, whatever the order read
        name, path, bron = item.name, item.path, matching[0].bron
        if bron in kept:
            sources += [] if bron in sources else [bron]
            read_warnings.extend(kept[bron].waarschuwingen.get(name, []))
            inventory.append(kept[bron].inventaris[name])
            continue
        result = results[name]
        if isinstance(result, list):
            problems.extend(result)
            continue
        problems.extend(result.problems)
        read_warnings.extend(result.waarschuwingen)
        said[name] = result.waarschuwingen
        files_of.setdefault(result.spec.bron, []).append(name)
        if result.spec.bron not in sources:
            sources.append(result.spec.bron)
        if not result.problems:
            inventory.append({
                "bron_bestand": name, "bron": result.spec.bron,
                "specificatie": result.spec.path.name, "blad": result.sheet,
                "rijen": result.rows, "bestand_hash": result.file_hash,
                "gewijzigd": dt.datetime.fromtimestamp(path.stat().st_mtime),
                "doel": item.doel,
            })
    started = time.perf_counter()
    grenzen = lees_grenzen(raw_dir)
    if len(grenzen.tabel):
        meld_bron(SOURCES["grenzen"].label, grenzen.tabel["bron_bestand"].nunique(),
                  time.perf_counter() - started)
    problems.extend(grenzen.problemen)
    warnings.extend(grenzen.waarschuwingen)
    inventory.extend(_boundaries_inventory(grenzen.tabel, raw_dir))
    skipped = len(warnings)
    warnings.extend(read_warnings)
    tables: dict[str, pd.DataFrame] = {SOURCES["grenzen"].table: grenzen.tabel}
    order = {item.name: index for index, (item, _) in enumerate(readable)}
    combined = {source: _in_file_order(frames[source], order) for source in sources
                if source not in kept}
    moved_by_source: dict[str, list[Problem]] = {}
    for source in sources:
        if source in kept:
            warnings.extend(kept[source].verhuisd)
            continue
        combined[source], moved, after_split = naar_opvolgers(source, combined[source])
        moved_by_source[source] = moved
        warnings.extend(moved)
        problems.extend(after_split)
    for source, frame in combined.items():
        problems.extend(repeated_rows(frame, list(SOURCES[source].key)))
    for source, frame in combined.items():
        if SOURCES[source].check is not None:
            problems.extend(SOURCES[source].check(frame))
    for source, frame in combined.items():
        if SOURCES[source].mark is not None:
            combined[source], marked = SOURCES[source].mark(frame)
            problems.extend(marked)
    if problems:
        raise InputError(problems)
    for source, frame in combined.items():
        table, finished = _finalise(SOURCES[source], frame)
        tables[table] = finished
    for source, taken in kept.items():
        tables[SOURCES[source].table] = taken.tabel
    for name in storage.TABLES:  # a source without files still has its (empty) table
        if name not in tables:
            tables[name] = storage.empty_table(name)
    warnings.extend(_coa_consistency(tables["coa_overzicht"]))
    periodes = {bron: kept[bron].periodes if bron in kept
                else periodes_per_bestand(bron, combined[bron]) for bron in sources}
    notes = zonder_taakstelling(periodes, tables["taakstelling"],
                                taakstelling_folder(specs, raw_dir))
    warnings.extend(notes)
    bestanden = pd.DataFrame(inventory, columns=BESTANDEN).astype(
        {"doel": "string", "eerst_gezien": "datetime64[ns]"})
    records = {} if afdruk is None else {
        bron: verslag({name: afdruk["bestanden"].get(name) for name in files_of[bron]},
                      {name: said[name] for name in files_of[bron]}, moved_by_source[bron],
                      periodes[bron])
        for bron in sources if bron not in kept}
    if afdruk is not None and kept:  # what the last ingest recorded of the sources taken over
        records |= {bron: (ingelezen(vorige) or {})["bronnen"][bron] for bron in kept}
    return IngestResult(tables=tables, bestanden=bestanden, waarschuwingen=warnings,
                        overgeslagen=skipped, let_op=notes, bronnen=records)


def warnings_frame(warnings: list[Problem]) -> pd.DataFrame:
    """Warnings as a table, for the processed folder and the Excel summary."""
    columns = ["bestand", "blad", "rij", "kolom", "melding"]
    return pd.DataFrame([{c: getattr(w, c) for c in columns} for w in warnings], columns=columns)


def mirror_tables(result: IngestResult) -> dict[str, pd.DataFrame]:
    """Every table of the Parquet mirror: the data, the inventory of files and the warnings."""
    return {**result.tables, "bestanden": result.bestanden,
            "validatie": warnings_frame(result.waarschuwingen)}



def previous_inventory(processed_dir: Path) -> pd.DataFrame | None:
    """The inventory of the last ingest, None when there is none (or it cannot be read)."""
    if not storage.has_table(processed_dir, "bestanden"):
        return None
    try:
        return storage.read_table(processed_dir, "bestanden")
    except (OSError, ValueError):
        return None


def first_seen(now: pd.DataFrame, previous: pd.DataFrame | None,
               today: dt.date | None = None) -> pd.Series:
    """Per file read now, the day an ingest first read the same bytes: from the last
    inventory where it holds them, else today."""
    day = pd.Timestamp(today or dt.date.today())
    known: dict[str, pd.Timestamp] = {}
    if previous is not None and {"bestand_hash", "eerst_gezien"} <= set(previous.columns):
        known = previous.dropna(subset=["eerst_gezien"]).groupby("bestand_hash")[
            "eerst_gezien"].min().to_dict()
    return pd.to_datetime(now["bestand_hash"].map(known)).fillna(day).astype("datetime64[ns]")


def vanished_sources(previous: pd.DataFrame | None, now: pd.DataFrame,
                     raw_dir: Path) -> list[Problem]:
    """A problem for every source whose files gave rows last time while none give rows now:
    most often a folder that is not there (a shared drive not mounted, a link broken), which
    would otherwise empty its table and everything computed from it."""
    if previous is None or not {"bron", "bron_bestand", "rijen"} <= set(previous.columns):
        return []
    before = previous.groupby("bron").agg(bestanden=("bron_bestand", "size"),
                                          rijen=("rijen", "sum"))
    after = now.groupby("bron")["rijen"].sum().reindex(before.index).fillna(0)
    problems = []
    for bron, row in before[(before["rijen"] > 0) & (after == 0)].iterrows():
        names = previous.loc[previous["bron"] == bron, "bron_bestand"].astype(str)
        folder = os.path.commonpath([os.path.dirname(name) or "." for name in names])
        problems.append(Problem(
            str(raw_dir / folder), f"bron {bron}: vorige keer {row['bestanden']} bestanden met "
            f"{row['rijen']} rijen, nu geen; controleer de map (is een netwerkschijf niet "
            f"gekoppeld?). Is de bron bewust weg, lees dan in met {BRON_VERDWENEN_TOESTAAN}"))
    return problems


def _settings(read: Callable[[Path], pd.DataFrame],
              raw_dir: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A settings file's table (the decisions register, the letters'), or the problems with
    its form."""
    try:
        return read(raw_dir), []
    except InputError as error:
        return None, error.problems


def checked_ingest(raw_dir: Path, processed_dir: Path, engine: str = ENGINES[0],
                   bron_verdwenen_toestaan: bool = False,
                   brieven: pd.DataFrame | None = None, afdruk: dict | None = None,
                   overnemen: bool = True) -> IngestResult:
    """Ingest, compared with what the last ingest into ``processed_dir`` read: a source that
    gave rows last time and none now stops the ingest unless ``bron_verdwenen_toestaan``, when
    it is a warning. ``brieven`` is the letters' table when already read (by
    :func:`read_brieven`: the run checks the letters before it starts). With the raw folder's
    fingerprint ``afdruk``, the sources whose files are unchanged are taken over from
    ``processed_dir`` unless not ``overnemen``. Nothing is written."""
    previous = previous_inventory(processed_dir)
    register, problems = _settings(read_register, raw_dir)
    letters, letter_problems = ((brieven, []) if brieven is not None
                                else _settings(read_brieven, raw_dir))
    problems += letter_problems
    try:
        result = ingest(raw_dir, engine, afdruk, processed_dir if overnemen else None)
    except InputError as error:
        raise InputError(problems + error.problems) from None
    if problems:
        raise InputError(problems)
    result.tables[REGISTER_TABLE] = register
    result.tables[LETTERS_TABLE] = letters
    result.bestanden["eerst_gezien"] = first_seen(result.bestanden, previous)
    vanished = vanished_sources(previous, result.bestanden, raw_dir)
    if vanished and not bron_verdwenen_toestaan:
        raise InputError(vanished)
    result.waarschuwingen.extend(vanished)
    return result


def run_ingest(raw_dir: Path, processed_dir: Path, engine: str = ENGINES[0],
               bron_verdwenen_toestaan: bool = False, afdruk: dict | None = None,
               overnemen: bool = True) -> IngestResult:
    """Ingest and, only when everything is valid, publish the tables to ``processed_dir`` with
    the fingerprint of what was read (``afdruk``, taken before reading when not given: a file
    that changes while it is read is read again next time); unless not ``overnemen``, a
    source whose files are unchanged is taken over, not read."""
    afdruk = afdruk if afdruk is not None else vingerafdruk(raw_dir, engine)
    result = checked_ingest(raw_dir, processed_dir, engine, bron_verdwenen_toestaan,
                            afdruk=afdruk, overnemen=overnemen)
    tables = mirror_tables(result)
    storage.write_ingested(tables, processed_dir, None if afdruk is None else gemaakt(
        afdruk, list(tables), [str(note) for note in result.let_op], result.bronnen))
    return result
