"""A beoordelingskader as the computation uses it: its ratings (each with its rule, or the
ratings it replaces when a municipality is excused) and its interventieladder.

Frozen dataclasses, built only by :func:`analysis.compute.kader.load.load_kader` once every part
has been checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analysis.compute.kader.rules import Rule
from analysis.domain.telkalender import STANDAARD, Telkalender


@dataclass(frozen=True)
class Oordeel:
    """A rating: a rule, or the rating given instead of others when a municipality is excused."""

    code: str
    label: str
    kleur: str
    regel: Rule | None
    bij_verschoning_van: tuple[str, ...] = ()
    zin: str = ""  # the verdict in a letter's words, with {achterstand} and the like
    toezicht: str = ""  # what the rating means for the supervision, in a letter's words


@dataclass(frozen=True)
class Vaststelling:
    """The decision of Gedeputeerde Staten that adopted a kader: what gives it legal standing
    in a letter ("het beoordelingskader dat wij op ... hebben vastgesteld")."""

    datum: dt.date
    kenmerk: str


@dataclass(frozen=True)
class Cohorten:
    """The backlog tracked per half-year it arose in (``[cohorten]``): in which order housing
    clears the cohorts, and the default deadline of each, this many half-years after the
    cohort's own peildatum (2 for cohort 2023-H1: 1 July 2024)."""

    volgorde: str = "oudste_eerst"  # or "nieuwste_eerst": see terms.COHORT_ORDERS
    termijn_halfjaren: int = 2


@dataclass(frozen=True)
class Kader:
    """A province's beoordelingskader."""

    naam: str
    toelichting: str
    path: Path
    oordelen: tuple[Oordeel, ...]
    treden: tuple[str, ...]
    opschalen: Rule
    afschalen: Rule
    bij_verschoning: str
    leidende_bron: str = "COA"
    norm: str = "taakstelling"  # what 'gehaald' and the counters judge: see NORMS
    kalender: Telkalender = STANDAARD  # when a half-year's count closes (its uitloop_dagen)
    sha256: str = ""
    provincie: str | None = None  # whose kader it is; another province's is a scenario
    vastgesteld: Vaststelling | None = None  # the GS decision adopting it, where recorded
    cohorten: Cohorten | None = None  # the backlog per half-year of origin, where tracked

    def oordeel(self, code: str) -> Oordeel:
        """The rating with this code."""
        return next(o for o in self.oordelen if o.code == code)
