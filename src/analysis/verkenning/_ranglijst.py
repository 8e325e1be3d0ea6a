"""The municipalities of one closed half-year in order: by stand per 10,000 inhabitants, by
percentage of the taakstelling realised, or by backlog; the one furthest behind first."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain.periods import periode_tekst
from analysis.problems import Refused
from analysis.report import charts
from analysis.verkenning._kolommen import netjes
from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.uitkomst import Uitkomst

PER_10000 = "Stand per 10.000 inwoners"


@dataclass(frozen=True)
class Maat:
    """What a ranking orders by: a column of the ranking, and how it is said."""

    kolom: str
    omschrijving: str
    bovenaan: str  # who comes first


MATEN = {
    "per_10000": Maat(PER_10000, "stand per 10.000 inwoners",
                      "de grootste achterstand per 10.000 inwoners bovenaan"),
    "pct_taakstelling": Maat("% taakstelling", "percentage van de taakstelling gerealiseerd",
                             "het laagste percentage bovenaan"),
    "achterstand": Maat("Stand eind", "achterstand", "de grootste achterstand bovenaan"),
}
COLUMNS = ["gemeente_code", "gemeente_naam", "inwoners", "stand_eind", "pct_taakstelling",
           "oordeel_label", "trede"]


def kies_maat(maat: str) -> Maat:
    """The measure named ``maat``; refused in Dutch for any other name."""
    if maat not in MATEN:
        raise Refused(f"maat: '{maat}' is geen maat voor een ranglijst (kies uit "
                      f"{', '.join(MATEN)})")
    return MATEN[maat]


def rangorde(rows: pd.DataFrame, maat: Maat) -> pd.DataFrame:
    """The tidy ranking of one half-year's rows (internal names): the lowest value of the
    measure first (the largest backlog, the lowest percentage), equal values sharing a rank,
    ties in alphabetical order."""
    data = netjes(rows, COLUMNS)
    data.insert(4, "Achterstand", (-data["Stand eind"]).clip(lower=0))
    data.insert(5, PER_10000, data["Stand eind"].astype("Float64") / data["Inwoners"] * 10_000)
    data = data.sort_values([maat.kolom, "Gemeente"], ignore_index=True, na_position="last")
    data.insert(0, "Rang", data[maat.kolom].rank(method="min").astype("Int64"))
    return data


def ranglijst_tabel(berekening: Berekening, herkomst: Herkomst, periode: str,
                    maat: str) -> Uitkomst:
    """The ranking of ``periode`` by ``maat``; chart: the report's ranking by stand per
    10,000 inhabitants. A half-year still running has no end stand to rank yet."""
    chosen = kies_maat(maat)
    table = berekening.table("beoordeling")
    rows = table[(table["periode"] == periode) & table["volledig"].astype(bool)]
    if rows.empty:
        raise Refused(f"periode: de {periode_tekst(periode)} loopt nog; een ranglijst volgt "
                      "de stand aan het eind, die er nog niet is")
    data = rangorde(rows, chosen)
    inwoners = rows.set_index("gemeente_code")["inwoners"].astype("Float64")
    return Uitkomst(f"Ranglijst {periode_tekst(periode)} op {chosen.omschrijving}, "
                    f"{chosen.bovenaan}", data, herkomst, ("% taakstelling",),
                    teken=lambda: [charts.ranking(rows, inwoners, periode)])
