"""The supervision step: from processed data to stands, assessment, reconciliation and pace.

Load inputs (processed tables, the province's beoordelingskader, its decisions), process (roll
forward, assess, reconcile, pace), and save the tables to the processed folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.afstemming import gemeenten_tegen_coa
from analysis.beoordeling import beoordeel
from analysis.besluiten import load_besluiten
from analysis.dataset import bereken_stand, read_table, realisatie_maand
from analysis.kader import Kader
from analysis.outputs import write_tables
from analysis.tempo import tempo

DECISIONS = "besluiten"


def besluiten_bestand(raw: Path) -> Path | None:
    """The decisions file next to the exports: ``<raw>/besluiten/*.toml`` (the first by name)."""
    files = sorted((raw / DECISIONS).glob("*.toml"))
    return files[0] if files else None


def toezicht(processed: Path, raw: Path, kader: Kader) -> dict[str, pd.DataFrame]:
    """Every supervision table, computed from the processed data."""
    stand, coa_verschillen = bereken_stand(processed, kader.leidende_bron)
    besluiten = load_besluiten(besluiten_bestand(raw), sorted(stand["gemeente_code"].unique()))
    beoordeling = beoordeel(stand, kader, besluiten)
    afstemming = gemeenten_tegen_coa(read_table(processed, "realisatie_maand"),
                                     read_table(processed, "gemeente_rapportage"),
                                     kader.leidende_bron)
    pace = tempo(stand, realisatie_maand(processed, kader.leidende_bron))
    return {"stand": stand, "coa_verschillen": coa_verschillen, "beoordeling": beoordeling,
            "afstemming": afstemming, "tempo": pace}


def save(tables: dict[str, pd.DataFrame], processed: Path) -> None:
    """Write the supervision tables beside the ingested ones."""
    write_tables(tables, processed, keep_others=True)
