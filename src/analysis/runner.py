"""The reporting run: ingest, compute, execute the notebooks with papermill, export HTML.

Output goes to ``reports/<periode>/``: an HTML per municipality, the province overview, an
``index.html`` linking everything and a ``run.json`` with the inputs' hashes, package versions,
timings per step and the outcome per notebook. The run writes into a temporary folder and
publishes it only when every notebook has been tried; a lock refuses a second run on the same
reports folder. One failing notebook does not stop the others. The worker processes start
their kernels while the exports are being read.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from analysis import config, gemeenten
from analysis.adressering import config_path
from analysis.brieven import Brieven, load_letters, write_brieven
from analysis.excel import write_summary
from analysis.ingest import run_ingest
from analysis.kader import load_kader
from analysis.outputs import publish_folder
from analysis.toezicht import save, toezicht

NOTEBOOKS = config.PROJECT_DIR / "notebooks"
PACKAGES = ["analysis", "pandas", "numpy", "pyarrow", "openpyxl", "matplotlib", "papermill",
            "nbconvert", "ipykernel"]
EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED = 0, 1, 2, 3


class RunLocked(Exception):
    """Another run holds the lock on the reports folder."""


@dataclass
class Task:
    """One notebook to execute."""

    naam: str
    notebook: str
    parameters: dict
    html: str


@dataclass
class Outcome:
    """What became of one notebook."""

    naam: str
    html: str
    status: str
    seconden: float
    fout: str | None = None
    pogingen: int = 1


def _kernel_failed_to_start(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return any(word in text for word in ("Kernel died", "kernel_info", "Kernel didn't respond",
                                         "NoSuchKernel", "Timeout waiting"))


_kernel = None  # this process's kernel, reused for every notebook it executes


def worker_kernel():
    """This process's kernel, started on first use and shut down when the process ends.

    Starting a kernel and importing pandas and matplotlib in it costs more than a report itself,
    so each worker keeps one kernel; a preamble clears its namespace (``%reset -f``) before
    every notebook, so the reports share nothing but the imported modules."""
    global _kernel
    if _kernel is None or not _kernel.is_alive():
        from multiprocessing import util

        from jupyter_client.manager import KernelManager

        _kernel = KernelManager(kernel_name="python3")
        _kernel.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"],
                             cwd=str(NOTEBOOKS))
        util.Finalize(_kernel, _kernel.shutdown_kernel, kwargs={"now": True}, exitpriority=10)
    return _kernel


def warm_up() -> None:
    """Start this worker's kernel and import what the reports need, so that a run can do this
    while it is still reading the exports. A failure here is left to the first notebook."""
    try:
        client = worker_kernel().client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            client.execute_interactive("import analysis.charts, analysis.rapport", timeout=120)
        finally:
            client.stop_channels()
    except Exception:
        pass


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes whose kernels start right away, in the background."""
    pool = ProcessPoolExecutor(max_workers=max(1, jobs))
    for _ in range(max(1, jobs)):
        pool.submit(warm_up)
    return pool


# Run first in every notebook executed by the runner (and left out of the HTML, like all code):
# clear what the previous report left in the kernel, and draw figures as laid out.
_PREAMBLE = "%reset -f\n%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}"


def _with_preamble(path: str):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(_PREAMBLE, id="voorbereiding")
    notebook.cells.insert(0, cell)
    return notebook


@cache
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


def execute(task: Task, folder: str) -> Outcome:
    """Execute one notebook with papermill in this process's kernel; a kernel that fails to
    start is retried once."""
    global _kernel
    import papermill

    start = time.perf_counter()
    executed = Path(folder) / "notebooks" / f"{Path(task.html).stem}.ipynb"
    attempts = 0
    while True:
        attempts += 1
        try:
            papermill.execute_notebook(_with_preamble(task.notebook), str(executed),
                                       parameters=task.parameters,
                                       kernel_name="python3", progress_bar=False,
                                       log_output=False, km=worker_kernel(),
                                       request_save_on_cell_execute=False)
            break
        except Exception as error:
            if attempts == 1 and _kernel_failed_to_start(error):
                _kernel = None
                continue
            message = str(error).strip().splitlines()
            return Outcome(task.naam, task.html, "mislukt", time.perf_counter() - start,
                           message[-1] if message else type(error).__name__, attempts)
    return Outcome(task.naam, task.html, "gelukt", time.perf_counter() - start, None, attempts)


