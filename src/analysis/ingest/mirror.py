"""Ingest: every known export under the raw folder into one typed, validated Parquet mirror.

Load inputs (find files, match each to its layout spec), process (type, validate, aggregate
person-level rows), save outputs (Parquet per table, written only when no file has a problem).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import storage
from analysis.domain.art29 import art29_afwijkingen
from analysis.domain.gemeenten import naam
from analysis.domain.periods import periode_of_dates
from analysis.ingest.extract import Extracted, Layout, extract, locate_layout
from analysis.ingest.grenzen import lees_grenzen
from analysis.ingest.opvolgers import naar_opvolgers
from analysis.ingest.repeats import housed_twice, is_correction, repeated_rows
from analysis.ingest.specs import Spec, load_specs
from analysis.ingest.spreadsheet import Book, WorkbookError
from analysis.ingest.vintages import mark_vintages
from analysis.problems import InputError, Problem

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
# Files under the raw folder that other commands or readers read (decision register, letter
# settings and templates, map boundaries), and files an operating system leaves in shared folders.
CONFIG_FILES = ("besluiten/*.toml", "brieven/*", "kaart/*")
SYSTEM_FILES = {"thumbs.db", "desktop.ini"}

# The inventory of files read; 'doel' is the real path of a file reached through a link.
BESTANDEN = ["bron_bestand", "bron", "specificatie", "blad", "rijen", "bestand_hash",
             "gewijzigd", "doel"]

PERSON_KEY = ["persoon_id", "mutatie", "gemeente_code", "datum"]


@dataclass
class IngestResult:
    """The processed tables, the inventory of files read and the warnings to show."""

    tables: dict[str, pd.DataFrame]
    bestanden: pd.DataFrame
    waarschuwingen: list[Problem] = field(default_factory=list)
    overgeslagen: int = 0  # files under the raw folder not read (the first warnings say why)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def _is_config(name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), pattern) for pattern in CONFIG_FILES)


def read_file(path: Path, name: str, specs: list[Spec], engine: str) -> Extracted | list[Problem]:
    """The typed rows of one file by the first spec whose layout fits, or why none fits."""
    try:
        with Book(path, name, engine) as book:  # checks the format and measures first
            digest = file_hash(path)
            attempts = [(spec, locate_layout(spec, book)) for spec in specs]
            for spec, located in attempts:
                if isinstance(located, Layout):
                    return extract(spec, located, name, digest)
    except WorkbookError as error:
        return [error.problem]
    # Report the attempt that came closest: its sheet was present and fewest columns missing.
    failures = [located for _, located in attempts if isinstance(located, list)]
    return min(failures, key=lambda ps: (all(p.blad is None for p in ps), len(ps)))


def _aggregate_persons(persons: pd.DataFrame) -> pd.DataFrame:
    """Person-level rows to counts per municipality and day (the day, because a province may
    count until e.g. 25 January); ids and personal fields do not survive."""
    frame = persons.assign(
        datum=persons["datum"].dt.normalize(),
        nareiziger_telling=persons["telling"].where(persons["nareiziger"].fillna(False), 0),
        is_correctie=is_correction(persons["mutatie"]),
    )
    grouped = frame.groupby(["gemeente_code", "datum"], as_index=False).agg(
        realisatie=("telling", "sum"),
        nareizigers=("nareiziger_telling", "sum"),
        correcties=("is_correctie", "sum"),
        bron_bestand=("bron_bestand", lambda s: ";".join(sorted(set(s)))),
        bron_blad=("bron_blad", "first"),
        bron_rijen=("bron_rij", "size"),
        bestand_hash=("bestand_hash", lambda s: ";".join(sorted(set(s)))),
    )
    return grouped


def _with_periode(frame: pd.DataFrame, date_column: str, offset_days: int = 0) -> pd.DataFrame:
    dates = frame[date_column] - pd.Timedelta(days=offset_days)
    return frame.assign(periode=periode_of_dates(dates))


def _finalise(source: str, frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """Shape one source's rows into its processed table."""
    if source == "tvs_personen":
        table, frame = "realisatie_dag", _aggregate_persons(frame)
    elif source == "coa_overzicht":
        # An overview dated on the first of a month reports the period containing the day before.
        table, frame = source, _with_periode(frame, "peildatum", offset_days=1)
    elif source == "gemeente_rapportage":
        table, frame = source, _with_periode(frame, "maand")
    else:
        table = source
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


