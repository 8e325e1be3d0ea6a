"""Pace within a half-year: realisation so far against the linear path, the projected stand at
the end of the period, and when a backlog would be cleared at the recent pace.

Computed at once for every municipality and every peildatum in the data (the first day of each
month after a month with figures), so that every product picks its peildatum from one table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.domain.periods import periode_index_series, periode_labels

RECENT = 4
COLUMNS = ["gemeente_code", "periode", "peildatum", "maanden", "stand_begin", "taakstelling",
           "opgave", "realisatie_tot_nu", "pad", "verschil_met_pad", "op_schema",
           "prognose_stand_eind", "nog_te_realiseren", "tempo_laatste_4", "achterstand_weg_in"]


def _recent_pace(stand: pd.DataFrame) -> np.ndarray:
    """Per row of ``stand`` (sorted by municipality and period, periods consecutive): the mean
    of realisatie - taakstelling over up to four preceding half-years of that municipality."""
    net = (stand["realisatie"] - stand["taakstelling"]).to_numpy("float64")
    rows = np.arange(len(stand))
    codes = stand["gemeente_code"].to_numpy()
    starts = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, bool)
    first = np.maximum.accumulate(np.where(starts, rows, 0))
    total = np.r_[0.0, np.cumsum(net)]
    lower = np.maximum(rows - RECENT, first)
    count = rows - lower
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (total[rows] - total[lower]) / count, np.nan)


def tempo(stand: pd.DataFrame, realisatie_maand: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality and peildatum: months elapsed in its half-year, realisation so
    far, the linear path opgave x months / 6, the projected stand at the end, and for a backlog
    the half-year in which it would be gone: this one when the projected end stand is 0 or
    above, else the one in which the pace of the last four half-years would clear what the
    projected end leaves (with all six months in, the projection is the end stand itself)."""
    if realisatie_maand.empty or stand.empty:
        return pd.DataFrame(columns=COLUMNS)
    ordered = stand.sort_values(["gemeente_code", "periode"], kind="stable").reset_index(
        drop=True)
    ordered = ordered.assign(tempo_laatste_4=_recent_pace(ordered),
                             _index=periode_index_series(ordered["periode"]).to_numpy())
    # every half-year six times, once per month; only months within the span of the figures
    grid = ordered.loc[np.repeat(ordered.index, 6)].reset_index(drop=True)
    grid["maanden"] = np.tile(np.arange(1, 7), len(ordered))
    month_number = grid["_index"] * 6 + grid["maanden"] - 1  # months since year 0
    grid["maand"] = pd.to_datetime(pd.DataFrame({"year": month_number // 12,
                                                 "month": month_number % 12 + 1, "day": 1}))
    first, last = realisatie_maand["maand"].min(), realisatie_maand["maand"].max()
    grid = grid[(grid["maand"] >= first) & (grid["maand"] <= last)].reset_index(drop=True)
    monthly = realisatie_maand.groupby(["gemeente_code", "maand"])["realisatie"].sum()
    grid["realisatie_maand"] = monthly.reindex(
        pd.MultiIndex.from_frame(grid[["gemeente_code", "maand"]]), fill_value=0).to_numpy()
    grid["realisatie_tot_nu"] = grid.groupby(["gemeente_code", "periode"], sort=False)[
        "realisatie_maand"].cumsum().astype("int64")
    grid["peildatum"] = grid["maand"] + pd.offsets.MonthBegin(1)
    grid["pad"] = grid["opgave"].clip(lower=0) * grid["maanden"] / 6
    grid["verschil_met_pad"] = grid["realisatie_tot_nu"] - grid["pad"]
    grid["op_schema"] = grid["verschil_met_pad"] >= 0
    projected = grid["realisatie_tot_nu"] * 6 / grid["maanden"]
    grid["prognose_stand_eind"] = np.floor(grid["stand_begin"] + projected
                                           - grid["taakstelling"]).astype("int64")
    grid["nog_te_realiseren"] = (grid["opgave"] - grid["realisatie_tot_nu"]).clip(lower=0)
    # the backlog the projected end stand leaves, cleared at the recent pace in the half-years
    # after this one; none left of a backlog at the start: gone in this half-year
    left = -grid["prognose_stand_eind"].clip(upper=0).to_numpy("float64")
    pace = grid["tempo_laatste_4"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        needed = np.ceil(left / np.where(pace > 0, pace, np.nan))
    later = (left > 0) & np.isfinite(needed)
    now = (grid["stand_begin"].to_numpy() < 0) & (left == 0)
    target = grid["_index"].to_numpy() + np.where(later, needed, 0).astype("int64")
    grid["achterstand_weg_in"] = pd.Series(np.where(later | now, periode_labels(target), None),
                                           dtype="string")
    return grid[COLUMNS].sort_values(["peildatum", "gemeente_code"], ignore_index=True)


def op_peildatum(pace: pd.DataFrame, peildatum: pd.Timestamp | None = None) -> pd.DataFrame:
    """The pace at one peildatum (by default the latest): the figures up to the month before."""
    if pace.empty:
        return pace
    if peildatum is None:
        chosen = pace["peildatum"].max()
    else:
        moment = pd.Timestamp(peildatum)
        chosen = (moment - pd.Timedelta(days=1)).to_period("M").to_timestamp() \
            + pd.offsets.MonthBegin(1)
    return pace[pace["peildatum"] == chosen].reset_index(drop=True)
