"""Where sources disagree, listed and never overwritten: the computed stand against the stand
COA publishes at a peildatum, and the person-level export's count against COA's overview."""

from __future__ import annotations

import pandas as pd

from analysis.compute.stromen import coa_afsluiting


def coa_standen(coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Stands COA reports at the end of a period (its overviews dated 1 January and 1 July)."""
    closing = coa_afsluiting(coa_overzicht)
    return closing.assign(
        coa_stand_eind=closing["stand_begin"] + closing["gerealiseerd"] - closing["taakstelling"],
    )[["gemeente_code", "periode", "peildatum", "coa_stand_eind", "bron_bestand"]]


def coa_verschillen(stand: pd.DataFrame, coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Where the computed stand differs from COA's at the end of a period."""
    both = stand[["gemeente_code", "periode", "stand_eind"]].merge(
        coa_standen(coa_overzicht), on=["gemeente_code", "periode"], how="inner")
    both["verschil"] = both["stand_eind"] - both["coa_stand_eind"]
    return both[both["verschil"] != 0].reset_index(drop=True)


def telling_verschillen(person_months: pd.DataFrame, coa_overzicht: pd.DataFrame) -> pd.DataFrame:
    """Half-years where the person-level export counts another realisatie than COA's overview
    at the closing peildatum (which is the official figure)."""
    key = ["gemeente_code", "periode"]
    counted = person_months.groupby(key, as_index=False)["realisatie"].sum().rename(
        columns={"realisatie": "tvs_realisatie"})
    closing = coa_afsluiting(coa_overzicht)[[*key, "peildatum", "gerealiseerd", "bron_bestand"]]
    both = counted.merge(closing.rename(columns={"gerealiseerd": "coa_realisatie"}), on=key)
    both["verschil"] = both["tvs_realisatie"] - both["coa_realisatie"]
    return both[both["verschil"] != 0].reset_index(drop=True)
