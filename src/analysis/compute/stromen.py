"""The roll-forward's inputs, shaped from the ingested tables (frames in, frames out).

Realisatie comes from the leading source: COA's count (the person-level export), or, where the
kader makes the municipalities' own reports leading, theirs for the months they report. The
opening balance is COA's voor/achterstand at the start of each municipality's first period
with an overview.
"""

from __future__ import annotations

import pandas as pd

MONTH_COLUMNS = ["gemeente_code", "maand", "periode", "realisatie"]


def realisatie_maand(coa: pd.DataFrame, gemeente: pd.DataFrame,
                     leidend: str = "COA") -> pd.DataFrame:
    """Realisation per municipality and month from the leading source."""
    coa = coa[MONTH_COLUMNS]
    if leidend == "COA":
        return coa
    own = gemeente[MONTH_COLUMNS]
    key = ["gemeente_code", "maand"]
    rest = coa.merge(own[key], on=key, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([rest, own], ignore_index=True).sort_values(key, ignore_index=True)


def stromen(taakstelling: pd.DataFrame, realisatie_maand: pd.DataFrame) -> pd.DataFrame:
    """Taakstelling (every version) and realisatie per municipality and period."""
    realised = realisatie_maand.groupby(["gemeente_code", "periode"], as_index=False)[
        "realisatie"].sum()
    frame = taakstelling[["gemeente_code", "periode", "versiedatum", "taakstelling",
                          "inwoners"]].merge(realised, on=["gemeente_code", "periode"],
                                             how="left")
    return frame.fillna({"realisatie": 0}).astype({"realisatie": "int64"})


def openingsstand(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """COA's stand at the start of each municipality's earliest period with an overview."""
    first = coa_overzicht.sort_values("peildatum").groupby("gemeente_code", as_index=False).first()
    return first[["gemeente_code", "periode", "stand_begin"]].rename(
        columns={"stand_begin": "stand"})
