"""Reporting run times; prints figures.

1. The Drenthe run on the sample: the whole run, and its notebook step. As in a real run, the
   workers start their kernels once the exports are read and computed (kernels reused per
   worker).
2. A national run: 342 municipality reports plus the overview, on synthetic processed data
   (written straight to Parquet; the exports' ingest is timed by bench_ingest.py), against its
   floor: the same pages made in plain Python, without a kernel, with the same parallelism (each
   notebook's own code run in the process: the same view model, the same charts as PNG, the
   same tables and texts as HTML, one HTML file per page). Then the 342 letters (.docx, plus
   PDF where LibreOffice is installed).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from analysis import config, storage
from analysis.compute.bereken import Invoer, bereken, bereken_en_bewaar, manifest
from analysis.compute.kader import load_kader
from analysis.config import TEMPLATES_DIR
from analysis.domain import gemeenten
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.domain.periods import periode_start, volgende_periode
from analysis.ingest.mirror import run_ingest
from analysis.report import toon
from analysis.report.brieven.write import load_brief_settings, write_brieven
from analysis.report.notebooks import Task, execute_all, tasks, worker_pool

JOBS = os.cpu_count() or 2
PERIODS = [f"{year}-H{half}" for year in range(2022, 2026) for half in (1, 2)]


@cache
def _cells(notebook: str) -> list[tuple[str, str]]:
    """The notebook's cells as (kind, text): text cells as HTML, code cells as their source
    without IPython's magics and without the parameters cell (the task gives the values)."""
    from nbconvert.filters import markdown2html

    cells = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            cells.append(("tekst", markdown2html(cell.source)))
        elif "parameters" not in cell.metadata.get("tags", []):
            code = "\n".join(line for line in cell.source.splitlines()
                              if not line.lstrip().startswith("%"))
            cells.append(("code", code))
    return cells


def _shown(code: str, namespace: dict) -> list[object]:
    """What one code cell shows when run without a kernel: what it passes to ``display`` and
    the value of its last expression, as IPython would show them."""
    import ast

    import IPython.display

    shown: list[object] = []
    IPython.display.display = lambda *objects: shown.extend(objects)  # the notebook's import
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cel>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<cel>", "eval"), namespace)
        if value is not None:
            shown.append(value)
    return shown


def _html(shown: object) -> str:
    """What the page shows of one output, made directly: a chart as its figure, anything else
    by its own HTML, as the page template wraps them."""
    if isinstance(shown, toon.Grafiek):
        return shown._repr_html_()
    return f'<div class="uitvoer">\n{shown._repr_html_()}\n</div>'


def plain_page(task: Task, folder: str) -> int:
    """One report page without a kernel, papermill or nbconvert: the notebook's own code run
    in this process, its outputs and texts written as HTML; returns the page's size in bytes."""
    namespace = dict(task.parameters)
    parts = [_PAGE_HEAD.format(title=html.escape(task.titel), css=_css())]
    for kind, text in _cells(task.notebook):
        if kind == "tekst":
            parts.append(f'<div class="tekst">\n{text}\n</div>')
        else:
            parts.extend(_html(item) for item in _shown(text, namespace))
    parts.append("</main>\n</body>\n</html>")
    body = "\n".join(parts)
    (Path(folder) / task.html).write_text(body, encoding="utf-8")
    return len(body.encode())


_PAGE_HEAD = ('<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
              '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
              "<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n<main>")


@cache
def _css() -> str:
    return (TEMPLATES_DIR / "rapport" / "rapport.css").read_text(encoding="utf-8")


