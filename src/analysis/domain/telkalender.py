"""The counting calendar of a kader: which half-year a day counts for and when a count closes.

Without a cut-off a half-year's count closes at its end, 1 January or 1 July. A kader may let
the days just after it still count for it (``uitloop_dagen``: with 24 the count closes on 25
January and 25 July); every question that depends on that is answered here, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain.periods import (
    datum_tekst,
    periode_einde,
    periode_index_series,
    periode_of_dates,
)


@dataclass(frozen=True)
class Telkalender:
    """A kader's counting calendar: ``uitloop_dagen`` days after a half-year still count for it
    (a province counting until 25 January has 24)."""

    uitloop_dagen: int = 0

    @property
    def heeft_uitloop(self) -> bool:
        """Whether the count closes later than 1 January and 1 July."""
        return self.uitloop_dagen != 0

    def telperiode(self, dates: pd.Series) -> pd.Series:
        """The half-year each day counts for: the one containing it, or the one before while
        the day falls within the uitloop after that half-year's end."""
        return periode_of_dates(dates - pd.Timedelta(days=self.uitloop_dagen))

    def is_afsluitdatum(self, dates: pd.Series) -> pd.Series:
        """Whether each date closes a half-year's count: 1 January or 1 July, later by the
        uitloop (25 January and 25 July for 24)."""
        shifted = dates - pd.Timedelta(days=self.uitloop_dagen)
        return shifted.dt.month.isin([1, 7]) & shifted.dt.day.eq(1)

    def afsluitdatum_tekst(self) -> str:
        """The closing dates in words: '1 januari of 1 juli', '25 januari of 25 juli'."""
        days = dt.timedelta(days=self.uitloop_dagen)
        return " of ".join(datum_tekst(dt.date(2001, month, 1) + days).removesuffix(" 2001")
                           for month in (1, 7))

    def peildatum(self, periode: str) -> dt.date:
        """The day the count of a half-year closes: the first day after it, later by the
        uitloop (25 January for 24)."""
        return periode_einde(periode) + dt.timedelta(days=self.uitloop_dagen)

    def peildatum_cutoff(self, periodes: pd.Series) -> np.ndarray:
        """:meth:`peildatum` per row of a column of periods, as datetime64: the moment until
        which a taakstelling version or a decision counts for that row."""
        codes, labels = pd.factorize(periodes)
        following = periode_index_series(pd.Series(labels, dtype="string")) + 1
        ends = pd.to_datetime(pd.DataFrame({"year": following // 2,
                                            "month": following % 2 * 6 + 1,
                                            "day": 1})).to_numpy()
        return ends[codes] + np.timedelta64(self.uitloop_dagen, "D")


STANDAARD = Telkalender()  # no uitloop: the count closes on 1 January and 1 July
