"""The state after a besluit tot indeplaatsstelling (Gemeentewet art. 124): Gedeputeerde Staten
carry out the municipality's task in its place and at its cost.

From the half-year holding the decision's ``ingang`` (default its ``datum``) on, until the
half-year holding a standing ``intrekking`` of it, the municipality is under indeplaatsstelling:
no rating rule and no ladder advice apply, the rating is the kader's fixed label, the rung is
the decision's, and the figures still count in the municipality's name. What GS take over is
the kader's choice: the whole totaalopgave of the ingang's half-year (Flevoland's beleidsregel
2024) or the decision's ``aantal``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.kader import Kader
from analysis.domain.besluiten import geldend
from analysis.domain.datums import datum_tekst
from analysis.domain.periods import periode_tekst

SOORT = "besluit_indeplaatsstelling"
CODE = "indeplaatsstelling"  # the fixed rating's code
KLEUR = "#762A83"
ADVIES = "geen advies: Gedeputeerde Staten voeren de taak uit"
COLUMNS = ["indeplaatsstelling", "indeplaatsstelling_besluit", "indeplaatsstelling_zin"]


def _decisions(register: pd.DataFrame, kader: Kader) -> pd.DataFrame:
    """The standing decisions with the half-year they take effect (``vanaf``) and, where a
    standing intrekking withdrew them, the half-year that ends them (``tot``)."""
    standing = geldend(register, ingetrokken=False)
    decided = standing[standing["soort"] == SOORT].astype({"gemeente_code": str})
    start = decided["ingang"].fillna(decided["datum"]).astype("datetime64[ns]")
    decided = decided.assign(ingang=start, vanaf=kader.kalender.telperiode(start).astype(str))
    withdrawn = standing[(standing["soort"] == "intrekking")].astype({"gemeente_code": str})
    ends = withdrawn.assign(tot=kader.kalender.telperiode(
        withdrawn["datum"].astype("datetime64[ns]")).astype(str))[
        ["gemeente_code", "verwijst_naar", "tot"]].rename(columns={"verwijst_naar": "kenmerk"})
    ends = ends[ends["kenmerk"].notna() & (ends["kenmerk"] != "")]
    return decided[["gemeente_code", "besluit", "datum", "ingang", "vanaf", "kenmerk",
                    "aantal"]].merge(ends, on=["gemeente_code", "kenmerk"], how="left")


def onder_indeplaatsstelling(frame: pd.DataFrame, register: pd.DataFrame,
                             kader: Kader) -> pd.DataFrame:
    """Per row of ``frame`` (positionally; municipality, half-year and ``opgave``) whether it is
    under indeplaatsstelling, the decision in words and the sentence saying who houses from
    when and what GS took over (empty elsewhere)."""
    rows = pd.DataFrame({"gemeente_code": frame["gemeente_code"].astype(str).to_numpy(),
                         "periode": frame["periode"].astype(str).to_numpy(),
                         "_rij": np.arange(len(frame))})
    decided = _decisions(register, kader)
    empty = pd.DataFrame({"indeplaatsstelling": np.zeros(len(frame), bool),
                          "indeplaatsstelling_besluit": "", "indeplaatsstelling_zin": ""},
                         index=frame.index)
    if decided.empty:
        return empty
    joined = rows.merge(decided, on="gemeente_code")
    joined = joined[(joined["periode"] >= joined["vanaf"])
                    & (joined["tot"].isna() | (joined["periode"] < joined["tot"].fillna("")))]
    joined = joined.sort_values(["datum", "besluit"]).drop_duplicates("_rij", keep="last")
    if joined.empty:
        return empty
    opgave = pd.Series(frame["opgave"].to_numpy(), index=pd.MultiIndex.from_arrays(
        [rows["gemeente_code"], rows["periode"]]))
    taken = (opgave.reindex(pd.MultiIndex.from_frame(joined[["gemeente_code", "vanaf"]]))
             .to_numpy() if kader.indeplaatsstelling.overname == "totaalopgave"
             else joined["aantal"].to_numpy())
    day = joined["datum"].map(lambda d: datum_tekst(d.date()))
    start = joined["ingang"].map(lambda d: datum_tekst(d.date()))
    kenmerk = np.where(joined["kenmerk"].fillna("") != "",
                       ", kenmerk " + joined["kenmerk"].fillna("").astype(str), "")
    besluit = "besluit tot indeplaatsstelling van " + day + kenmerk
    amount = pd.Series(taken, index=joined.index).astype("Int64").astype(str).replace(
        "<NA>", "?")
    what = (("de hele totaalopgave van " + amount + " (de taakstelling met de achterstand) van "
             "de " + joined["vanaf"].map(periode_tekst))
            if kader.indeplaatsstelling.overname == "totaalopgave"
            else "de huisvesting van " + amount + " vergunninghouders (het aantal uit het "
            "besluit)")
    sentence = ("Gedeputeerde Staten huisvesten vanaf " + start + " in de plaats en op kosten "
                "van de gemeente (art. 124 Gemeentewet; " + besluit + ") en nemen " + what
                + " over. De cijfers tellen op naam van de gemeente.")
    at = joined["_rij"].to_numpy()
    empty.iloc[at, 0] = True
    empty.iloc[at, 1] = besluit.to_numpy(object)
    empty.iloc[at, 2] = sentence.to_numpy(object)
    return empty
