"""Half-years an export holds figures for while no taakstelling (Bijlage A) for them is read:
the computation skips those figures, so the user is told which file and what to add."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pandas as pd

from analysis.domain.periods import periode_of_dates
from analysis.ingest.sources import SOURCES
from analysis.ingest.specs import Spec
from analysis.problems import Problem

TAAKSTELLING = "taakstelling"


def taakstelling_folder(specs: list[Spec], raw_dir: Path) -> Path:
    """The folder the taakstelling's layout spec reads its files from (``raw/taakstelling``)."""
    patterns = [pattern for spec in specs if spec.bron == TAAKSTELLING
                for pattern in spec.bestanden]
    return raw_dir / posixpath.dirname(patterns[0]) if patterns else raw_dir


def _melding(periodes: list[str], folder: Path) -> str:
    """What a file without a taakstelling for ``periodes`` is told: what to add, and where."""
    shown = " en ".join([", ".join(periodes[:-1]), periodes[-1]] if len(periodes) > 1
                        else periodes)
    return (f"bevat cijfers over {shown}, maar voor {shown} is geen taakstelling "
            f"ingelezen; die cijfers tellen niet mee. Zet Bijlage A bij de circulaire over "
            f"{shown} in {folder} (bijvoorbeeld Bijlage_A_taakstelling_{periodes[0]}.xlsx) en "
            "lees opnieuw in")


def zonder_taakstelling(frames: dict[str, pd.DataFrame], taakstelling: pd.DataFrame,
                        folder: Path) -> list[Problem]:
    """A note per file (rows as read, by source) with figures for a half-year that has no
    taakstelling; ``folder`` is where the taakstelling's files belong."""
    known = set(taakstelling["periode"].dropna().astype(str))
    notes = []
    for bron, frame in frames.items():
        source = SOURCES[bron]
        if bron == TAAKSTELLING or source.row_date is None or frame.empty:
            continue
        periodes = periode_of_dates(pd.to_datetime(source.row_dates(frame)))
        missing = pd.DataFrame({"bestand": frame["bron_bestand"], "periode": periodes})
        missing = missing[missing["periode"].notna() & ~missing["periode"].isin(known)]
        for name, rows in missing.groupby("bestand", sort=True):
            notes.append(Problem(str(name), _melding(sorted(rows["periode"].unique()), folder)))
    return notes
