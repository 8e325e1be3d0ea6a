"""The art. 29 Huisvestingswet 2014 formula in exact integers: computing, checking, forecasting."""

from __future__ import annotations

import numpy as np
import pandas as pd


def art29(landelijk_totaal: int, inwoners: pd.Series, inwoners_nederland: int) -> pd.Series:
    """Taakstelling per municipality: ceil(vg * iG / iN), computed as -(-vg*iG // iN) so that no
    float rounding can move a result across an integer."""
    product = np.asarray(inwoners, dtype=np.int64) * np.int64(landelijk_totaal)
    result = -(-product // np.int64(inwoners_nederland))
    return pd.Series(result, index=inwoners.index, name="taakstelling", dtype="int64")


def art29_afwijkingen(taakstelling: pd.DataFrame) -> pd.DataFrame:
    """Rows of an imported taakstelling table whose figure differs from the formula; only rows
    that state the national total, their population and the national population are checked."""
    columns = ["landelijk_totaal", "inwoners", "inwoners_nederland"]
    checkable = taakstelling.dropna(subset=[*columns, "taakstelling"])
    product = checkable["landelijk_totaal"].astype("int64") * checkable["inwoners"].astype("int64")
    expected = -(-product // checkable["inwoners_nederland"].astype("int64"))
    return checkable.assign(art29=expected)[checkable["taakstelling"] != expected]


def voorspel(landelijk_totaal: int, inwoners: pd.DataFrame, inwoners_nederland: int,
             stand: pd.Series | None = None) -> pd.DataFrame:
    """Forecast of the next taakstelling per municipality from an announced national total, and,
    given each municipality's current stand, the opgave it would bring."""
    forecast = inwoners[["gemeente_code", "inwoners"]].assign(
        taakstelling=art29(landelijk_totaal, inwoners["inwoners"], inwoners_nederland))
    if stand is not None:
        forecast["stand"] = forecast["gemeente_code"].map(stand).astype("int64")
        forecast["opgave"] = forecast["taakstelling"] - forecast["stand"]
    return forecast.reset_index(drop=True)
