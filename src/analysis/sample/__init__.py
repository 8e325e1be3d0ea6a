"""Seeded generator of the synthetic samples: Drenthe (the bundled one, 2022-H1 to 2025-H2) and
Groningen (2020-H1 to 2025-H2, with the herindeling into Eemsdelta on 1 January 2021).

Every file says in its title rows that it is synthetic. A province's figures live in
``sample/<provincie>.py``; the machinery they share in ``figures`` and ``workbooks``. The stands
are designed per municipality and period; realisations follow from them, persons from
realisations, and the COA overviews and municipal reports from the persons, so that every file
agrees with every other except where a difference is put in on purpose. A province's
hand-written settings (decisions register, letters' settings, map) are package data, copied as
they are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from analysis import options
from analysis.problems import Refused
from analysis.sample import drenthe, groningen
from analysis.sample.figures import (
    coa_overviews,
    designed_realisatie,
    final_taakstelling,
    municipal_reports,
    persons,
    taakstellingen,
)
from analysis.sample.voorbeeld import Voorbeeld
from analysis.sample.workbooks import write_coa, write_taakstelling, write_tvs

__all__ = ["MUNICIPALITIES", "PROVINCIES", "SYNTHETIC", "generate", "write_tvs"]

MUNICIPALITIES = drenthe.MUNICIPALITIES
SYNTHETIC = drenthe.SYNTHETIC
PROVINCIES: dict[str, Voorbeeld] = {"Drenthe": drenthe.VOORBEELD,
                                    "Groningen": groningen.VOORBEELD}


def voorbeeld(provincie: str) -> Voorbeeld:
    """The sample of ``provincie`` (any case), refused in Dutch when there is none."""
    found = {name.lower(): sample for name, sample in PROVINCIES.items()}.get(provincie.lower())
    if found is None:
        raise Refused(f"{options.PROVINCIE}: voor '{provincie}' zijn geen voorbeelddata; kies "
                      f"uit {', '.join(PROVINCIES)}")
    return found


def generate(raw: Path, overschrijven: bool = False, provincie: str = "Drenthe") -> None:
    """Write the whole sample of ``provincie`` under ``raw`` (deterministic for its seed); a
    folder that holds anything is refused unless ``overschrijven``, lest real exports be
    overwritten."""
    v = voorbeeld(provincie)
    if raw.exists() and not raw.is_dir():
        raise Refused(f"{options.RAW}: {raw} is geen map")
    if not overschrijven and raw.is_dir() and any(raw.iterdir()):
        raise Refused(f"{options.RAW}: {raw} is niet leeg; de voorbeelddata zouden daar exports "
                      "overschrijven. Kies een lege of nieuwe map, of geef "
                      f"{options.OVERSCHRIJVEN}")
    rng = np.random.default_rng(v.seed)
    table = taakstellingen(v)
    realisatie = designed_realisatie(v, final_taakstelling(table))
    people = persons(v, realisatie, rng)
    write_taakstelling(v, table, raw)
    write_coa(v, coa_overviews(v, table, people), raw)
    write_tvs(v, people, raw)
    if v.schrijf_rapportages is not None:
        v.schrijf_rapportages(v, municipal_reports(v, people), raw)
    if v.instellingen is not None:
        shutil.copytree(v.instellingen, raw, dirs_exist_ok=True)
