"""The crosswalk applied: the herindelingen's overgangen carried out, predecessors' stands
moved into their successors.

For every herindeling whose predecessor is in the data, the successor takes over the stand at
the start of the half-year containing the herindeling date. A herindeling during a half-year
(Weesp, 24 March 2022) makes the successor answerable for that whole half-year: the predecessor's
taakstelling and realisatie of that half-year are added to the successor's. A split divides the
stand, and such flows, over the successors by the inhabitants of the parts that went to each
(``reference/herindelingen.csv``) unless a GS decision sets other shares. The province's total
stand never changes because of a herindeling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.roll_forward import RollforwardError, verdeel
from analysis.domain.gemeenten import naam
from analysis.domain.herindelingen import geldig_vanaf, overgangen
from analysis.domain.periods import periode_of_dates
from analysis.formatting import datum

CROSSWALK = ["oud_code", "nieuw_code", "periode", "gewicht"]
FOLDED = ["taakstelling", "realisatie"]


def crosswalk(codes: pd.Series, verdelingen: pd.DataFrame | None = None) -> pd.DataFrame:
    """The herindelingen that concern ``codes``: predecessor, successor, the half-year the
    successor takes over, and each successor's weight (inhabitants of its part, or the shares
    of a GS decision in ``verdelingen``: ``oud_code``, ``nieuw_code``, ``gewicht``)."""
    steps = overgangen()
    steps = steps[steps["oud_code"].isin(set(codes))].copy()
    steps["periode"] = periode_of_dates(steps["datum"])
    several = steps.groupby("oud_code")["nieuw_code"].transform("size") > 1
    steps["gewicht"] = np.where(several, steps["inwoners"].astype("Float64"), 1)
    if verdelingen is not None and len(verdelingen):
        decided = steps[["oud_code", "nieuw_code"]].merge(
            verdelingen, on=["oud_code", "nieuw_code"], how="left")["gewicht"].to_numpy()
        steps["gewicht"] = np.where(pd.notna(decided), decided, steps["gewicht"])
    missing = steps[pd.isna(steps["gewicht"])]
    if len(missing):
        row = missing.iloc[0]
        raise RollforwardError(
            f"herindeling per {datum(row['datum'])}: {row['oud_naam']} ({row['oud_code']}) is "
            "verdeeld over meerdere gemeenten, maar het aantal inwoners van het deel dat naar "
            f"{row['nieuw_naam']} ging is niet bekend; leg de verdeling vast in een besluit "
            "(soort = \"verdeling\")")
    absent = steps[~steps["nieuw_code"].isin(set(codes))]
    if len(absent):
        row = absent.iloc[0]
        raise RollforwardError(
            f"herindeling per {datum(row['datum'])}: {row['oud_naam']} ({row['oud_code']}) "
            f"gaat op in {row['nieuw_naam']} ({row['nieuw_code']}), maar van die gemeente staan "
            "geen gegevens in de invoer")
    return steps.astype({"gewicht": "int64"})[CROSSWALK].reset_index(drop=True)


def vouw(stromen: pd.DataFrame, overgang: pd.DataFrame) -> pd.DataFrame:
    """The flows with every predecessor row from its herindeling's half-year on added to the
    successors (divided by the weights in whole persons), and those rows removed."""
    if overgang.empty:
        return stromen
    first = overgang.groupby("oud_code")["periode"].min()
    late = stromen["periode"] >= stromen["gemeente_code"].map(first).fillna("9999")
    if not late.any():
        return stromen
    moved = stromen[late].reset_index(names="_rij").merge(
        overgang[["oud_code", "nieuw_code", "gewicht"]], left_on="gemeente_code",
        right_on="oud_code")
    parts = pd.DataFrame({column: verdeel(moved[column].to_numpy(), moved["_rij"].to_numpy(),
                                          moved["gewicht"].to_numpy()) for column in FOLDED})
    added = parts.groupby([moved["nieuw_code"].to_numpy(), moved["periode"].to_numpy()]).sum()
    kept = stromen[~late]
    key = pd.MultiIndex.from_frame(kept[["gemeente_code", "periode"]])
    lacking = added.index.difference(key)
    if len(lacking):
        code, periode = lacking[0]
        raise RollforwardError(
            f"herindeling: {naam(pd.Series([code])).iloc[0]} ({code}) heeft geen taakstelling "
            f"voor {periode}, waarin een voorganger opging")
    extra = added.reindex(key, fill_value=0)
    return kept.assign(**{column: kept[column].to_numpy() + extra[column].to_numpy()
                          for column in FOLDED})


def openingen(openingsstand: pd.DataFrame, overgang: pd.DataFrame) -> pd.DataFrame:
    """The opening stands, less those of successors that opened in their herindeling's
    half-year: COA's stand there already holds the predecessors' backlog, which the roll-forward
    carries over itself (a new municipality opens at 0 plus what it takes over)."""
    if overgang.empty:
        return openingsstand
    first = overgang.groupby("nieuw_code")["periode"].min()
    merged_at = openingsstand["gemeente_code"].map(first)
    late = (openingsstand["periode"] >= merged_at).fillna(False).to_numpy()
    started = geldig_vanaf(openingsstand["gemeente_code"])
    opened_then = (periode_of_dates(started) == merged_at).fillna(False).to_numpy(bool)
    kept_code = late & ~opened_then
    if kept_code.any():
        row = openingsstand[kept_code].iloc[0]
        raise RollforwardError(
            f"herindeling: de gegevens van {naam(pd.Series([row['gemeente_code']])).iloc[0]} "
            f"({row['gemeente_code']}) beginnen pas in {row['periode']}, het halfjaar waarin "
            "voorgangers opgingen; de eigen stand van daarvoor is nodig om hun stand niet dubbel "
            "te tellen")
    return openingsstand[~late].reset_index(drop=True)