def _art29_check(taakstelling: pd.DataFrame) -> list[Problem]:
    """Imported taakstellingen that the art. 29 formula does not give."""
    off = art29_afwijkingen(taakstelling)
    names = naam(off["gemeente_code"])
    return [
        Problem(row.bron_bestand,
                f"gemeente {name} ({row.gemeente_code}), {row.periode}: taakstelling "
                f"{row.taakstelling} wijkt af van de art. 29-formule ({row.art29} = naar boven "
                f"afgerond {row.landelijk_totaal} x {row.inwoners} / {row.inwoners_nederland})",
                row.bron_blad, int(row.bron_rij))
        for row, name in zip(off.itertuples(), names, strict=True)
    ]


def _boundaries_inventory(grenzen: pd.DataFrame, raw_dir: Path) -> list[dict]:
    """The boundaries file in the inventory, like every export: a report made from it records
    its hash."""
    return [{"bron_bestand": name, "bron": "grenzen", "specificatie": "kaart/kaart.toml",
             "blad": rows["bron_blad"].iloc[0], "rijen": len(rows),
             "bestand_hash": rows["bestand_hash"].iloc[0],
             "gewijzigd": dt.datetime.fromtimestamp((raw_dir / name).stat().st_mtime),
             "doel": None}
            for name, rows in grenzen.groupby("bron_bestand")]


def ingest(raw_dir: Path, engine: str = "openpyxl") -> IngestResult:
    """Read, type and validate every known export under ``raw_dir``; raise InputError listing
    every problem of every file when anything is wrong."""
    specs = list(load_specs())
    problems: list[Problem] = []
    warnings: list[Problem] = []  # first the files not read, then the rest
    read_warnings: list[Problem] = []
    frames: dict[str, list[pd.DataFrame]] = {}
    inventory = []
    found = discover(raw_dir)
    problems.extend(found.problems)
    warnings.extend(found.skipped)
    files = [item for item in found.files if not _is_config(item.name)]
    if not any(item.path.suffix.lower() in SPREADSHEET_SUFFIXES for item in files):
        raise InputError(problems or [Problem(str(raw_dir), "map bevat geen Excel-bestanden")])
    for item in files:
        name, path = item.name, item.path
        if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
            warnings.append(Problem(name, "overgeslagen: geen spreadsheet; gelezen worden "
                                          f"{', '.join(sorted(SPREADSHEET_SUFFIXES))}"))
            continue
        matching = [spec for spec in specs if spec.matches(name)]
        if not matching:
            warnings.append(Problem(name, "overgeslagen: geen bekende bron voor dit bestand"))
            continue
        result = read_file(path, name, matching, engine)
        if isinstance(result, list):
            problems.extend(result)
            continue
        problems.extend(result.problems)
        read_warnings.extend(result.waarschuwingen)
        if result.frame is not None:
            frames.setdefault(result.spec.bron, []).append(result.frame)
        if not result.problems:
            inventory.append({
                "bron_bestand": name, "bron": result.spec.bron,
                "specificatie": result.spec.path.name, "blad": result.sheet,
                "rijen": len(result.frame), "bestand_hash": result.file_hash,
                "gewijzigd": dt.datetime.fromtimestamp(path.stat().st_mtime),
                "doel": item.doel,
            })
    grenzen = lees_grenzen(raw_dir)
    problems.extend(grenzen.problemen)
    warnings.extend(grenzen.waarschuwingen)
    inventory.extend(_boundaries_inventory(grenzen.tabel, raw_dir))
    skipped = len(warnings)
    warnings.extend(read_warnings)
    tables: dict[str, pd.DataFrame] = {"grenzen": grenzen.tabel}
    combined = {source: pd.concat(parts, ignore_index=True) for source, parts in frames.items()}
    for source, frame in combined.items():
        combined[source], moved, after_split = naar_opvolgers(source, frame)
        warnings.extend(moved)
        problems.extend(after_split)
    for source, frame in combined.items():
        key = PERSON_KEY if source == "tvs_personen" else storage.TABLES[source]["key"]
        problems.extend(repeated_rows(frame, key))
    if "tvs_personen" in combined:
        problems.extend(housed_twice(combined["tvs_personen"], PERSON_KEY))
    if "coa_overzicht" in combined:
        combined["coa_overzicht"], found = mark_vintages(combined["coa_overzicht"])
        problems.extend(found)
    if problems:
        raise InputError(problems)
    for source, frame in combined.items():
        table, finished = _finalise(source, frame)
        tables[table] = finished
    for name in storage.TABLES:  # a source without files still has its (empty) table
        tables.setdefault(name, storage.empty_table(name))
    warnings.extend(_coa_consistency(tables["coa_overzicht"]))
    warnings.extend(_art29_check(tables["taakstelling"]))
    bestanden = pd.DataFrame(inventory, columns=BESTANDEN).astype({"doel": "string"})
    return IngestResult(tables=tables, bestanden=bestanden, waarschuwingen=warnings,
                        overgeslagen=skipped)


