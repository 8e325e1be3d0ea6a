"""The block reader (``analysis.ingest.blokken``) on a 1,000,000-row person-level export against
calamine reading the sheet whole (load and ``to_python``), in CPU seconds and peak memory of
whole processes (wait4), each a child of its own.

``python benchmarks/bench_blokken.py [FILE] [--rijen N] [--keer K] [--map MAP]``: FILE is an
export written by ``bench_ingest.write_large_tvs`` (written into a temporary folder when not
given, which takes a minute or two). The reader's blocks hold about N rows (20,000); each
figure is the best of K runs (3), interleaved (least CPU, highest peak); MAP is where the
reader puts its temporary workbook (the system's temporary folder). The reader's blocks are
iterated and thrown away. Besides its total, the CPU of each of its steps is printed, and the
total without the measurement of the slices, which still uses the expat code of
``analysis.ingest.measure`` (a faster measurement is to replace it)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_ingest import people, verdict, write_large_tvs

SHEET = "Export"
WHOLE = """
import json, sys, time
from python_calamine import CalamineWorkbook
start = time.process_time()
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2])
loaded = time.process_time()
rows = sheet.to_python(skip_empty_area=False)
print(json.dumps({"laden": loaded - start, "to_python": time.process_time() - loaded,
                  "rijen": len(rows)}))
"""
BLOCKS = """
import json, sys, time
from pathlib import Path
from analysis.ingest.blokken import SheetBlocks
folder = Path(sys.argv[4]) if len(sys.argv) > 4 else None
reader = SheetBlocks(Path(sys.argv[1]), sys.argv[2], rows=int(sys.argv[3]), folder=folder)
rows = blocks = 0
for block in reader:
    rows += len(block.rows)
    blocks += 1
print(json.dumps({"stappen": reader.cpu, "stukken": reader.slices, "blokken": blocks,
                  "rijen": rows, "reden": reader.reason}))
"""


def run(code: str, *args: str) -> tuple[float, float, dict]:
    """CPU seconds and peak GiB of ``python -c code args`` (its own, by wait4), and its JSON."""
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kind faalde: {' '.join(args)}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2, json.loads(output)


def main(path: Path, rows: int, runs: int, folder: str | None) -> None:
    print(f"{path} ({path.stat().st_size / 1024**2:.0f} MB), blad {SHEET}, belasting bij de start "
          f"{os.getloadavg()[0]:.2f}")
    wholes, readers = [], []
    for _ in range(runs):
        wholes.append(run(WHOLE, str(path), SHEET))
        readers.append(run(BLOCKS, str(path), SHEET, str(rows), *([folder] if folder else [])))
    cpu, peak = min(c for c, _, _ in wholes), max(p for _, p, _ in wholes)
    steps = min(wholes, key=lambda result: result[0])[2]
    print(f"calamine, heel blad: {cpu:.2f} s CPU (laden {steps['laden']:.2f} s, to_python "
          f"{steps['to_python']:.2f} s), piek {peak:.3f} GiB, {steps['rijen']:,} rijen")
    best = min(readers, key=lambda result: result[0])
    own, own_peak, found = best[0], max(p for _, p, _ in readers), best[2]
    measured = found["stappen"].get("measure", 0.0)
    print(f"blokken van {rows:,} rijen: {own:.2f} s CPU, piek {own_peak:.3f} GiB, "
          f"{found['stukken']} stukken, {found['blokken']} blokken, {found['rijen']:,} rijen"
          + (f", heel gelezen: {found['reden']}" if found["reden"] else ""))
    print("  stappen (s CPU): " + ", ".join(f"{step} {seconds:.2f}"
                                            for step, seconds in found["stappen"].items()))
    print(f"  zonder het meten van de stukken (expat): {own - measured:.2f} s CPU = "
          f"{(own - measured) / cpu:.2f}x calamine (doel <= 1x: {verdict(own - measured <= cpu)})")
    print(f"  met het meten: {own / cpu:.2f}x calamine; piek {own_peak:.3f} GiB (doel < 0,5 GiB: "
          f"{verdict(own_peak < 0.5)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bestand", nargs="?", type=Path)
    parser.add_argument("--rijen", type=int, default=20_000)
    parser.add_argument("--keer", type=int, default=3)
    parser.add_argument("--map", default=None)
    options = parser.parse_args()
    if options.bestand is not None:
        main(options.bestand, options.rijen, options.keer, options.map)
    else:
        with tempfile.TemporaryDirectory() as made:
            main(write_large_tvs(people(1_000_000), Path(made)), options.rijen, options.keer,
                 options.map)
