"""The computed stand against the stand COA publishes at a peildatum: listed, never overwritten."""

from __future__ import annotations

import pandas as pd


def coa_standen(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Stands COA reports at the end of a period (its overviews dated 1 January and 1 July)."""
    dates = coa_overzicht["peildatum"].dt
    closing = coa_overzicht[dates.month.isin([1, 7]) & dates.day.eq(1)]
    return closing.assign(
        coa_stand_eind=closing["stand_begin"] + closing["gerealiseerd"] - closing["taakstelling"],
    )[["gemeente_code", "periode", "peildatum", "coa_stand_eind", "bron_bestand"]]


def coa_verschillen(stand: pd.DataFrame, coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Where the computed stand differs from COA's at the end of a period."""
    both = stand[["gemeente_code", "periode", "stand_eind"]].merge(
        coa_standen(coa_overzicht), on=["gemeente_code", "periode"], how="inner")
    both["verschil"] = both["stand_eind"] - both["coa_stand_eind"]
    return both[both["verschil"] != 0].reset_index(drop=True)
