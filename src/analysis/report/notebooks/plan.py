"""What a run executes: one task per notebook (the province overview and a report per
municipality, with the parameters papermill injects), and what became of each.

Plain data shared by the run and its workers, so that neither needs the other's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.domain import gemeenten
from analysis.domain.periods import periode_tekst


@dataclass
class Task:
    """One notebook to execute."""

    naam: str
    notebook: str
    parameters: dict
    html: str
    titel: str = ""  # the page's title: 'De Wolden, 1e helft 2024 — toezicht …'


@dataclass
class Outcome:
    """What became of one notebook."""

    naam: str
    html: str
    status: str
    seconden: float
    fout: str | None = None  # the error's last line, for run.json only
    pogingen: int = 1


def tasks(periode: str, provincie: str, codes: list[str], processed: Path) -> list[Task]:
    """The province overview and one report per municipality; codes are passed as text, the
    processed folder as an absolute path (a kernel does not start in the caller's folder)."""
    processed = Path(processed).absolute()
    about = f"{periode_tekst(periode)} — toezicht huisvesting vergunninghouders"
    items = [Task(f"Overzicht {provincie}", str(config.NOTEBOOKS_DIR / "provincie.ipynb"),
                  {"provincie": provincie, "periode": periode, "processed": str(processed)},
                  "overzicht.html", f"{provincie}, overzicht {about}")]
    names = gemeenten.naam(pd.Series(codes))
    for code, name in sorted(zip(codes, names, strict=True), key=lambda pair: pair[1]):
        items.append(Task(name, str(config.NOTEBOOKS_DIR / "gemeente.ipynb"),
                          {"gemeente_code": code, "periode": periode,
                           "processed": str(processed)}, f"gemeente-{code}.html",
                          f"{name}, {about}"))
    return items
