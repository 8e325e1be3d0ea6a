"""A forecast: each municipality's taakstelling for an announced national total (art. 29), and
the opgave it would bring with the stand at the start of that period.

The figures are those that belong to the period: the stand at its start (the closing stand of
the half-year before), and the populations of the newest taakstelling table for that period or,
for a period without one yet, for the last period before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import options
from analysis.domain.art29 import voorspel
from analysis.domain.periods import periode_from_index, periode_index
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.problems import Refused


@dataclass(frozen=True)
class Prognose:
    """The forecast and the figures it rests on."""

    tabel: pd.DataFrame          # gemeente_code, inwoners, taakstelling, stand, opgave
    bron: pd.DataFrame           # the taakstelling rows whose populations were used
    stand_periode: str           # the period whose closing stand is the starting point


def prognose(landelijk: int, taakstelling: pd.DataFrame, stand: pd.DataFrame,
             periode: str) -> Prognose:
    """The forecast for ``periode`` from the figures that belong to it."""
    if landelijk <= 0:
        raise Refused(f"{options.LANDELIJK}: verwacht een positief getal, bijvoorbeeld 12000")
    before = periode_from_index(periode_index(periode) - 1)
    if before not in set(stand["periode"]):
        raise Refused(f"{options.PERIODE}: voor een prognose van {periode} is de stand aan "
                      f"het eind van {before} nodig; berekend zijn {stand['periode'].min()} t/m "
                      f"{stand['periode'].max()}")
    newest = nieuwste_versie(taakstelling[taakstelling["periode"] <= periode])
    newest = newest[newest["periode"] == newest["periode"].max()]
    if newest.empty or newest["inwoners_nederland"].isna().any():
        raise Refused("de taakstellingstabel voor die periode noemt het aantal inwoners van "
                      "Nederland niet; een prognose volgens art. 29 is dan niet mogelijk")
    closing = stand[stand["periode"] == before].set_index("gemeente_code")["stand_eind"]
    forecast = voorspel(landelijk, newest, int(newest["inwoners_nederland"].iloc[0]), closing)
    return Prognose(forecast, newest, before)
