"""Reconciliation: what municipalities report against COA's count, month by month."""

from __future__ import annotations

import pandas as pd

from analysis.domain.periods import MONTHS_NL, periode_of_dates

SOURCES = ("COA", "gemeente")


def gemeenten_tegen_coa(coa: pd.DataFrame, gemeente: pd.DataFrame,
                        leidend: str = "COA") -> pd.DataFrame:
    """Every month, within the span each municipality reports, where its own count differs from
    COA's, with which figure counts and a line an analyst can follow up."""
    if leidend not in SOURCES:
        raise ValueError(f"leidende bron '{leidend}' onbekend; kies {' of '.join(SOURCES)}")
    span = gemeente.groupby("gemeente_code")["maand"].agg(["min", "max"])
    months = coa[coa["gemeente_code"].isin(span.index)][["gemeente_code", "maand", "realisatie"]]
    if len(months):  # per calendar month, also under a cut-off (January then has two rows)
        months = months.groupby(["gemeente_code", "maand"], as_index=False)["realisatie"].sum()
    both = months.merge(gemeente[["gemeente_code", "maand", "realisatie"]],
                        on=["gemeente_code", "maand"], how="outer", suffixes=("_coa", "_gemeente"))
    within = both.join(span, on="gemeente_code")
    within = within[(within["maand"] >= within["min"]) & (within["maand"] <= within["max"])]
    frame = within.drop(columns=["min", "max"]).fillna(
        {"realisatie_coa": 0}).astype({"realisatie_coa": "int64"})
    frame = frame.rename(columns={"realisatie_coa": "coa", "realisatie_gemeente": "gemeente"})
    frame["verschil"] = frame["gemeente"] - frame["coa"]
    open_items = frame[frame["verschil"].ne(0).fillna(True)].copy()
    open_items["periode"] = periode_of_dates(open_items["maand"]).astype(object)
    open_items["leidend"] = leidend
    open_items["telt"] = open_items[leidend.lower()].astype("Int64")
    open_items["opvolgen"] = [_line(row, leidend) for row in open_items.itertuples()]
    columns = ["gemeente_code", "periode", "maand", "coa", "gemeente", "verschil", "leidend",
               "telt", "opvolgen"]
    return open_items[columns].sort_values(["gemeente_code", "maand"]).reset_index(drop=True)


def _line(row, leidend: str) -> str:
    month = f"{MONTHS_NL[row.maand.month - 1]} {row.maand.year}"
    if pd.isna(row.gemeente):
        return f"{month}: ontbreekt in de rapportage van de gemeente (COA: {row.coa})"
    more = "meer" if row.verschil > 0 else "minder"
    return (f"{month}: gemeente meldt {abs(int(row.verschil))} {more} dan COA "
            f"({int(row.gemeente)} tegen {row.coa}); {leidend} is leidend")
