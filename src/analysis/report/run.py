"""The reporting run: ingest, compute, then every product for one period and province.

Every argument is checked before anything is written: the kader, the province, the letters'
settings and template first; the period and the province's municipalities against the data once
it has been read and computed in memory. Only then are the processed tables written, and the
products made from them: an HTML report per municipality and the province overview (notebooks
executed with papermill), the GS workbook, the letters, ``index.html`` and ``run.json`` (inputs'
hashes, package versions, timings per step, the outcome per notebook, what failed). They are
written into a staging folder that replaces ``reports/<periode>/`` only when the overview, every
municipal report, the workbook and the letters were made; otherwise the previous folder stays
and the attempt is kept beside it (see ``publish``). A lock refuses a second run on the same
reports folder.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

from analysis import storage
from analysis.atomic import WriteFailed
from analysis.compute import resultaat
from analysis.compute.bereken import Invoer, compute, manifest
from analysis.compute.kader import load_kader
from analysis.compute.volledigheid import is_volledig, laatste_volledige
from analysis.domain.gemeenten import kies_provincie
from analysis.domain.periods import datum_tekst, kies_periode, peildatum, periode_argument
from analysis.ingest.mirror import checked_ingest, mirror_tables
from analysis.ingest.register import besluiten_bestand
from analysis.problems import Refused
from analysis.report.brieven.pdf import Note
from analysis.report.brieven.settings import config_path
from analysis.report.brieven.write import Brieven, load_letters, write_brieven
from analysis.report.gs_samenvatting import write_summary
from analysis.report.index import index_html
from analysis.report.notebooks import Outcome, execute_all, tasks, worker_pool
from analysis.report.publish import Lock, clear_leftovers, staged

T = TypeVar("T")
PACKAGES = ["analysis", "pandas", "numpy", "pyarrow", "openpyxl", "matplotlib", "papermill",
            "nbconvert", "ipykernel"]


@dataclass
class RunResult:
    """What a run made, for the summary the command prints."""

    periode: str
    provincie: str
    folder: Path  # the published folder, or the failed attempt kept beside it
    seconden: float
    outcomes: list[Outcome] = field(default_factory=list)
    brieven: Brieven = field(default_factory=Brieven)
    stappen_mislukt: list[str] = field(default_factory=list)  # workbook, letters
    gepubliceerd: bool = True
    vorige: Path | None = None  # the published folder a failed attempt left in place

    @property
    def mislukt(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status != "gelukt"]


def run(periode: str | None, provincie: str, jobs: int, raw: Path, processed: Path,
        reports: Path, kader_name: str, bron_verdwenen_toestaan: bool = False) -> RunResult:
    """The whole run. Bad arguments raise (``Refused``, ``KaderError``, ``InputError``) before
    anything is written; ``RunLocked`` when another run holds the lock; ``WriteFailed`` when
    the system refuses a write, with nothing half-made published."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    kader = load_kader(kader_name)
    kies_provincie(provincie)
    periode_argument(periode)
    if jobs < 1:
        raise Refused(f"--jobs: verwacht minstens 1, niet {jobs}")
    letters = load_letters(raw) if config_path(raw).is_file() else None
    with Lock(reports / ".lock"), worker_pool(jobs) as pool:
        ingested = checked_ingest(raw, processed, bron_verdwenen_toestaan=bron_verdwenen_toestaan)
        mirror = mirror_tables(ingested)
        timings["ingest"] = time.perf_counter() - started
        step = time.perf_counter()
        invoer = Invoer(mirror, besluiten_bestand(raw))
        tables = compute(invoer, kader)
        stand = tables["stand"]
        periode = kies_periode(periode, sorted(stand["periode"].unique()),
                               laatste_volledige(stand))
        provincie, codes = kies_provincie(provincie, stand["gemeente_code"].unique().tolist())
        storage.write_ingested(mirror, processed)
        storage.write_computed(tables, manifest(invoer, kader, tables), processed)
        result = resultaat.load(processed)
        timings["berekenen"] = time.perf_counter() - step
        clear_leftovers(reports)
        with staged(reports / periode) as attempt:
            folder = attempt.folder
            failures: dict[str, str] = {}  # what was not made, with the error, for run.json
            step = time.perf_counter()
            outcomes = execute_all(tasks(periode, provincie, codes, processed), folder, pool)
            timings["notebooks"] = time.perf_counter() - step
            workbook = f"GS-samenvatting-{periode}.xlsx"
            if not _made(failures, "Excel-samenvatting",
                         lambda: write_summary(folder / workbook, result, periode, provincie)):
                workbook = None
            step = time.perf_counter()
            made = _made(failures, "brieven", lambda: _letters(
                letters, folder, result, periode, codes, provincie, raw)) or Brieven()
            timings["brieven"] = time.perf_counter() - step
            attempt.mislukt = [outcome.naam for outcome in outcomes
                               if outcome.status != "gelukt"] + list(failures)
            banner = _banner(outcomes, list(failures)) if attempt.mislukt else None
            (folder / "index.html").write_text(
                index_html(periode, provincie, kader.naam, outcomes, tables["beoordeling"],
                           made, folder, workbook, banner), encoding="utf-8")
            timings["totaal"] = time.perf_counter() - started
            record = {
                "periode": periode, "provincie": provincie, "beoordelingskader": kader.naam,
                "gepubliceerd": not attempt.mislukt,
                "mislukt": [{"onderdeel": outcome.naam, "fout": outcome.fout}
                            for outcome in outcomes if outcome.status != "gelukt"]
                + [{"onderdeel": name, "fout": error} for name, error in failures.items()],
                "berekening": result.manifest,
                "invoer": ingested.bestanden[["bron_bestand", "bestand_hash"]].to_dict(
                    "records"),
                "versies": {"python": sys.version.split()[0],
                            **{name: version(name) for name in PACKAGES}},
                "tijden_seconden": {k: round(v, 2) for k, v in timings.items()},
                "notebooks": [asdict(outcome) | {"seconden": round(outcome.seconden, 2)}
                              for outcome in outcomes],
                "brieven": {"docx": len(made.bestanden), "pdf": len(made.pdf),
                            "opmerkingen": made.opmerkingen,
                            "details": [note.detail for note in made.opmerkingen
                                        if getattr(note, "detail", None)]},
            }
            (folder / "run.json").write_text(json.dumps(record, indent=2, ensure_ascii=False),
                                             encoding="utf-8")
    final = reports / periode
    return RunResult(periode, provincie, attempt.bewaard or final, timings["totaal"], outcomes,
                     made, list(failures), not attempt.mislukt,
                     final if attempt.bewaard and final.is_dir() else None)


