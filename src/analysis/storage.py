"""The processed folder: the one place where Parquet tables and the manifest are read and written.

``ingest`` writes the typed mirror of the exports (:data:`INGESTED`); ``bereken`` writes what it
computed (:data:`COMPUTED`) together with ``manifest.json``, which says what made those tables.
A new ingest removes the computed tables and their manifest, because they no longer match it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from analysis import interrupt
from analysis.atomic import default_mode, writing
from analysis.hergebruik import INGELEZEN, MANIFEST
from analysis.problems import Refused

# The contract of each ingested data table: its columns (beyond provenance) and its unique key.
TABLES: dict[str, dict[str, list[str]]] = {
    "taakstelling": {
        "columns": ["gemeente_code", "periode", "versiedatum", "landelijk_totaal",
                    "inwoners_nederland", "inwoners", "taakstelling"],
        "key": ["gemeente_code", "periode", "versiedatum"],
    },
    "coa_overzicht": {  # every vintage of an overview; 'geldend' marks the one that counts
        "columns": ["gemeente_code", "peildatum", "periode", "taakstelling", "stand_begin",
                    "opgave", "gerealiseerd", "nog_te_realiseren", "versie", "aangemaakt",
                    "geldend", "vintage"],
        "key": ["gemeente_code", "peildatum", "bron_bestand"],
    },
    "realisatie_dag": {  # the person-level export counted per municipality and day
        "columns": ["gemeente_code", "datum", "realisatie", "nareizigers", "correcties"],
        "key": ["gemeente_code", "datum"],
    },
    "gemeente_rapportage": {
        "columns": ["gemeente_code", "maand", "periode", "realisatie"],
        "key": ["gemeente_code", "maand"],
    },
    "grenzen": {  # municipality boundaries for the map: GeoJSON MultiPolygon text, RD or WGS84
        "columns": ["gemeente_code", "stelsel", "geometrie"],
        "key": ["gemeente_code"],
    },
}
# + the decisions file, and the letters' settings with their templates
INGESTED = (*TABLES, "bestanden", "validatie", "besluiten_bron", "brieven_bron")
PROVENANCE = {"bron_bestand": "string", "bron_blad": "string", "bron_rij": "int64",
              "bestand_hash": "string"}
_DATES = ("maand", "datum", "peildatum", "versiedatum", "aangemaakt")
_OTHER_TYPES = {"gemeente_code": "string", "periode": "string", "versie": "string",
                "geldend": "boolean", "stelsel": "string", "geometrie": "string"}
COMPUTED = ("realisatie_maand", "stand", "coa_verschillen", "telling_verschillen",
            "beoordeling", "besluiten", "afstemming", "tempo", "herkomst", "signalen",
            "art29_toets", "cohorten")


def _missing(processed: Path, what: str, step: str) -> Refused:
    return Refused(f"{processed / what}: verwerkte gegevens ontbreken; voer eerst "
                   f"'python -m analysis {step}' uit")


def empty_table(name: str) -> pd.DataFrame:
    """An ingested data table without rows, typed as ingest types it: what a source that is
    not among the exports contributes (most provinces receive no person-level export)."""
    types = {column: _OTHER_TYPES.get(column, "datetime64[ns]" if column in _DATES else "Int64")
             for column in TABLES[name]["columns"]}
    return pd.DataFrame({column: pd.Series(dtype=kind)
                         for column, kind in (types | PROVENANCE).items()})


def has_table(processed: Path, name: str) -> bool:
    """Whether the table has been written."""
    return (processed / f"{name}.parquet").is_file()


def read_table(processed: Path, name: str) -> pd.DataFrame:
    """One processed table; a Dutch message naming the step to run when it is missing."""
    if name not in INGESTED + COMPUTED:
        raise ValueError(f"unknown table {name!r}")
    path = processed / f"{name}.parquet"
    if not path.is_file():
        raise _missing(processed, path.name, "bereken" if name in COMPUTED else "ingest")
    return pd.read_parquet(path)


def read_manifest(processed: Path) -> dict:
    """What the last ``bereken`` recorded about its tables."""
    path = processed / MANIFEST
    if not path.is_file():
        raise _missing(processed, MANIFEST, "bereken")
    return json.loads(path.read_text(encoding="utf-8"))


def write_ingested(tables: dict[str, pd.DataFrame], processed: Path,
                   vingerafdruk: dict | None = None) -> None:
    """Publish the ingested tables, with the fingerprint of what they were read from
    (:mod:`analysis.hergebruik`); computed tables and the manifest of an earlier run go.
    A write the system refuses is ``WriteFailed`` (the staged tables are removed)."""
    unknown = set(tables) - set(INGESTED)
    if unknown:
        raise ValueError(f"not ingested tables: {sorted(unknown)}")
    files = {}
    if vingerafdruk is not None:
        files[INGELEZEN] = json.dumps(vingerafdruk, indent=1, ensure_ascii=False)
    with writing(processed):
        _write_tables(tables, processed, files=files, replaces=(MANIFEST, INGELEZEN))


def write_computed(tables: dict[str, pd.DataFrame], manifest: dict, processed: Path) -> None:
    """Publish the computed tables, then their manifest (a reader who finds the manifest finds
    the tables it describes)."""
    if set(tables) != set(COMPUTED):
        raise ValueError(f"bereken writes exactly {COMPUTED}, got {sorted(tables)}")
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    with writing(processed):
        _write_tables(tables, processed, keep_others=True, files={MANIFEST: text},
                      replaces=(MANIFEST,))


def _temporary(directory: Path, name: str, staged: list[tuple[Path, Path]], final: Path) -> str:
    """A new temporary file in ``directory``, recorded in ``staged`` before an interrupt can
    come between."""
    with interrupt.deferred():
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        os.close(handle)
        staged.append((Path(temporary), final))
    return temporary


def _write_tables(tables: dict[str, pd.DataFrame], directory: Path, keep_others: bool = False,
                  files: dict[str, str] | None = None, replaces: tuple[str, ...] = ()) -> None:
    """Write every table as ``<name>.parquet``; all are staged first, then the records in
    ``replaces`` go (they describe tables about to be replaced), the tables are moved into
    place and then the new ``files`` (JSON records by name), if any. Unless ``keep_others``,
    tables of an earlier run that this run did not produce are removed. When staging fails or
    is interrupted, the folder is as it was; an interrupt while they are moved into place takes
    effect once all of them are."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, frame in tables.items():
            temporary = _temporary(directory, name, staged, directory / f"{name}.parquet")
            frame.to_parquet(temporary, index=False)
        for name, text in (files or {}).items():
            temporary = _temporary(directory, name, staged, directory / name)
            Path(temporary).write_text(text, encoding="utf-8")
            os.chmod(temporary, default_mode())
        with interrupt.deferred():
            for name in replaces:
                (directory / name).unlink(missing_ok=True)
            for temporary, final in staged:
                os.replace(temporary, final)
            produced = {final for _, final in staged}
            for stale in [] if keep_others else directory.glob("*.parquet"):
                if stale not in produced:
                    stale.unlink()
            interrupt.note(directory, interrupt.PROCESSED)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