def export_html(outcome: Outcome, folder: Path) -> None:
    """The executed notebook as HTML without code (done by the parent process, so the workers
    go on with the next notebook meanwhile)."""
    import nbformat

    start = time.perf_counter()
    executed = folder / "notebooks" / f"{Path(outcome.html).stem}.ipynb"
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:  # papermill gives its parameters cell a random id
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "ingevoegde-parameters"
    body, _ = _exporter().from_notebook_node(notebook)
    (folder / outcome.html).write_text(body, encoding="utf-8")
    outcome.seconden += time.perf_counter() - start


def tasks(periode: str, provincie: str, codes: list[str], processed: Path) -> list[Task]:
    """The province overview and one report per municipality; codes are passed as text."""
    items = [Task(f"Overzicht {provincie}", str(NOTEBOOKS / "provincie.ipynb"),
                  {"provincie": provincie, "periode": periode, "processed": str(processed)},
                  "overzicht.html")]
    names = gemeenten.naam(pd.Series(codes))
    for code, name in sorted(zip(codes, names, strict=True), key=lambda pair: pair[1]):
        items.append(Task(name, str(NOTEBOOKS / "gemeente.ipynb"),
                          {"gemeente_code": code, "periode": periode,
                           "processed": str(processed)}, f"gemeente-{code}.html"))
    return items


class Lock:
    """A lock file beside the reports; a lock left by a process that no longer runs is taken."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                owner = self.path.read_text().strip()
                if owner.isdigit() and _alive(int(owner)):
                    raise RunLocked(f"er loopt al een run (proces {owner}); lock: "
                                    f"{self.path}") from None
                self.path.unlink(missing_ok=True)
                continue
            os.write(handle, str(os.getpid()).encode())
            os.close(handle)
            return self
        raise RunLocked(f"lock {self.path} kon niet worden gezet")

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _progress(total: int):
    """A progress bar on a terminal, plain log lines otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="notebook", desc="Rapportages")
        return lambda outcome: bar.update(1)
    return lambda outcome: print(f"{outcome.status}: {outcome.naam} ({outcome.seconden:.1f} s)"
                                 + (f" - {outcome.fout}" if outcome.fout else ""), flush=True)


def index_html(periode: str, provincie: str, outcomes: list[Outcome],
               beoordeling: pd.DataFrame, brieven: Brieven, folder: Path) -> str:
    """A page linking every report, with each municipality's rating, the Excel summary and
    the letters."""
    rows = beoordeling[beoordeling["periode"] == periode].set_index("gemeente_naam")
    items = []
    for outcome in outcomes:
        link = (f'<a href="{outcome.html}">{html.escape(outcome.naam)}</a>'
                if outcome.status == "gelukt" else f"{html.escape(outcome.naam)} (mislukt)")
        rating = ""
        if outcome.naam in rows.index:
            row = rows.loc[outcome.naam]
            rating = (f'<span style="display:inline-block;width:1em;height:1em;'
                      f'background:{row["kleur"]};border:1px solid #444"></span> '
                      f'{html.escape(row["oordeel_label"])}')
        items.append(f"<tr><td>{link}</td><td>{rating}</td></tr>")
    return ("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\">"
            f"<title>Toezicht huisvesting vergunninghouders {provincie} {periode}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td{padding:.2em 1em}</style></head>"
            f"<body><h1>Toezicht huisvesting vergunninghouders</h1><p>{provincie}, {periode}</p>"
            f"<table>{''.join(items)}</table><p><a href=\"GS-samenvatting-{periode}.xlsx\">"
            "Samenvatting voor Gedeputeerde Staten (Excel)</a></p>"
            f"{_letters_html(brieven, folder)}</body></html>")


def _letters_html(brieven: Brieven, folder: Path) -> str:
    """The letters, each as .docx and, where made, PDF; notes about them below."""
    pdfs = {path.with_suffix(".docx") for path in brieven.pdf}
    items = []
    for path in brieven.bestanden:
        link = quote(path.relative_to(folder).as_posix())
        pdf = (f' (<a href="{link.removesuffix(".docx")}.pdf">PDF</a>)' if path in pdfs else "")
        items.append(f'<li><a href="{link}">{html.escape(path.stem)}</a>{pdf}</li>')
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in brieven.opmerkingen)
    return (f"<h2>Brieven aan de gemeenten</h2><ul>{''.join(items)}</ul>"
            + (f"<p>Let op:</p><ul>{notes}</ul>" if notes else ""))