def _made(failures: dict[str, str], name: str, make: Callable[[], T]) -> T | None:
    """What ``make`` returns; an error other than a refused write is noted under ``name`` in
    ``failures`` (the run goes on, and is not published)."""
    try:
        return make()
    except (OSError, WriteFailed):
        raise
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
        return None


def _banner(outcomes: list[Outcome], steps: list[str]) -> str:
    """One Dutch line on the index page of a failed attempt."""
    failed = sum(outcome.status != "gelukt" for outcome in outcomes)
    parts = [f"{failed} van {len(outcomes)} rapportages mislukt"] if failed else []
    parts += [f"{step} niet gemaakt" for step in steps]
    return f"Deze poging is niet gepubliceerd: {'; '.join(parts)}. Details staan in run.json."


def _letters(letters, folder: Path, result: resultaat.Berekening, periode: str,
             codes: list[str], provincie: str, raw: Path) -> Brieven:
    """The letters of the run, or a note why there are none."""
    if letters is None:
        return Brieven(opmerkingen=[Note(f"brieven niet gemaakt: {config_path(raw).name} "
                                         "ontbreekt", f"verwacht: {config_path(raw)}")])
    closing = peildatum(periode, result.uitloop_dagen)
    if not is_volledig(result.table("stand"), periode) or dt.date.today() < closing:
        return Brieven(opmerkingen=[f"brieven niet gemaakt: {periode} loopt nog (het "
                                    f"COA-overzicht van de peildatum {datum_tekst(closing)} "
                                    "ontbreekt)"])
    made = write_brieven(folder / "brieven", result.table("beoordeling"), periode, codes,
                         *letters, dt.date.today(), result.table("taakstelling"), result.norm,
                         result.table("besluiten"))
    if letters[0].provincie != provincie:
        made.opmerkingen.append(f"brieven.toml is van provincie {letters[0].provincie}, "
                                f"de run van {provincie}; controleer afzender en adressen")
    return made
