"""The date each input file speaks of, read from its own contents, never from the file system.

A file's modification time says when it was copied, not what it holds (after a clone every file
reads as today). What a reader of a report needs is the date the export itself names: the
peildatum of a COA overview (and its creation date where it states one), the version date of a
taakstelling table, the last day or month with figures in a person-level export or a
municipality's own report.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.berekening import Berekening

COLUMNS = ["bron_bestand", "datum", "betekenis", "aangemaakt"]
# what the date of each source is, as the Toelichting sheet names it
MAAND = "laatste maand met cijfers"


def _per_file(frame: pd.DataFrame, column: str, meaning: str) -> pd.DataFrame:
    """One date per source file: the latest value of ``column`` among its rows (aggregated
    rows may name several files, separated by ';')."""
    files = frame.assign(bron_bestand=frame["bron_bestand"].str.split(";")).explode("bron_bestand")
    dates = files.groupby("bron_bestand")[column].max()
    return pd.DataFrame({"bron_bestand": dates.index.astype(str), "datum": dates.to_numpy(),
                         "betekenis": meaning})


def bron_datums(result: Berekening) -> pd.DataFrame:
    """Per input file of the inventory: the date its contents name, what that date is, and the
    creation date the export states (COA overviews that carry 'Aangemaakt op')."""
    coa = result.table("coa_overzicht")
    parts = [
        _per_file(coa, "peildatum", "peildatum"),
        _per_file(result.table("taakstelling"), "versiedatum", "versiedatum"),
        _per_file(result.table("realisatie_dag"), "datum", "laatste dag met cijfers"),
        _per_file(result.table("gemeente_rapportage"), "maand", MAAND),
    ]
    dated = pd.concat(parts, ignore_index=True)
    created = coa.groupby("bron_bestand")["aangemaakt"].max().rename("aangemaakt")
    files = result.table("bestanden")[["bron_bestand"]].astype({"bron_bestand": str})
    return (files.merge(dated, on="bron_bestand", how="left")
            .merge(created, left_on="bron_bestand", right_index=True, how="left")[COLUMNS])