def execute_all(todo: list[Task], folder: Path, pool: ProcessPoolExecutor) -> list[Outcome]:
    """Execute every task on the pool's workers and export each to HTML; outcomes in the order
    of ``todo``."""
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    report = _progress(len(todo))
    outcomes: list[Outcome] = []
    futures = [pool.submit(execute, task, str(folder)) for task in todo]
    for future in as_completed(futures):
        outcome = future.result()
        if outcome.status == "gelukt":
            export_html(outcome, folder)
        outcomes.append(outcome)
        report(outcome)
    order = {task.html: number for number, task in enumerate(todo)}
    return sorted(outcomes, key=lambda outcome: order[outcome.html])


def run(periode: str | None, provincie: str, jobs: int, raw: Path, processed: Path,
        reports: Path, kader_name: str) -> int:
    """The whole run; returns the exit code."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    letters = load_letters(raw) if config_path(raw).is_file() else None
    with Lock(reports / ".lock"), worker_pool(jobs) as pool:
        ingested = run_ingest(raw, processed)
        timings["ingest"] = time.perf_counter() - started
        step = time.perf_counter()
        kader = load_kader(kader_name)
        tables = toezicht(processed, raw, kader)
        save(tables, processed)
        timings["berekenen"] = time.perf_counter() - step
        stand = tables["stand"]
        periode = periode or stand["periode"].max()
        codes = sorted(set(gemeenten.provincie_codes(provincie)) & set(stand["gemeente_code"]))
        todo = tasks(periode, provincie, codes, processed)
        final = reports / periode
        staging = reports / f".{periode}.bezig-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        step = time.perf_counter()
        outcomes = execute_all(todo, staging, pool)
        timings["notebooks"] = time.perf_counter() - step
        write_summary(staging / f"GS-samenvatting-{periode}.xlsx", processed, periode, provincie,
                      kader)
        step = time.perf_counter()
        made = (write_brieven(staging / "brieven", tables["beoordeling"], periode, codes,
                              *letters, dt.date.today()) if letters else
                Brieven(opmerkingen=[f"brieven niet gemaakt: {config_path(raw)} ontbreekt"]))
        if letters and letters[0].provincie != provincie:
            made.opmerkingen.append(f"brieven.toml is van provincie {letters[0].provincie}, "
                                    f"de run van {provincie}; controleer afzender en adressen")
        timings["brieven"] = time.perf_counter() - step
        (staging / "index.html").write_text(
            index_html(periode, provincie, outcomes, tables["beoordeling"], made, staging),
            encoding="utf-8")
        timings["totaal"] = time.perf_counter() - started
        record = {
            "periode": periode, "provincie": provincie, "beoordelingskader": kader.naam,
            "invoer": ingested.bestanden[["bron_bestand", "bestand_hash"]].to_dict("records"),
            "versies": {"python": sys.version.split()[0],
                        **{name: version(name) for name in PACKAGES}},
            "tijden_seconden": {k: round(v, 2) for k, v in timings.items()},
            "notebooks": [asdict(outcome) | {"seconden": round(outcome.seconden, 2)}
                          for outcome in outcomes],
            "brieven": {"docx": len(made.bestanden), "pdf": len(made.pdf),
                        "opmerkingen": made.opmerkingen},
        }
        (staging / "run.json").write_text(json.dumps(record, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
        publish_folder(staging, final)
    failed = [o for o in outcomes if o.status != "gelukt"]
    print(f"Rapportages {provincie} {periode}: {len(outcomes) - len(failed)} gelukt, "
          f"{len(failed)} mislukt; {final / 'index.html'} ({timings['totaal']:.0f} s)")
    print(f"Brieven: {len(made.bestanden)} .docx, {len(made.pdf)} PDF")
    for note in made.opmerkingen:
        print(f"  - let op: {note}")
    for outcome in failed:
        print(f"  - mislukt: {outcome.naam}: {outcome.fout}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
