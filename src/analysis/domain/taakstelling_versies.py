"""Which version of a taakstelling counts: the one rule, for every step that needs it.

A Bijlage A table may be revised (2025-H1: 17,700 became 15,000 in March 2025); every version is
kept with its ``versiedatum``. For a period's stand the version published before the peildatum
counts; for a forecast the newest known figures are used; a letter cites the version known on
its date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.domain.periods import volgende_periode
from analysis.domain.telkalender import STANDAARD, Telkalender

KEY = ["gemeente_code", "periode"]


def geldende_taakstelling(taakstelling: pd.DataFrame,
                          kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Per municipality and period the version that counts at the kalender's peildatum: the
    latest one published before it. Without a ``versiedatum`` column the table is taken as it
    is."""
    if "versiedatum" not in taakstelling:
        return taakstelling
    cutoff = kalender.peildatum_cutoff(taakstelling["periode"])
    valid = taakstelling[taakstelling["versiedatum"].to_numpy() < cutoff]
    latest = valid.sort_values("versiedatum", kind="stable").groupby(
        KEY, sort=False, observed=True).tail(1)
    return latest.drop(columns="versiedatum").reset_index(drop=True)


def nieuwste_versie(taakstelling: pd.DataFrame) -> pd.DataFrame:
    """Per municipality and period the newest version known, whatever its date (for forecasts
    and for the populations a table states)."""
    latest = taakstelling.sort_values("versiedatum", kind="stable").groupby(
        KEY, sort=False, observed=True).tail(1)
    return latest.sort_values(KEY).reset_index(drop=True)


def bekend_op(taakstelling: pd.DataFrame, datum: dt.date) -> pd.DataFrame:
    """Per municipality and period the version known on ``datum``: the newest published on or
    before it (a later revision is not yet known). ``eerder`` holds the figure it replaced, for
    a version that revised an earlier one."""
    known = taakstelling[taakstelling["versiedatum"] <= pd.Timestamp(datum)].sort_values(
        [*KEY, "versiedatum"], kind="stable")
    known = known.assign(eerder=known.groupby(KEY, sort=False)["taakstelling"].shift(1))
    return known.groupby(KEY, sort=False).tail(1).reset_index(drop=True)


def volgende_taakstelling(stand: pd.DataFrame, taakstelling: pd.DataFrame, gemeente_code: str,
                          periode: str, datum: dt.date) -> pd.Series | None:
    """The next half-year's taakstelling of one municipality as its stand knows it (the stand's
    row for the half-year after ``periode``), with the ``versiedatum`` of the version it comes
    from: of the versions with that figure, the one known on ``datum`` (see :func:`bekend_op`),
    else the first that gave it. None when the stand has no row for the next half-year yet."""
    following = volgende_periode(periode)
    rows = stand[(stand["gemeente_code"] == gemeente_code) & (stand["periode"] == following)]
    if rows.empty:
        return None
    value = int(rows.iloc[0]["taakstelling"])
    versions = taakstelling[(taakstelling["gemeente_code"] == gemeente_code)
                            & (taakstelling["periode"] == following)
                            & (taakstelling["taakstelling"] == value)]
    known = bekend_op(versions, datum)
    versiedatum = (known.iloc[0]["versiedatum"] if len(known)
                   else versions["versiedatum"].min() if len(versions) else None)
    return pd.Series({"taakstelling": value, "versiedatum": versiedatum})
