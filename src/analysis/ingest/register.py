"""The decisions register on ingest: ``<raw>/besluiten/*.toml`` read, its form checked, and
stored in the processed folder with its hash like every other input, so that the computation
reads the register of the ingest and never the raw folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.domain.besluiten import Register, empty_table

DECISIONS = "besluiten"
TABLE = "besluiten_bron"


def besluiten_bestand(raw: Path) -> Path | None:
    """The decisions file next to the exports: ``<raw>/besluiten/*.toml`` (the first by name)."""
    files = sorted(path for path in (raw / DECISIONS).glob("*.toml") if path.is_file())
    return files[0] if files else None


def read_register(raw: Path) -> pd.DataFrame:
    """The table of the decisions file (none: no rows); ``InputError`` naming the file when its
    form is wrong."""
    path = besluiten_bestand(raw)
    return empty_table() if path is None else Register.read(path).table()
