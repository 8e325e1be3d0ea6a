"""What-if results as tables of the exploration: a municipality's stand with other figures
(:func:`analysis.verkenning.scenario.scenario`) and the art. 29 forecast for an announced
national total (:func:`analysis.verkenning.scenario.prognose`), each marked as what it is.

The module that computes them is imported when first asked for, so that everything else
works without it."""

from __future__ import annotations

import importlib
from numbers import Integral
from types import ModuleType

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.domain.periods import periode_argument, periode_tekst, volgende_periode
from analysis.formatting import getal
from analysis.problems import Refused
from analysis.report import charts
from analysis.report.views.gedeeld import kies
from analysis.verkenning._kolommen import BEOORDEELD, netjes, procenten
from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.uitkomst import Uitkomst

PROGNOSE = ["gemeente_code", "gemeente_naam", "inwoners", "taakstelling", "stand_begin",
            "opgave"]


def _module() -> ModuleType:
    return importlib.import_module("analysis.verkenning.scenario")


def _periodes(what: str, figures: dict[str, int] | None) -> dict[str, int] | None:
    """``figures`` by half-year, each half-year in its canonical spelling (a new one too)."""
    if figures is None:
        return None
    return {kies(what, periode_argument, key): value for key, value in figures.items()}


def scenario_tabel(berekening: Berekening, herkomst: Herkomst, code: str,
                   realisatie: dict[str, int] | None,
                   taakstelling: dict[str, int] | None) -> Uitkomst:
    """A municipality's stand and rating had its realisatie or taakstelling been other, in
    the table of :meth:`Verkenning.gemeente`, marked as a scenario; charts: its stand and its
    taakstelling and realisatie."""
    made = _module().scenario(berekening, code, _periodes("realisatie", realisatie),
                              _periodes("taakstelling", taakstelling))
    rows = made.beoordeling.sort_values("periode")
    stand = made.stand.sort_values("periode")
    naam = str(gemeenten.naam(pd.Series([code])).iloc[0])
    data = netjes(rows, BEOORDEELD)
    shown = f"{naam} (scenario)"
    return Uitkomst(f"Scenario voor {naam}: stand per halfjaar", data, herkomst,
                    procenten(data), markering=("Scenario", made.beschrijving),
                    teken=lambda: [charts.stand_verloop(stand, shown),
                                   charts.taakstelling_realisatie(stand, shown)])


def prognose_tabel(berekening: Berekening, herkomst: Herkomst, landelijk: int,
                   periode: str | None) -> Uitkomst:
    """Each municipality's taakstelling and opgave for ``landelijk`` persons nationally in
    ``periode`` (default: the half-year after the last computed), marked as a forecast."""
    if isinstance(landelijk, bool) or not isinstance(landelijk, Integral) or landelijk <= 0:
        raise Refused(f"landelijk: '{landelijk}' is geen positief aantal personen "
                      "(bijvoorbeeld 12000)")
    chosen = kies("periode", periode_argument, periode) if periode else None
    chosen = chosen or volgende_periode(berekening.periodes[-1])
    rows = _module().prognose(berekening, int(landelijk), chosen)
    rows = rows.assign(gemeente_naam=gemeenten.naam(rows["gemeente_code"].astype("string")))
    data = netjes(rows.rename(columns={"stand": "stand_begin"}), PROGNOSE).sort_values(
        "Gemeente", ignore_index=True)
    return Uitkomst(f"Prognose {periode_tekst(chosen)} bij een landelijke taakstelling van "
                    f"{getal(landelijk)}", data, herkomst,
                    markering=("Prognose", "Taakstelling en opgave per gemeente volgens art. "
                               "29 bij deze landelijke taakstelling; de stand aan het begin is "
                               "de berekende. Geen vastgestelde taakstelling."))
