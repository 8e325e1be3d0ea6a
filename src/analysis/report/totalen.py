"""The province's totals: one half-year's figures summed over its municipalities.

Every product that shows a total (the overview page's 'Totaal provincie' row and its national
comparison, the key figures for GS, the GS summary's total row, the terminal's stand table, the
map's description) takes it from here, so that a total is summed, and a running half-year
left out of it, the same way everywhere. The tables in ``data/processed`` hold no totals:
they are summed when a product is made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FIGURES = ("stand_begin", "taakstelling", "opgave", "realisatie", "stand_eind")


@dataclass(frozen=True)
class Standen:
    """How the end stands of a set of municipalities add up: in total, and split into
    achterstand and voorsprong (in persons, both positive) with how many municipalities have
    each."""

    gemeenten: int  # with a stand
    totaal: int
    achterstand: int
    met_achterstand: int
    voorsprong: int
    met_voorsprong: int


def standen(eind: pd.Series) -> Standen:
    """The sums of the stands in ``eind``; a missing stand counts nowhere."""
    known = eind.dropna()
    behind, ahead = known[known < 0], known[known > 0]
    return Standen(gemeenten=len(known), totaal=int(known.sum()),
                   achterstand=int(-behind.sum()), met_achterstand=len(behind),
                   voorsprong=int(ahead.sum()), met_voorsprong=len(ahead))


@dataclass(frozen=True)
class Totalen:
    """One half-year's figures summed over the municipalities of a stand's rows."""

    gemeenten: int
    stand_begin: int
    taakstelling: int
    opgave: int
    realisatie: int
    stand_eind: int  # over every row, a running half-year's stand so far included
    volledig: bool  # every municipality's half-year complete (its closing figures are in)
    stand_eind_afgesloten: int | None  # over the complete rows only; None when there is none
    totaalopgave: int  # the opgaven above zero: what had to be housed
    standen: Standen  # the end stands split into achterstand and voorsprong

    def pct_taakstelling(self) -> float | None:
        """Realisation as a percentage of the taakstelling, to one decimal; None without a
        taakstelling."""
        return _percentage(self.realisatie, self.taakstelling)

    def pct_totaalopgave(self) -> float | None:
        """Realisation as a percentage of the totaalopgave, to one decimal; None without one."""
        return _percentage(self.realisatie, self.totaalopgave)

    def percentages(self) -> tuple[float | None, float | None]:
        """The total row's % taakstelling and % totaalopgave (106.6 for 106,6 %), as the
        overview page and the GS workbook show them: None while a municipality's half-year
        runs, or without a taakstelling or opgave."""
        if not self.volledig:
            return None, None
        return self.pct_taakstelling(), self.pct_totaalopgave()


def _percentage(deel: int, geheel: int) -> float | None:
    """``100 × deel / geheel`` rounded to one decimal as numpy rounds (as the tables always
    did); None when ``geheel`` is not positive."""
    return np.round(100 * deel / geheel, 1) if geheel > 0 else None


def totalen(rows: pd.DataFrame) -> Totalen:
    """The totals of ``rows``: a stand (or assessment) filtered to one half-year and the
    municipalities to add up. Without a ``volledig`` column every row counts as complete."""
    complete = (rows["volledig"].astype(bool) if "volledig" in rows
                else pd.Series(True, index=rows.index))
    closed = rows.loc[complete, "stand_eind"]
    return Totalen(
        gemeenten=int(rows["gemeente_code"].nunique()),
        **{column: int(rows[column].sum()) for column in FIGURES},
        volledig=bool(complete.all()),
        stand_eind_afgesloten=int(closed.sum()) if closed.notna().any() else None,
        totaalopgave=int(rows["opgave"].clip(lower=0).sum()),
        standen=standen(rows["stand_eind"]),
    )

