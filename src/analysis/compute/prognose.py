"""A forecast: each municipality's taakstelling for an announced national total (art. 29), and
the opgave it would bring with the stand at the end of the last computed period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain.art29 import voorspel
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.problems import Refused


@dataclass(frozen=True)
class Prognose:
    """The forecast and the figures it rests on."""

    tabel: pd.DataFrame          # gemeente_code, inwoners, taakstelling, stand, opgave
    bron: pd.DataFrame           # the taakstelling rows whose populations were used
    stand_periode: str           # the period whose closing stand is the starting point


def prognose(landelijk: int, taakstelling: pd.DataFrame, stand: pd.DataFrame) -> Prognose:
    """The forecast from the newest populations in the data and the last computed stand."""
    if landelijk <= 0:
        raise Refused("--landelijk: verwacht een positief getal, bijvoorbeeld 12000")
    newest = nieuwste_versie(taakstelling)
    newest = newest[newest["periode"] == newest["periode"].max()]
    if newest["inwoners_nederland"].isna().any():
        raise Refused("de laatste taakstellingstabel noemt het aantal inwoners van Nederland "
                      "niet; een prognose volgens art. 29 is dan niet mogelijk")
    latest = stand["periode"].max()
    closing = stand[stand["periode"] == latest].set_index("gemeente_code")["stand_eind"]
    forecast = voorspel(landelijk, newest, int(newest["inwoners_nederland"].iloc[0]), closing)
    return Prognose(forecast, newest, latest)
