"""Two half-years side by side: per municipality the change of every figure, and its rating
and rung in both, so that an analyst sees at once who moved and whose judgement changed."""

from __future__ import annotations

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain.periods import periode_tekst
from analysis.report import charts
from analysis.verkenning._kolommen import BEOORDEELD, netjes, procenten
from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.uitkomst import Uitkomst

FIGUREN = ["Stand begin", "Taakstelling", "Opgave", "Realisatie", "Stand eind",
           "% taakstelling", "% totaalopgave"]
OORDELEN = ["Oordeel", "Trede"]


def verschillen(van: pd.DataFrame, naar: pd.DataFrame, periode_van: str,
                periode_naar: str) -> pd.DataFrame:
    """Per municipality (tidy tables of one half-year each, Dutch names) the end stand in
    both, the change of every figure (``naar`` minus ``van``; a percentage's in percentage
    points, as a fraction), and rating and rung in both with whether they changed. A
    municipality in one half-year only has empty changes."""
    before = van.set_index("Gemeentecode")
    after = naar.set_index("Gemeentecode")
    data = pd.DataFrame(index=before.index.union(after.index).rename("Gemeentecode"))
    data["Gemeente"] = after["Gemeente"].combine_first(before["Gemeente"])
    data[f"Stand eind {periode_van}"] = before["Stand eind"]
    data[f"Stand eind {periode_naar}"] = after["Stand eind"]
    for figure in FIGUREN:
        data[f"Verschil {figure.lower()}"] = after[figure] - before[figure]
    for judgement in OORDELEN:
        data[f"{judgement} {periode_van}"] = before[judgement]
        data[f"{judgement} {periode_naar}"] = after[judgement]
        data[f"{judgement} gewijzigd"] = (after[judgement].reindex(data.index)
                                          .ne(before[judgement].reindex(data.index))
                                          .astype("boolean"))
    data = data.astype({f"Stand eind {p}": "Int64" for p in (periode_van, periode_naar)})
    return data.reset_index().sort_values(["Gemeente", "Gemeentecode"], ignore_index=True)


def vergelijk_tabel(berekening: Berekening, herkomst: Herkomst, van: str,
                    naar: str) -> Uitkomst:
    """The comparison of half-year ``van`` with ``naar``; chart: the heatmap of the two."""
    table = berekening.table("beoordeling")
    data = verschillen(netjes(table[table["periode"] == van], BEOORDEELD),
                       netjes(table[table["periode"] == naar], BEOORDEELD), van, naar)
    stand = berekening.table("stand")
    both = stand[stand["periode"].isin([van, naar])]
    complete = both[both["volledig"].astype(bool)]
    shown = procenten(data) + tuple(f"Verschil {f.lower()}" for f in FIGUREN if "%" in f)
    return Uitkomst(f"De {periode_tekst(naar)} vergeleken met de {periode_tekst(van)}: per "
                    "gemeente het verschil", data, herkomst, shown,
                    teken=lambda: [charts.heatmap(both, naar)] if len(complete) else [])
