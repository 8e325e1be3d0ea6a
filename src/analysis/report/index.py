"""The run's ``index.html``: every report with its rating, the GS workbook and the letters,
rendered from ``templates/index.html.j2`` with every value escaped. It shows short Dutch notes
only; errors and paths are for ``run.json``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from analysis.config import TEMPLATES_DIR
from analysis.report.brieven.write import Brieven
from analysis.report.notebooks import Outcome

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "j2"]))


def _link(path: Path, folder: Path) -> str:
    return quote(path.relative_to(folder).as_posix())


def index_html(periode: str, provincie: str, kader: str, outcomes: list[Outcome],
               beoordeling: pd.DataFrame, brieven: Brieven, folder: Path,
               samenvatting: str | None, mislukt: str | None = None) -> str:
    """The index page of one run, whose output lies in ``folder``; ``samenvatting`` is the
    workbook's name (None: not made), ``mislukt`` a line saying why this attempt was not
    published."""
    rows = beoordeling[beoordeling["periode"] == periode].set_index("gemeente_naam")
    reports = []
    for outcome in outcomes:
        row = rows.loc[outcome.naam] if outcome.naam in rows.index else None
        colour = str(row["kleur"]) if row is not None else ""
        reports.append({"naam": outcome.naam, "html": quote(outcome.html),
                        "gelukt": outcome.status == "gelukt",
                        "oordeel": str(row["oordeel_label"]) if row is not None else "",
                        "kleur": colour if _COLOUR.fullmatch(colour) else "#ffffff"})
    pdfs = {path.with_suffix(".docx") for path in brieven.pdf}
    letters = [{"naam": path.stem, "docx": _link(path, folder),
                "pdf": _link(path.with_suffix(".pdf"), folder) if path in pdfs else ""}
               for path in brieven.bestanden]
    notes = [f"{note}; zie run.json" if getattr(note, "detail", None) else note
             for note in brieven.opmerkingen]
    return _environment().get_template("index.html.j2").render(
        periode=periode, provincie=provincie, kader=kader, rapporten=reports,
        samenvatting=quote(samenvatting) if samenvatting else "", brieven=letters,
        opmerkingen=notes, mislukt=mislukt or "")
