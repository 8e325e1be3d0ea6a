"""Reporting run times; prints figures.

1. The floor: a fresh kernel per notebook executing an empty notebook, as many times as the
   Drenthe run has notebooks, with the same parallelism.
2. The Drenthe run on the sample: the whole run, and its notebook step. As in a real run, the
   workers start their kernels while the exports are read (kernels reused per worker).
3. A national run: 342 municipality reports plus the overview, on synthetic processed data
   (written straight to Parquet; the exports' ingest is timed by bench_ingest.py), and the 342
   letters (.docx, plus PDF where LibreOffice is installed).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from analysis import config, storage
from analysis.compute.bereken import Invoer, bereken, compute, manifest
from analysis.compute.kader import load_kader
from analysis.domain import gemeenten
from analysis.ingest.mirror import run_ingest
from analysis.report.brieven.write import load_letters, write_brieven
from analysis.report.notebooks import execute_all, tasks, worker_pool

JOBS = os.cpu_count() or 2
PERIODS = [f"{year}-H{half}" for year in range(2022, 2026) for half in (1, 2)]


def _empty_notebook(path: Path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)


def _fresh_kernel(source: str, target: str) -> None:
    import papermill

    papermill.execute_notebook(source, target, kernel_name="python3", progress_bar=False)


def floor(count: int, folder: Path) -> float:
    """Wall time to execute an empty notebook ``count`` times, each in a fresh kernel."""
    source = folder / "leeg.ipynb"
    _empty_notebook(source)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=JOBS) as pool:
        list(pool.map(_fresh_kernel, [str(source)] * count,
                      [str(folder / f"leeg-{i}.ipynb") for i in range(count)]))
    return time.perf_counter() - start


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
    mirror = {"taakstelling": taakstelling, "coa_overzicht": opening,
              "realisatie_dag": days,
              "gemeente_rapportage": storage.empty_table("gemeente_rapportage"),
              "bestanden": pd.DataFrame({"bron_bestand": ["synthetisch"],
                                         "bestand_hash": ["-"]}),
              "validatie": pd.DataFrame(columns=["bestand", "blad", "rij", "kolom", "melding"])}
    invoer = Invoer(mirror, None)
    kader = load_kader("drenthe")
    tables = compute(invoer, kader)
    storage.write_ingested(mirror, processed)
    storage.write_computed(tables, manifest(invoer, kader, tables), processed)
    return codes


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        processed = work / "processed"
        codes = gemeenten.provincie_codes("Drenthe")
        todo = tasks("2024-H1", "Drenthe", codes, processed)
        lowest = floor(len(todo), work)
        start = time.perf_counter()
        with worker_pool(JOBS) as pool:
            run_ingest(config.RAW_DIR, processed)
            bereken(Invoer.from_folders(processed, config.RAW_DIR), load_kader("drenthe"),
                    processed)
            step = time.perf_counter()
            outcomes = execute_all(todo, work / "drenthe", pool)
            drenthe = time.perf_counter() - step
        whole = time.perf_counter() - start
        assert all(o.status == "gelukt" for o in outcomes)
        print(f"Drenthe: hele run {whole:.1f} s; notebookstap ({len(todo)} notebooks, {JOBS} "
              f"processen) {drenthe:.1f} s; vloer (lege notebooks, elk een nieuwe kernel): "
              f"{lowest:.1f} s; verhouding {drenthe / lowest:.2f}x (doel <= 1.5x)")

        if "--alleen-drenthe" in sys.argv:
            return
        national_processed = work / "nationaal"
        codes = national(national_processed)
        todo = tasks("2025-H2", "Nederland", codes, national_processed)
        start = time.perf_counter()
        with worker_pool(JOBS) as pool:
            outcomes = execute_all(todo, work / "nl", pool)
        seconds = time.perf_counter() - start
        failed = [o for o in outcomes if o.status != "gelukt"]
        print(f"Nationaal: {len(todo)} notebooks met {JOBS} processen: {seconds / 60:.1f} min "
              f"({seconds / len(todo):.2f} s per rapport; {len(failed)} mislukt; doel < 6 min)")
        letters(national_processed, codes, work / "brieven")


def letters(processed: Path, codes: list[str], folder: Path) -> None:
    """Time the letters to every municipality: the .docx files, then the PDF conversion."""
    adressering, templates = load_letters(config.RAW_DIR)
    beoordeling = storage.read_table(processed, "beoordeling")
    start = time.perf_counter()
    made = write_brieven(folder, beoordeling, "2025-H2", codes, adressering, templates,
                         dt.date.today(), storage.read_table(processed, "taakstelling"))
    seconds = time.perf_counter() - start
    print(f"Brieven nationaal: {len(made.bestanden)} .docx en {len(made.pdf)} PDF in "
          f"{seconds:.1f} s ({seconds / len(made.bestanden):.2f} s per brief)")


if __name__ == "__main__":
    main()
