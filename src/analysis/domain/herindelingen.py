"""Herindelingen as data: which municipality codes ended when, and what succeeded them.

``reference/gemeenten.csv`` lists every CBS code in use since 1 January 2014 with the day it
started (empty: before 2014) and the first day it no longer existed; ``reference/herindelingen.csv``
lists each reorganisation as (predecessor, successor) pairs on its date (not always 1 January:
Weesp joined Amsterdam on 24 March 2022), with the inhabitants of the part that went to each
successor of a split. Both come from CBS's yearly lists (see the ``bron`` column). Codes are
matched, never names.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from analysis.config import REFERENCE_DIR
from analysis.domain.gemeenten import reference


@cache
def herindelingen() -> pd.DataFrame:
    """Every reorganisation since 2014 as (predecessor, successor) pairs; a successor that kept
    its code appears as its own predecessor."""
    return pd.read_csv(REFERENCE_DIR / "herindelingen.csv",
                       dtype={"oud_code": "string", "oud_naam": "string", "nieuw_code": "string",
                              "nieuw_naam": "string", "inwoners": "Int64", "bron": "string"},
                       parse_dates=["datum"])


def overgangen() -> pd.DataFrame:
    """The pairs where a code ends: predecessor, successor, date and inhabitants of the part."""
    table = herindelingen()
    return table[table["oud_code"] != table["nieuw_code"]].reset_index(drop=True)


def geldig_tot(codes: pd.Series) -> pd.Series:
    """The first day each code no longer exists (NaT for a code still in use)."""
    return codes.map(_ends())


@cache
def _ends() -> pd.Series:
    return reference().set_index("gemeente_code")["geldig_tot"]


def geldig_vanaf(codes: pd.Series) -> pd.Series:
    """The day each code started (NaT for a code in use before 2014)."""
    starts = reference().set_index("gemeente_code")["geldig_vanaf"]
    return codes.map(starts)


def opvolgers(codes: pd.Series, dates: pd.Series) -> pd.DataFrame:
    """For each code used on a date after it ended: ``opvolger`` (the successor on that date,
    following later reorganisations too) or ``gesplitst`` when it went to several successors.
    Rows whose code was valid on their date get <NA> and False."""
    result = pd.DataFrame({"code": codes.astype("string"), "opvolger": pd.NA,
                           "gesplitst": False}, index=codes.index).astype(
        {"opvolger": "string"})
    current = result["code"].copy()
    pending = (geldig_tot(current) <= dates).fillna(False).to_numpy()
    if not pending.any():  # every code existed on its date
        return result
    steps = overgangen().groupby("oud_code")["nieuw_code"]
    several, only = steps.nunique() > 1, steps.first()
    while pending.any():  # one pass per generation of reorganisations (a handful at most)
        codes_now = current[pending]
        split = codes_now.map(several).fillna(False).astype(bool)
        result.loc[split[split].index, "gesplitst"] = True
        moved = codes_now[~split].map(only).astype("string")
        current.loc[moved.index] = moved
        result.loc[moved.index, "opvolger"] = moved
        pending = (result.index.isin(moved.dropna().index)
                   & (geldig_tot(current) <= dates).fillna(False).to_numpy())
    return result
