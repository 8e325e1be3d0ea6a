"""A beoordelingskader as the computation uses it: its ratings (each with its rule, or the
ratings it replaces when a municipality is excused), its interventieladder and its monthly
signals inside a running half-year.

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
class Maandsignaal:
    """A check inside a running half-year on the monthly figures (Limburg 2016: a large backlog
    on 1 January and too few housed in January): when its rule holds after one of its calendar
    months, the kader advises what ``advies`` says. An advice, never a verdict on the half-year."""

    code: str
    label: str
    maanden: tuple[int, ...]  # calendar months (1 = januari) after whose figures it is checked
    regel: Rule
    advies: str  # what the kader advises, in a letter's words


@dataclass(frozen=True)
class Vaststelling:
    """The decision of Gedeputeerde Staten that adopted a kader: what gives it legal standing
    in a letter ("het beoordelingskader dat wij op ... hebben vastgesteld")."""

    datum: dt.date
    kenmerk: str


OVERNAMES = ("totaalopgave", "aantal")  # what GS take over after indeplaatsstelling


@dataclass(frozen=True)
class Indeplaatsstelling:
    """The state after a besluit tot indeplaatsstelling (Gemeentewet art. 124): what GS take
    over (``totaalopgave``: the taakstelling with the backlog, Flevoland's beleidsregel 2024;
    ``aantal``: the decision's number) and the fixed rating's label."""

    overname: str = "aantal"
    label: str = "Onder indeplaatsstelling: Gedeputeerde Staten voeren de taak uit"


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
    maandsignalen: tuple[Maandsignaal, ...] = ()  # checks inside a running half-year
    indeplaatsstelling: Indeplaatsstelling = Indeplaatsstelling()
    cohorten: Cohorten | None = None  # the backlog per half-year of origin, where tracked

    def oordeel(self, code: str) -> Oordeel:
        """The rating with this code."""
        return next(o for o in self.oordelen if o.code == code)
