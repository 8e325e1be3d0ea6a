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


def periodes_per_bestand(bron: str, frame: pd.DataFrame) -> dict[str, list[str]]:
    """Per file of a source (its rows as read), the half-years its figures are about; none for
    the taakstelling itself or a source whose rows carry no day."""
    source = SOURCES[bron]
    if bron == TAAKSTELLING or source.row_date is None or frame.empty:
        return {}
    periodes = periode_of_dates(pd.to_datetime(source.row_dates(frame)))
    found = pd.DataFrame({"bestand": frame["bron_bestand"], "periode": periodes}).dropna()
    return {str(name): sorted(rows["periode"].unique().tolist())
            for name, rows in found.groupby("bestand", sort=True)}


def zonder_taakstelling(periodes: dict[str, dict[str, list[str]]], taakstelling: pd.DataFrame,
                        folder: Path) -> list[Problem]:
    """A note per file with figures for a half-year that has no taakstelling; ``periodes`` is
    per source and file what :func:`periodes_per_bestand` found, ``folder`` where the
    taakstelling's files belong."""
    known = set(taakstelling["periode"].dropna().astype(str))
    notes = []
    for per_file in periodes.values():
        for name in sorted(per_file):
            missing = [periode for periode in per_file[name] if periode not in known]
            if missing:
                notes.append(Problem(name, _melding(missing, folder)))
    return notes
