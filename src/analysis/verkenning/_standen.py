"""The stand in three cuts: every municipality in every half-year, one municipality in every
half-year, every municipality in one half-year; each with the charts the report pages draw of
it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain.periods import periode_tekst
from analysis.report import charts
from analysis.report.toon import Grafiek
from analysis.verkenning._kolommen import BEOORDEELD, STAND, netjes, procenten
from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.uitkomst import Uitkomst


def _uitkomst(titel: str, rows: pd.DataFrame, columns: list[str], herkomst: Herkomst,
              teken: Callable[[], list[Grafiek]],
              markeer: Callable[[pd.DataFrame], pd.Series] | None = None) -> Uitkomst:
    data = netjes(rows, columns)
    return Uitkomst(titel, data, herkomst, procenten(data), teken=teken, markeer=markeer)


def stand_tabel(berekening: Berekening, herkomst: Herkomst) -> Uitkomst:
    """Every municipality in every half-year, by name and half-year; charts: the heatmap and
    the province's total."""
    rows = berekening.table("stand").sort_values(["gemeente_naam", "periode"])
    return _uitkomst(f"Stand per gemeente en halfjaar, {herkomst.halfjaren}", rows, STAND,
                     herkomst, lambda: [charts.heatmap(rows),
                                        charts.provincie_totaal(rows, herkomst.provincie)])


def gemeente_tabel(berekening: Berekening, herkomst: Herkomst, code: str,
             periode: str | None) -> Uitkomst:
    """One municipality in every half-year, with its rating and rung; with ``periode`` up to
    and including that half-year (as its report and letter show it), that half-year in bold
    and marked in the charts."""
    table = berekening.table("beoordeling")
    rows = table[table["gemeente_code"] == code].sort_values("periode")
    if periode is not None:
        rows = rows[rows["periode"] <= periode]
    naam = str(rows["gemeente_naam"].iloc[-1]) if len(rows) else code
    until = f", tot en met {periode_tekst(periode)}" if periode else ""
    return _uitkomst(f"{naam}: stand per halfjaar{until}", rows, BEOORDEELD, herkomst,
                     lambda: [charts.stand_verloop(rows, naam, periode),
                              charts.taakstelling_realisatie(rows, naam, periode)],
                     (lambda data: data["Periode"] == periode) if periode else None)


def periode_tabel(berekening: Berekening, herkomst: Herkomst, periode: str) -> Uitkomst:
    """Every municipality in one half-year, with its rating and rung, by name; charts: the
    ranking by stand per 10,000 inhabitants and the tile map of the ratings."""
    table = berekening.table("beoordeling")
    rows = table[table["periode"] == periode].sort_values("gemeente_naam")
    inwoners = rows.set_index("gemeente_code")["inwoners"].astype("Float64")
    return _uitkomst(f"Alle gemeenten in de {periode_tekst(periode)}", rows, BEOORDEELD,
                     herkomst, lambda: [charts.ranking(rows, inwoners, periode),
                                        charts.tegels(rows, periode, herkomst.provincie)])
