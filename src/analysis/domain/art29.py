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


FORMULA_COLUMNS = ["landelijk_totaal", "inwoners", "inwoners_nederland"]


def art29_cijfer(taakstelling: pd.DataFrame) -> pd.Series:
    """Per row the art. 29(1) figure: the formula's where the row states the national total,
    its population and the national population, else the imported ``taakstelling``."""
    stated = taakstelling[FORMULA_COLUMNS].notna().all(axis=1).to_numpy()
    values = taakstelling[FORMULA_COLUMNS].astype("Float64").fillna(1).astype("int64")
    product = values["landelijk_totaal"].to_numpy() * values["inwoners"].to_numpy()
    formula = -(-product // values["inwoners_nederland"].to_numpy())
    imported = taakstelling["taakstelling"].astype("Int64")
    return pd.Series(np.where(stated, formula, imported.astype("Float64").to_numpy()),
                     index=taakstelling.index, name="art29").astype("Int64")


def art29_afwijkingen(taakstelling: pd.DataFrame) -> pd.DataFrame:
    """Rows of an imported taakstelling table whose figure differs from the formula; only rows
    that state the national total, their population and the national population are checked."""
    checkable = taakstelling.dropna(subset=[*FORMULA_COLUMNS, "taakstelling"])
    expected = art29_cijfer(checkable).astype("int64")
    return checkable.assign(art29=expected)[checkable["taakstelling"] != expected]


def art29_melding(row: object, name: str) -> str:
    """The warning about one deviating row (a row of :func:`art29_afwijkingen`)."""
    return (f"gemeente {name} ({row.gemeente_code}), {row.periode}: taakstelling "
            f"{row.taakstelling} wijkt af van de art. 29-formule ({row.art29} = naar boven "
            f"afgerond {row.landelijk_totaal} x {row.inwoners} / {row.inwoners_nederland})")


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
