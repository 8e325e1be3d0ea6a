"""Complete and running half-years: a half-year is complete for a municipality when the data
holds its closing figures, COA's overview at the peildatum that ends it; until then it is
running. Commands default to the latest half-year that is complete for every municipality."""

from __future__ import annotations

import pandas as pd

from analysis.compute.stromen import coa_afsluiting

KEY = ["gemeente_code", "periode"]


def volledig(stand: pd.DataFrame, coa_overzicht: pd.DataFrame) -> pd.Series:
    """Per row of ``stand``: whether COA's closing overview of that half-year is in the data."""
    closed = coa_afsluiting(coa_overzicht)[KEY].drop_duplicates().assign(_gesloten=True)
    found = stand[KEY].merge(closed, on=KEY, how="left")["_gesloten"]
    return pd.Series(found.notna().to_numpy(), index=stand.index, name="volledig")


def laatste_volledige(stand: pd.DataFrame) -> str | None:
    """The latest half-year complete for every municipality in it, or None."""
    complete = stand.groupby("periode")["volledig"].all()
    return str(complete[complete].index.max()) if complete.any() else None


def is_volledig(stand: pd.DataFrame, periode: str) -> bool:
    """Whether ``periode`` is complete for every municipality with a stand in it."""
    return bool(stand.loc[stand["periode"] == periode, "volledig"].all())

