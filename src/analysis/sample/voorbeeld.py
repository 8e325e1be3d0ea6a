"""What a province's synthetic sample is made of: one ``Voorbeeld`` per province (its figures live
in ``sample/<provincie>.py``); the shared machinery in ``figures`` and ``workbooks`` makes every
file from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.domain.herindelingen import overgangen


@dataclass(frozen=True)
class NationalTotal:
    """One version of a half-year's national total."""

    periode: str
    landelijk_totaal: int
    versiedatum: dt.date
    herkomst: str


@dataclass(frozen=True)
class Correctie:
    """A person moved from one municipality's count to another's after the fact: the first
    person ``bron`` housed from ``gehuisvest_vanaf`` up to ``gecorrigeerd_op`` is counted -1
    there and +1 in ``doel`` on ``gecorrigeerd_op``."""

    bron: str
    doel: str
    gehuisvest_vanaf: dt.date
    gecorrigeerd_op: dt.date


@dataclass(frozen=True)
class Voorbeeld:
    """A province's synthetic sample.

    ``gemeenten`` has ``gemeente_code``, ``gemeente_naam``, a column of inhabitants per reference
    year (1 January of the year before a half-year's year; empty where the municipality did not
    exist) and optionally ``vanaf`` / ``tot``: the first and last half-year it exists (a
    herindeling). ``standen`` gives per municipality its designed stand at the start of its
    first half-year, then at the end of each half-year it exists; a successor's first stand is
    the sum of its predecessors' last (:meth:`opvolgers`, from the CBS crosswalk).
    """

    provincie: str
    seed: int
    periodes: list[str]
    synthetisch: str
    inwoners_nederland: dict[int, int]
    gemeenten: pd.DataFrame
    standen: dict[str, list[int]]
    landelijk: list[NationalTotal]
    correcties: list[Correctie] = field(default_factory=list)
    # (code, periode) whose last month houses nobody: its housings move to the month before
    lege_december: frozenset[tuple[str, str]] = frozenset()
    # deliberate differences between a municipality's own monthly count and COA's
    rapportage_verschillen: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    rapportage_maanden: tuple[str, str] = ("2024-01-01", "2025-12-01")
    # writes the municipalities' own reports (reports, raw folder)
    schrijf_rapportages: Callable[[Voorbeeld, pd.DataFrame, Path], None] | None = None
    # names as COA's 2022-2023 layout spells them, where it differs
    coa_spelling: dict[str, str] = field(default_factory=dict)
    tvs_bestand: str = "TVS_export_huisvestingen.xlsx"
    # hand-written settings (besluiten/, brieven/, kaart/) copied into the raw folder
    instellingen: Path | None = None

    def opvolgers(self) -> dict[str, list[str]]:
        """Each successor in the sample with its predecessors in it, as the reference's
        herindelingen list them (successor -> predecessors)."""
        steps = overgangen()
        steps = steps[steps["oud_code"].isin(self.standen) & steps["nieuw_code"].isin(self.standen)]
        return {str(new): sorted(map(str, group))
                for new, group in steps.groupby("nieuw_code")["oud_code"]}

    def namen(self) -> pd.Series:
        """Name per CBS code."""
        return self.gemeenten.set_index("gemeente_code")["gemeente_naam"]

    def periodes_van(self, code: str) -> list[str]:
        """The half-years ``code`` exists in."""
        row = self.gemeenten.set_index("gemeente_code").loc[code]
        first = row.get("vanaf") if "vanaf" in row.index else None
        last = row.get("tot") if "tot" in row.index else None
        return [p for p in self.periodes if (not isinstance(first, str) or p >= first)
                and (not isinstance(last, str) or p <= last)]
