"""Ingest: every known export under the raw folder into one typed, validated Parquet mirror.

Load inputs (find files, match each to its layout spec), process (type, validate, aggregate
person-level rows), save outputs (Parquet per table, written only when no file has a problem).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import storage
from analysis.domain.art29 import art29_afwijkingen
from analysis.domain.gemeenten import naam
from analysis.domain.periods import periode_of_dates
from analysis.ingest.extract import Extracted, Layout, extract, locate_layout
from analysis.ingest.opvolgers import naar_opvolgers
from analysis.ingest.specs import Spec, load_specs
from analysis.ingest.spreadsheet import Book, WorkbookError, check_xlsx
from analysis.ingest.vintages import mark_vintages
from analysis.problems import InputError, Problem

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

PERSON_KEY = ["persoon_id", "mutatie", "gemeente_code", "datum"]


@dataclass
class IngestResult:
    """The processed tables, the inventory of files read and the warnings to show."""

    tables: dict[str, pd.DataFrame]
    bestanden: pd.DataFrame
    waarschuwingen: list[Problem] = field(default_factory=list)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def discover(raw_dir: Path) -> list[Path]:
    """Spreadsheet files under the raw folder, skipping Excel lock files and hidden files."""
    return sorted(
        path for path in raw_dir.rglob("*")
        if path.is_file() and path.suffix.lower() in SPREADSHEET_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


def read_file(path: Path, name: str, specs: list[Spec], engine: str) -> Extracted | list[Problem]:
    """The typed rows of one file by the first spec whose layout fits, or why none fits."""
    try:
        check_xlsx(path, name)
        digest = file_hash(path)
        with Book(path, name, engine) as book:
            attempts = [(spec, locate_layout(spec, book)) for spec in specs]
            for spec, located in attempts:
                if isinstance(located, Layout):
                    return extract(spec, located, name, digest)
    except WorkbookError as error:
        return [error.problem]
    # Report the attempt that came closest: its sheet was present and fewest columns missing.
    failures = [located for _, located in attempts if isinstance(located, list)]
    return min(failures, key=lambda ps: (all(p.blad is None for p in ps), len(ps)))


def _duplicates(frame: pd.DataFrame, key: list[str], labels: dict[str, str]) -> list[Problem]:
    """One problem per row that repeats the key of an earlier row."""
    repeated = frame.duplicated(key, keep="first")
    if not repeated.any():
        return []
    first = frame.drop_duplicates(key, keep="first").set_index(key)
    problems = []
    for _, row in frame[repeated].iterrows():
        original = first.loc[tuple(row[k] for k in key)]
        described = ", ".join(f"{labels.get(k, k)} {_show(row[k])}" for k in key
                              if k not in ("persoon_id", "bron_bestand"))
        problems.append(Problem(
            row["bron_bestand"], f"dubbele rij: {described} staat al in "
                                 f"{original['bron_bestand']} rij {original['bron_rij']}",
            row["bron_blad"], int(row["bron_rij"])))
    return problems


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _aggregate_persons(persons: pd.DataFrame) -> pd.DataFrame:
    """Person-level rows to counts per municipality and day (the day, because a province may
    count until e.g. 25 January); ids and personal fields do not survive."""
    frame = persons.assign(
        datum=persons["datum"].dt.normalize(),
        nareiziger_telling=persons["telling"].where(persons["nareiziger"].fillna(False), 0),
        is_correctie=persons["mutatie"].str.lower().str.startswith("correctie").fillna(False),
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


def ingest(raw_dir: Path, engine: str = "openpyxl") -> IngestResult:
    """Read, type and validate every known export under ``raw_dir``; raise InputError listing
    every problem of every file when anything is wrong."""
    specs = list(load_specs())
    problems: list[Problem] = []
    warnings: list[Problem] = []
    frames: dict[str, list[pd.DataFrame]] = {}
    inventory = []
    files = discover(raw_dir)
    if not files:
        raise InputError([Problem(str(raw_dir), "map bevat geen Excel-bestanden")])
    for path in files:
        name = path.relative_to(raw_dir).as_posix()
        matching = [spec for spec in specs if spec.matches(name)]
        if not matching:
            warnings.append(Problem(name, "overgeslagen: geen bekende bron voor dit bestand"))
            continue
        result = read_file(path, name, matching, engine)
        if isinstance(result, list):
            problems.extend(result)
            continue
        problems.extend(result.problems)
        if result.frame is not None:
            frames.setdefault(result.spec.bron, []).append(result.frame)
        if not result.problems:
            inventory.append({
                "bron_bestand": name, "bron": result.spec.bron,
                "specificatie": result.spec.path.name, "blad": result.sheet,
                "rijen": len(result.frame), "bestand_hash": result.file_hash,
                "gewijzigd": dt.datetime.fromtimestamp(path.stat().st_mtime),
            })
    tables: dict[str, pd.DataFrame] = {}
    labels = {"gemeente_code": "gemeente", "peildatum": "peildatum", "maand": "maand"}
    combined = {source: pd.concat(parts, ignore_index=True) for source, parts in frames.items()}
    for source, frame in combined.items():
        combined[source], moved, after_split = naar_opvolgers(source, frame)
        warnings.extend(moved)
        problems.extend(after_split)
    for source, frame in combined.items():
        key = PERSON_KEY if source == "tvs_personen" else storage.TABLES[source]["key"]
        problems.extend(_duplicates(frame.dropna(subset=key), key, labels))
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
    return IngestResult(tables=tables, bestanden=pd.DataFrame(inventory), waarschuwingen=warnings)


def warnings_frame(warnings: list[Problem]) -> pd.DataFrame:
    """Warnings as a table, for the processed folder and the Excel summary."""
    columns = ["bestand", "blad", "rij", "kolom", "melding"]
    return pd.DataFrame([{c: getattr(w, c) for c in columns} for w in warnings], columns=columns)


def mirror_tables(result: IngestResult) -> dict[str, pd.DataFrame]:
    """Every table of the Parquet mirror: the data, the inventory of files and the warnings."""
    return {**result.tables, "bestanden": result.bestanden,
            "validatie": warnings_frame(result.waarschuwingen)}


def run_ingest(raw_dir: Path, processed_dir: Path, engine: str = "openpyxl") -> IngestResult:
    """Ingest and, only when everything is valid, publish the tables to ``processed_dir``."""
    result = ingest(raw_dir, engine)
    storage.write_ingested(mirror_tables(result), processed_dir)
    return result
