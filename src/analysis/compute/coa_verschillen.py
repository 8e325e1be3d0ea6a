"""Where sources disagree, listed and never overwritten: the computed stand against the stand
COA publishes at a peildatum, and the person-level export's count against COA's overview."""

from __future__ import annotations

import pandas as pd

from analysis.compute.stromen import coa_afsluiting, coa_maanden, gesloten
from analysis.domain.telkalender import STANDAARD, Telkalender

KEY = ["gemeente_code", "periode"]


def coa_standen(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Stands COA reports at the end of a period (its overviews dated 1 January and 1 July)."""
    closing = coa_afsluiting(coa_overzicht)
    return closing.assign(
        coa_stand_eind=closing["stand_begin"] + closing["gerealiseerd"] - closing["taakstelling"],
    )[["gemeente_code", "periode", "peildatum", "coa_stand_eind", "bron_bestand"]]


def coa_verschillen(stand: pd.DataFrame, coa_overzicht: pd.DataFrame,
                    kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Where the computed stand differs from COA's at the end of a period. With a cut-off the
    province's stand closes on another day than COA's, so there is nothing to compare."""
    if kalender.heeft_uitloop:
        return coa_standen(coa_overzicht).iloc[0:0].assign(stand_eind=pd.Series(dtype="int64"),
                                                           verschil=pd.Series(dtype="int64"))
    both = stand[["gemeente_code", "periode", "stand_eind"]].merge(
        coa_standen(coa_overzicht), on=["gemeente_code", "periode"], how="inner")
    both["verschil"] = both["stand_eind"] - both["coa_stand_eind"]
    return both[both["verschil"] != 0].reset_index(drop=True)


def telling_verschillen(person_months: pd.DataFrame, coa_overzicht: pd.DataFrame,
                        kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Half-years where the person-level export counts another realisatie than COA's overviews
    settle for it (the official figure)."""
    counted = person_months.groupby(KEY, as_index=False)["realisatie"].sum().rename(
        columns={"realisatie": "tvs_realisatie"})
    official = coa_maanden(coa_overzicht, kalender).groupby(KEY, as_index=False)[
        "realisatie"].sum().rename(columns={"realisatie": "coa_realisatie"})
    closing = coa_afsluiting(coa_overzicht, kalender)[[*KEY, "peildatum", "bron_bestand"]]
    official = official.merge(gesloten(coa_overzicht, kalender), on=KEY).merge(
        closing, on=KEY)
    both = counted.merge(official, on=KEY)
    both["verschil"] = both["tvs_realisatie"] - both["coa_realisatie"]
    return both[both["verschil"] != 0][[*KEY, "tvs_realisatie", "peildatum", "coa_realisatie",
                                        "bron_bestand", "verschil"]].reset_index(drop=True)
