"""Monthly signals: the kader's ``[[maandsignalen]]`` checked on the pace table, one row per
municipality, month and rule that fires.

A signal is what the kader advises inside a half-year (Limburg 2016: a letter to a municipality
with a large backlog on 1 January that housed too few in January); it never changes a rating,
a rung or the advice about a complete half-year. Each rule is evaluated once on the whole pace
table, after the calendar months it names and only on months that had ended on the
computation's kennisdatum (a month still under way has no figures to judge yet).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.compute.kader import SIGNAL_COLUMNS, Maandsignaal

KEY = ["gemeente_code", "periode", "peildatum"]
TEXTS = ["code", "label", "advies", "regel"]
# lopend: the half-year was still running on the kennisdatum; actueel: the signal is of the
# latest month its rule was checked in that half-year (what a page about now shows)
COLUMNS = [*KEY, *TEXTS, "lopend", "actueel", *SIGNAL_COLUMNS]
_TYPES = {"gemeente_code": "string", "periode": "string", "peildatum": "datetime64[ns]",
          **dict.fromkeys(TEXTS, "string"), "lopend": "bool", "actueel": "bool",
          "op_schema": "bool", "pad": "float64", "verschil_met_pad": "float64"}


def leeg() -> pd.DataFrame:
    """The table without rows, typed as when it has them."""
    return pd.DataFrame({column: pd.Series(dtype=_TYPES.get(column, "int64"))
                         for column in COLUMNS})


def maandcijfers(pace: pd.DataFrame, stand: pd.DataFrame) -> pd.DataFrame:
    """The pace table with the columns a monthly rule may use besides its own: the calendar
    month counted (``maand``, 1 = januari), the backlog at the start, the realisation in that
    month, and whether the half-year was still running (``lopend``)."""
    frame = pace.sort_values(KEY, kind="stable", ignore_index=True)
    counted = frame["peildatum"] - pd.offsets.MonthBegin(1)
    so_far = frame["realisatie_tot_nu"].astype("int64")
    before = so_far.groupby([frame["gemeente_code"], frame["periode"]], sort=False).shift(
        1, fill_value=0)
    running = ~stand.set_index(["gemeente_code", "periode"])["volledig"].astype(bool)
    lopend = running.reindex(pd.MultiIndex.from_frame(frame[["gemeente_code", "periode"]]),
                             fill_value=False).to_numpy(bool)
    return frame.assign(maand=counted.dt.month.astype("int64"),
                        achterstand_begin=(-frame["stand_begin"]).clip(lower=0).astype("int64"),
                        realisatie_maand=(so_far - before).astype("int64"), lopend=lopend)


def signalen(pace: pd.DataFrame, stand: pd.DataFrame, regels: tuple[Maandsignaal, ...],
             kennisdatum: dt.date) -> pd.DataFrame:
    """Every month, municipality and rule that fires; empty (typed) without rules."""
    if not regels or pace.empty:
        return leeg()
    frame = maandcijfers(pace, stand)
    ended = (frame["peildatum"] <= pd.Timestamp(kennisdatum)).to_numpy()
    found = []
    for regel in regels:  # a handful of rules, each on the whole table at once
        checked = ended & frame["maand"].isin(regel.maanden).to_numpy()
        fires = checked & regel.regel.evaluate(frame)
        latest = frame["peildatum"].where(checked).groupby(frame["periode"]).transform("max")
        rows = frame[fires].assign(code=regel.code, label=regel.label, advies=regel.advies,
                                   regel=regel.regel.text,
                                   actueel=(frame["peildatum"] == latest).to_numpy()[fires])
        found.append(rows)
    table = pd.concat(found, ignore_index=True)[COLUMNS]
    table = table.astype({column: _TYPES.get(column, "int64") for column in COLUMNS})
    order = np.lexsort((table["code"].to_numpy(str), table["gemeente_code"].to_numpy(str),
                        table["peildatum"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)
