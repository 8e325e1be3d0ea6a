"""Pace within a half-year: realisation so far against the linear path, the projected stand at
the end of the period, and when a backlog would be cleared at the recent pace."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.periods import periode_from_index, periode_index_series, periode_start

RECENT = 4


def tempo(stand: pd.DataFrame, realisatie_maand: pd.DataFrame,
          peildatum: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per municipality, in the period that contains the month before ``peildatum`` (by default
    the month after the latest month with data): months elapsed, realisation so far, the linear
    path opgave x months / 6, the projected stand at the end, and for a backlog the half-year in
    which it would be cleared at the pace (realisatie - taakstelling) of the last four
    half-years."""
    if peildatum is None:
        peildatum = realisatie_maand["maand"].max() + pd.offsets.MonthBegin(1)
    peildatum = pd.Timestamp(peildatum)
    last_month = peildatum - pd.offsets.MonthBegin(1)
    periode = f"{last_month.year}-H{1 if last_month.month <= 6 else 2}"
    start = pd.Timestamp(periode_start(periode))
    months = (last_month.year - start.year) * 12 + last_month.month - start.month + 1
    window = realisatie_maand[(realisatie_maand["maand"] >= start)
                              & (realisatie_maand["maand"] <= last_month)]
    so_far = window.groupby("gemeente_code")["realisatie"].sum()
    current = stand[stand["periode"] == periode].set_index("gemeente_code")
    frame = current[["stand_begin", "taakstelling", "opgave"]].copy()
    frame["realisatie_tot_nu"] = so_far.reindex(frame.index, fill_value=0).astype("int64")
    frame["periode"], frame["peildatum"], frame["maanden"] = periode, peildatum, months
    frame["pad"] = frame["opgave"].clip(lower=0) * months / 6
    frame["verschil_met_pad"] = frame["realisatie_tot_nu"] - frame["pad"]
    frame["op_schema"] = frame["verschil_met_pad"] >= 0
    projected = frame["realisatie_tot_nu"] * 6 / months
    frame["prognose_stand_eind"] = np.floor(frame["stand_begin"] + projected
                                            - frame["taakstelling"]).astype("int64")
    frame["nog_te_realiseren"] = (frame["opgave"] - frame["realisatie_tot_nu"]).clip(lower=0)
    index = periode_index_series(stand["periode"])
    recent = stand[(index < index[stand["periode"] == periode].iloc[0])
                   & (index >= index[stand["periode"] == periode].iloc[0] - RECENT)]
    pace = (recent["realisatie"] - recent["taakstelling"]).groupby(recent["gemeente_code"]).mean()
    frame["tempo_laatste_4"] = pace.reindex(frame.index)
    backlog = -frame["stand_begin"].clip(upper=0)
    needed = np.ceil(backlog / frame["tempo_laatste_4"].where(frame["tempo_laatste_4"] > 0))
    here = int(periode_index_series(pd.Series([periode])).iloc[0])
    frame["achterstand_weg_in"] = pd.Series(
        [pd.NA if backlog[code] == 0 or pd.isna(n) else periode_from_index(here + int(n) - 1)
         for code, n in needed.items()], index=frame.index, dtype="string")
    return frame.reset_index()