def cpu() -> float:
    """CPU seconds of this process and of every ended process below it (workers, kernels)."""
    return sum(getattr(resource.getrusage(who), field) for who in (
        resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for field in ("ru_utime", "ru_stime"))


def floor(todo: list[Task], folder: Path) -> tuple[float, float, int]:
    """Wall time and CPU time to make every page in plain Python with the runner's parallelism,
    and the pages' total size."""
    folder.mkdir(parents=True, exist_ok=True)
    start, used = time.perf_counter(), cpu()
    with ProcessPoolExecutor(max_workers=JOBS) as pool:
        sizes = list(pool.map(plain_page, todo, [str(folder)] * len(todo)))
    return time.perf_counter() - start, cpu() - used, sum(sizes)


def _size(folder: Path, todo: list[Task]) -> int:
    return sum((folder / task.html).stat().st_size for task in todo)


def national(processed: Path, seed: int = 3) -> list[str]:
    """Synthetic ingested tables for all municipalities of today, computed by the one
    computation (as ``bereken`` does) into ``processed``; returns the codes."""
    rng = np.random.default_rng(seed)
    reference = gemeenten.reference()
    codes = reference.loc[reference["geldig_tot"].isna(), "gemeente_code"].tolist()
    taakstelling = pd.DataFrame([(c, p) for c in codes for p in PERIODS],
                                columns=["gemeente_code", "periode"])
    taakstelling["versiedatum"] = pd.to_datetime(taakstelling["periode"].str[:4] + "-01-01")
    taakstelling["landelijk_totaal"] = pd.NA
    taakstelling["inwoners_nederland"] = pd.NA
    taakstelling["inwoners"] = np.repeat(rng.integers(1_000, 900_000, len(codes)), len(PERIODS))
    taakstelling["taakstelling"] = rng.integers(5, 120, len(taakstelling))
    days = pd.DataFrame([(c, m) for c in codes for m in pd.date_range(
        "2022-01-01", "2025-12-01", freq="MS")], columns=["gemeente_code", "datum"])
    days["realisatie"] = rng.integers(0, 20, len(days))
    days["nareizigers"] = days["correcties"] = 0
    opening = pd.DataFrame({"gemeente_code": codes, "periode": PERIODS[0],
                            "peildatum": pd.Timestamp("2022-02-01"),
                            "stand_begin": rng.integers(-30, 30, len(codes)),
                            "gerealiseerd": 0, "taakstelling": 0, "geldend": True,
                            "bron_bestand": "synthetisch"})
    closing = days.assign(periode=days["datum"].dt.year.astype(str) + "-H"
                          + np.where(days["datum"].dt.month <= 6, "1", "2"))
    closing = closing[closing["periode"] < PERIODS[-1]].groupby(
        ["gemeente_code", "periode"], as_index=False)["realisatie"].sum()
    closing = pd.DataFrame({  # COA's overview at each closing date but the last: 2025-H2 runs
        "gemeente_code": closing["gemeente_code"], "periode": closing["periode"],
        "peildatum": pd.to_datetime(closing["periode"].map(  # 1 July, 1 January
            lambda periode: periode_start(volgende_periode(periode)))),
        "stand_begin": 0, "gerealiseerd": closing["realisatie"], "taakstelling": 0,
        "geldend": True, "bron_bestand": "synthetisch"})
    mirror = {"taakstelling": taakstelling,
              "coa_overzicht": pd.concat([opening, closing], ignore_index=True),
              "realisatie_dag": days,
              "gemeente_rapportage": storage.empty_table("gemeente_rapportage"),
              "bestanden": pd.DataFrame({"bron_bestand": ["synthetisch"],
                                         "bestand_hash": ["-"]}),
              "validatie": pd.DataFrame(columns=["bestand", "blad", "rij", "kolom", "melding"])}
    invoer = Invoer(mirror)
    kader = load_kader("drenthe")
    today = dt.date.today()
    tables = bereken(invoer, kader, today)
    storage.write_ingested(mirror, processed)
    storage.write_computed(tables, manifest(invoer, kader, tables, today), processed)
    return codes


def compare(name: str, todo: list[Task], folder: Path, seconds: float, used: float | None,
            outcomes) -> None:
    """Print the notebook step (wall time, and CPU time where it was measured on its own)
    against its floor, the same pages in plain Python."""
    failed = [o for o in outcomes if o.status != "gelukt"]
    lowest, lowest_cpu, floor_bytes = floor(todo, folder.with_name(folder.name + "-vloer"))
    pages = _size(folder, [t for t in todo if t.html not in {o.html for o in failed}])
    own = "" if used is None else f"; CPU {used:.0f} s"
    ratio = "" if used is None else f", CPU {used / lowest_cpu:.2f}x"
    print(f"{name}: {len(todo)} notebooks met {JOBS} processen {seconds:.1f} s "
          f"({seconds / len(todo):.2f} s per rapport; {len(failed)} mislukt{own}); vloer "
          f"(dezelfde pagina's in gewoon Python, {JOBS} processen) {lowest:.1f} s (CPU "
          f"{lowest_cpu:.0f} s); verhouding {seconds / lowest:.2f}x (doel <= 1.5x){ratio}; "
          f"pagina's {pages / 1e6:.1f} MB, vloer {floor_bytes / 1e6:.1f} MB", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        processed = work / "processed"
        codes = gemeenten.provincie_codes("Drenthe")
        todo = tasks("2024-H1", "Drenthe", codes, processed)
        start, used = time.perf_counter(), cpu()
        run_ingest(config.RAW_DIR, processed)
        bereken_en_bewaar(Invoer.from_folder(processed), load_kader("drenthe"), processed,
                          dt.date.today())
        with worker_pool(JOBS) as pool:
            step = time.perf_counter()
            outcomes = execute_all(todo, work / "drenthe", pool)
            drenthe = time.perf_counter() - step
        whole = time.perf_counter() - start
        print(f"Drenthe: hele run {whole:.1f} s (CPU {cpu() - used:.0f} s)")
        compare("Drenthe, notebookstap", todo, work / "drenthe", drenthe, None, outcomes)

        if "--alleen-drenthe" in sys.argv:
            return
        national_processed = work / "nationaal"
        codes = national(national_processed)
        todo = tasks("2025-H2", "Nederland", codes, national_processed)
        start, used = time.perf_counter(), cpu()
        with worker_pool(JOBS) as pool:
            outcomes = execute_all(todo, work / "nl", pool)
        seconds = time.perf_counter() - start
        compare("Nationaal", todo, work / "nl", seconds, cpu() - used, outcomes)
        letters(national_processed, codes, work / "brieven")


def letters(processed: Path, codes: list[str], folder: Path) -> None:
    """Time the letters to every municipality: the .docx files, then the PDF conversion."""
    adressering, templates = load_brief_settings(Briefinstellingen.read(config.RAW_DIR))
    beoordeling = storage.read_table(processed, "beoordeling")
    start = time.perf_counter()
    made = write_brieven(folder, beoordeling, "2025-H2", codes, adressering, templates,
                         dt.date.today(), storage.read_table(processed, "taakstelling"))
    seconds = time.perf_counter() - start
    print(f"Brieven nationaal: {len(made.bestanden)} .docx en {len(made.pdf)} PDF in "
          f"{seconds:.1f} s ({seconds / len(made.bestanden):.2f} s per brief)")


if __name__ == "__main__":
    main()
