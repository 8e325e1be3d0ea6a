"""The letters' settings on ingest: ``<raw>/brieven/brieven.toml`` and the templates it names
read, their form checked, and stored in the processed folder with their hashes like every other
input, so that the letters are written from what the ingest read and never from the raw folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.domain.briefinstellingen import CONFIG, Briefinstellingen, empty_table

TABLE = "brieven_bron"


def read_brieven(raw: Path) -> pd.DataFrame:
    """The table of the settings file and its templates (no settings file: no rows, and no
    letters); ``InputError`` naming the file and the entry when their form is wrong."""
    return Briefinstellingen.read(raw).table() if (raw / CONFIG).is_file() else empty_table()
