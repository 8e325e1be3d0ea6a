"""Seeded generator of the bundled synthetic sample: Drenthe, 2022-H1 to 2025-H2.

Every file says in its title rows that it is synthetic. Public figures are reproduced where known:
the national totals per half-year (estimates where none was published, marked as such in the
files), the province's letter to De Wolden (stand 1-1-2024 -10, taakstelling 2024-H1 26,
realisatie 23, taakstelling 2024-H2 24) and Noordenveld's surplus of 18 into 2024 with a
taakstelling of 33. Populations are plausible round figures, not CBS figures.

The stands are designed per municipality and period; realisations follow from them, persons from
realisations, and the COA overviews and municipal reports from the persons, so that every file
agrees with every other except where a difference is put in on purpose.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import options
from analysis.problems import Refused
from analysis.sample.figures import (
    DESIGNED_STANDS,
    MUNICIPALITIES,
    SEED,
    SYNTHETIC,
    coa_overviews,
    designed_realisatie,
    final_taakstelling,
    municipal_reports,
    persons,
    taakstellingen,
)
from analysis.sample.workbooks import write_coa, write_reports, write_taakstelling, write_tvs

__all__ = ["MUNICIPALITIES", "SYNTHETIC", "generate", "write_tvs"]



def generate(raw: Path, overschrijven: bool = False) -> None:
    """Write the whole sample under ``raw`` (deterministic for a given SEED); a folder that
    holds anything is refused unless ``overschrijven``, lest real exports be overwritten."""
    if raw.exists() and not raw.is_dir():
        raise Refused(f"{options.RAW}: {raw} is geen map")
    if not overschrijven and raw.is_dir() and any(raw.iterdir()):
        raise Refused(f"{options.RAW}: {raw} is niet leeg; de voorbeelddata zouden daar exports "
                      "overschrijven. Kies een lege of nieuwe map, of geef "
                      f"{options.OVERSCHRIJVEN}")
    rng = np.random.default_rng(SEED)
    table = taakstellingen()
    realisatie = designed_realisatie(final_taakstelling(table))
    people = persons(realisatie, rng)
    opening = pd.Series({code: stands[0] for code, stands in DESIGNED_STANDS.items()})
    write_taakstelling(table, raw)
    write_coa(coa_overviews(table, people, opening), raw)
    write_tvs(people, raw)
    write_reports(municipal_reports(people), raw)
