"""A line per source while ingest reads, on a terminal only: a log gets nothing extra."""

from __future__ import annotations

import sys
from typing import TextIO

from analysis.formatting import getal


def voortgang_regel(label: str, bestanden: int, seconden: float) -> str:
    """``inlezen: maandoverzicht van het COA (52 bestanden) … 1,2 s``."""
    count = f"{bestanden} {'bestand' if bestanden == 1 else 'bestanden'}"
    return f"inlezen: {label} ({count}) … {getal(seconden, 1)} s"


def meld_bron(label: str, bestanden: int, seconden: float, stream: TextIO | None = None) -> None:
    """Show that a source was read, when ``stream`` (standard error) is a terminal."""
    stream = stream or sys.stderr
    if stream.isatty():
        print(voortgang_regel(label, bestanden, seconden), file=stream, flush=True)
