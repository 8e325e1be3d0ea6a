"""Complete and running half-years: a half-year is complete for a municipality when the data
holds its closing figures, COA's overviews settling it (the one at the peildatum that ends it, or
at the kader's cut-off date); until then it is running. With a cut-off and a person-level export,
whose days give the count up to any date, an overview dated on or after the closing date shows
the count has closed. Commands default to the latest half-year complete for every municipality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.stromen import coa_afsluiting, gesloten
from analysis.domain.telkalender import STANDAARD, Telkalender

KEY = ["gemeente_code", "periode"]


def volledig(stand: pd.DataFrame, coa_overzicht: pd.DataFrame,
             kalender: Telkalender = STANDAARD, per_dag: bool = False) -> pd.Series:
    """Per row of ``stand``: whether the data holds the closing figures of that half-year
    (``per_dag``: the count comes from a person-level export)."""
    closed = gesloten(coa_overzicht, kalender).assign(_gesloten=True)
    found = stand[KEY].merge(closed, on=KEY, how="left")["_gesloten"].notna().to_numpy()
    if per_dag and kalender.heeft_uitloop:
        latest = stand["gemeente_code"].map(coa_overzicht.groupby("gemeente_code")["peildatum"]
                                            .max()).to_numpy()
        found = found | (latest >= kalender.peildatum_cutoff(stand["periode"]))
    return pd.Series(found, index=stand.index, name="volledig")


# the status of a municipality's half-year, and how the products name it
LOPEND, VOORLOPIG, DEFINITIEF = "lopend", "voorlopig", "definitief"
PROVISIONAL = r"voorlopig|concept"


def status(stand: pd.DataFrame, coa_overzicht: pd.DataFrame,
           kalender: Telkalender = STANDAARD) -> pd.Series:
    """Per row of ``stand`` (with ``volledig``): ``lopend`` while the half-year runs,
    ``voorlopig`` when the closing overview that counts is marked voorlopig or concept,
    otherwise ``definitief`` (COA's overview as issued, or marked definitief)."""
    closing = coa_afsluiting(coa_overzicht, kalender)
    marked = closing["versie"].fillna("").astype(str).str.contains(PROVISIONAL, case=False)
    provisional = closing.loc[marked.to_numpy(), KEY].drop_duplicates().assign(_v=True)
    found = stand[KEY].merge(provisional, on=KEY, how="left")["_v"].notna().to_numpy()
    complete = stand["volledig"].to_numpy(bool)
    return pd.Series(np.where(~complete, LOPEND, np.where(found, VOORLOPIG, DEFINITIEF)),
                     index=stand.index, name="status")


def periode_status(stand: pd.DataFrame, periode: str) -> str:
    """The status of a half-year across its municipalities: running while one runs, else
    voorlopig while one's closing overview is, else definitief."""
    rows = stand.loc[stand["periode"] == periode, "status"]
    for state in (LOPEND, VOORLOPIG):
        if (rows == state).any():
            return state
    return DEFINITIEF


def laatste_volledige(stand: pd.DataFrame) -> str | None:
    """The latest half-year complete for every municipality in it, or None."""
    complete = stand.groupby("periode")["volledig"].all()
    return str(complete[complete].index.max()) if complete.any() else None


def is_volledig(stand: pd.DataFrame, periode: str) -> bool:
    """Whether ``periode`` is complete for every municipality with a stand in it."""
    return bool(stand.loc[stand["periode"] == periode, "volledig"].all())

