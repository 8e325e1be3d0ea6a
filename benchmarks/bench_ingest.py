"""Ingest time of a 100,000-row person-level export with openpyxl and with calamine."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest.mirror import ingest
from analysis.sample import MUNICIPALITIES, write_tvs

ROWS = 100_000


def people(rows: int = ROWS, seed: int = 7) -> pd.DataFrame:
    """Synthetic person-level rows in the sample's TVS layout."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 4 * 365, rows)
    return pd.DataFrame({
        "persoon_id": [f"V{n}" for n in rng.integers(10**9, 10**10, rows)],
        "huishouden": [f"HH{n:08X}" for n in rng.integers(0, 16**8, rows)],
        "relatie": "Referent", "geboortejaar": rng.integers(1960, 2024, rows),
        "land": "Syrië",
        "gemeente_code": rng.choice(MUNICIPALITIES["gemeente_code"].to_numpy(), rows),
        "datum": [dt.date(2022, 1, 1) + dt.timedelta(days=int(d)) for d in days],
        "nareiziger": rng.random(rows) < 0.25, "mutatie": "Huisvesting", "telling": 1,
    })


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        start = time.perf_counter()
        write_tvs(people(), raw)
        print(f"Schrijven van {ROWS:,} persoonsrijen: {time.perf_counter() - start:.1f} s")
        timings = {}
        for engine in ("openpyxl", "calamine"):
            start = time.perf_counter()
            result = ingest(raw, engine=engine)
            timings[engine] = time.perf_counter() - start
            days = len(result.tables["realisatie_dag"])
            print(f"Ingest met {engine}: {timings[engine]:.2f} s "
                  f"({ROWS / timings[engine]:,.0f} rijen/s) -> {days} gemeente x dag")
        print(f"calamine is {timings['openpyxl'] / timings['calamine']:.1f}x sneller")


if __name__ == "__main__":
    main()