def warnings_frame(warnings: list[Problem]) -> pd.DataFrame:
    """Warnings as a table, for the processed folder and the Excel summary."""
    columns = ["bestand", "blad", "rij", "kolom", "melding"]
    return pd.DataFrame([{c: getattr(w, c) for c in columns} for w in warnings], columns=columns)


def mirror_tables(result: IngestResult) -> dict[str, pd.DataFrame]:
    """Every table of the Parquet mirror: the data, the inventory of files and the warnings."""
    return {**result.tables, "bestanden": result.bestanden,
            "validatie": warnings_frame(result.waarschuwingen)}


BRON_VERDWENEN_OPTIE = "--bron-verdwenen-toestaan"


def previous_inventory(processed_dir: Path) -> pd.DataFrame | None:
    """The inventory of the last ingest, None when there is none (or it cannot be read)."""
    if not storage.has_table(processed_dir, "bestanden"):
        return None
    try:
        return storage.read_table(processed_dir, "bestanden")
    except (OSError, ValueError):
        return None


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
            f"gekoppeld?). Is de bron bewust weg, lees dan in met {BRON_VERDWENEN_OPTIE}"))
    return problems


def checked_ingest(raw_dir: Path, processed_dir: Path, engine: str = "openpyxl",
                   bron_verdwenen_toestaan: bool = False) -> IngestResult:
    """Ingest, compared with what the last ingest into ``processed_dir`` read: a source that
    gave rows last time and none now stops the ingest unless ``bron_verdwenen_toestaan``, when
    it is a warning. Nothing is written."""
    previous = previous_inventory(processed_dir)
    result = ingest(raw_dir, engine)
    vanished = vanished_sources(previous, result.bestanden, raw_dir)
    if vanished and not bron_verdwenen_toestaan:
        raise InputError(vanished)
    result.waarschuwingen.extend(vanished)
    return result


def run_ingest(raw_dir: Path, processed_dir: Path, engine: str = "openpyxl",
               bron_verdwenen_toestaan: bool = False) -> IngestResult:
    """Ingest and, only when everything is valid, publish the tables to ``processed_dir``."""
    result = checked_ingest(raw_dir, processed_dir, engine, bron_verdwenen_toestaan)
    storage.write_ingested(mirror_tables(result), processed_dir)
    return result
