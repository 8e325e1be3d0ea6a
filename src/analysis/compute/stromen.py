"""The roll-forward's inputs, shaped from the ingested tables (frames in, frames out).

COA's count per month comes from the person-level export when the province has one, and
otherwise from COA's monthly overviews (each gives the realisation of its half-year so far).
Where the kader makes the municipalities' own reports leading, theirs replace COA's for the
months they report. A half-year's realisatie under COA is the official figure: COA's overview at
the peildatum closing it, where there is one. The opening balance is COA's voor/achterstand at
the start of each municipality's first period with an overview.
"""

from __future__ import annotations

import pandas as pd

MONTH_COLUMNS = ["gemeente_code", "maand", "periode", "realisatie"]


def geldende_overzichten(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """COA's overviews as they count: of a re-issued overview only the latest vintage."""
    return coa_overzicht[coa_overzicht["geldend"].fillna(True).astype(bool)]


def coa_maanden(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Realisation per municipality and month from COA's monthly overviews: an overview dated
    the first of a month gives its half-year's realisation through the month before; a month's
    realisation is the increase over the previous overview of the same half-year (over two
    months if an overview is missing, shown in the later month)."""
    frame = coa_overzicht.sort_values(["gemeente_code", "peildatum"])
    so_far = frame["gerealiseerd"].astype("int64")
    before = so_far.groupby([frame["gemeente_code"], frame["periode"]]).shift(1, fill_value=0)
    return pd.DataFrame({
        "gemeente_code": frame["gemeente_code"],
        "maand": frame["peildatum"].astype("datetime64[ns]") - pd.offsets.MonthBegin(1),
        "periode": frame["periode"], "realisatie": so_far - before,
    }).reset_index(drop=True)


def coa_telling(person_months: pd.DataFrame, coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """COA's count per month: the person-level export's when there is one, else the overviews'."""
    if len(person_months):
        return person_months[MONTH_COLUMNS]
    return coa_maanden(coa_overzicht)


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


def coa_afsluiting(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """COA's overviews at the peildatum closing a half-year (1 January, 1 July)."""
    dates = coa_overzicht["peildatum"].dt
    return coa_overzicht[dates.month.isin([1, 7]) & dates.day.eq(1)]


def periode_realisatie(months: pd.DataFrame, coa_overzicht: pd.DataFrame,
                       leidend: str = "COA") -> pd.DataFrame:
    """Realisatie per municipality and period: under COA the figure of COA's closing overview
    where there is one, else the sum of the months; under the municipalities' reports the sum
    of the leading months."""
    key = ["gemeente_code", "periode"]
    summed = months.groupby(key, as_index=False)["realisatie"].sum()
    if leidend != "COA":
        return summed
    closing = coa_afsluiting(coa_overzicht)[[*key, "gerealiseerd"]].rename(
        columns={"gerealiseerd": "realisatie"})
    rest = summed.merge(closing[key], on=key, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([closing, rest], ignore_index=True)


def stromen(taakstelling: pd.DataFrame, realised: pd.DataFrame) -> pd.DataFrame:
    """Taakstelling (every version) and realisatie per municipality and period."""
    frame = taakstelling[["gemeente_code", "periode", "versiedatum", "taakstelling",
                          "inwoners"]].merge(realised, on=["gemeente_code", "periode"],
                                             how="left")
    return frame.fillna({"realisatie": 0}).astype({"realisatie": "int64"})


def openingsstand(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """COA's stand at the start of each municipality's earliest period with an overview."""
    first = coa_overzicht.sort_values("peildatum").groupby("gemeente_code", as_index=False).first()
    return first[["gemeente_code", "periode", "stand_begin"]].rename(
        columns={"stand_begin": "stand"})
