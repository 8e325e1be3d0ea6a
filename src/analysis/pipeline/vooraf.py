"""Refusing early: a period or province the computed data does not have is refused from the
manifest alone, before the tables, the report modules or a kernel are loaded.

For ``run`` this holds only when the run would reuse the processed folder as it is (nothing
read or computed anew, :mod:`analysis.hergebruik`); otherwise the run itself refuses once it has
read and computed, still before any report work.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analysis.config import kader_path
from analysis.domain.periods import kies_periode
from analysis.hergebruik import MANIFEST, berekening_geldig, lees_json
from analysis.ingest.vingerafdruk import ongewijzigd
from analysis.options import ENGINES


def _check(manifest: dict, periode: str | None, provincie: str | None) -> None:
    """Refuse ``periode`` and ``provincie`` when the manifest's data does not have them; a
    manifest from before it listed every period says nothing."""
    periodes = manifest.get("periodes") or {}
    if isinstance(periodes.get("alle"), list):
        kies_periode(periode, periodes["alle"], periodes.get("laatste_volledige"))
    if provincie is not None and isinstance(manifest.get("gemeenten"), list):
        from analysis.domain.gemeenten import kies_provincie  # loads pandas: after the period

        kies_provincie(provincie, manifest["gemeenten"])


def product(processed: Path, periode: str | None, provincie: str | None = None) -> None:
    """For a product made from the computed result (``excel``, ``brieven``, ``herkomst``)."""
    manifest = lees_json(processed / MANIFEST)
    if manifest is not None:
        _check(manifest, periode, provincie)


def run(raw: Path, processed: Path, kader: str, datum: dt.date | None, periode: str | None,
        provincie: str, opnieuw: bool) -> None:
    """For ``run``, when it would reuse the processed folder as it is."""
    if opnieuw or ongewijzigd(raw, processed, ENGINES[0]) is None:
        return
    day = (datum or dt.date.today()).isoformat()
    manifest = berekening_geldig(processed, kader_path(kader), day)
    if manifest is not None:
        _check(manifest, periode, provincie)
