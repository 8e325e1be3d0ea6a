"""Roll-forward speed and memory at national scale and in a scenario run; prints figures.

National: 342 municipalities x 40 half-years. Scenario run: 1,000 copies of that (13.7 M rows),
each copy a scenario with its own municipality keys. The plain loop (one municipality and period
at a time) runs on a sample and is extrapolated per row.
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

from analysis.periods import periode_from_index, periode_index
from analysis.rollforward import rollforward

MUNICIPALITIES, PERIODS, COPIES = 342, 40, 1_000


def national(copies: int = 1, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic flows and openings; codes are categorical, as a scenario tool would hold them."""
    rng = np.random.default_rng(seed)
    units = MUNICIPALITIES * copies
    codes = pd.Categorical([f"S{c:04d}GM{g:04d}" for c in range(copies)
                            for g in range(MUNICIPALITIES)])
    labels = pd.Categorical([periode_from_index(periode_index("2006-H1") + i)
                             for i in range(PERIODS)])
    flows = pd.DataFrame({
        "gemeente_code": pd.Categorical.from_codes(
            np.repeat(np.arange(units), PERIODS), categories=codes.categories),
        "periode": pd.Categorical.from_codes(np.tile(np.arange(PERIODS), units),
                                             categories=labels.categories),
        "taakstelling": rng.integers(0, 200, units * PERIODS, dtype="int64"),
        "realisatie": rng.integers(-2, 220, units * PERIODS, dtype="int64"),
    })
    opening = pd.DataFrame({"gemeente_code": codes.categories, "periode": labels.categories[0],
                            "stand": rng.integers(-50, 50, units)})
    return flows, opening


def plain_loop(flows: pd.DataFrame, opening: pd.DataFrame) -> list[tuple[str, str, int, int]]:
    """The obvious implementation: one municipality and period at a time."""
    stand = dict(zip(opening["gemeente_code"], opening["stand"], strict=True))
    rows = []
    for code, periode, target, realised in flows[
            ["gemeente_code", "periode", "taakstelling", "realisatie"]].itertuples(index=False):
        begin = stand[code]
        stand[code] = begin + realised - target
        rows.append((code, periode, begin, stand[code]))
    return rows


def timed(function, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    flows, opening = national()
    vectorised = timed(rollforward, flows, opening)
    sample = flows[flows["gemeente_code"].cat.codes < 50]
    loop = timed(plain_loop, sample, opening, repeat=1) * len(flows) / len(sample)
    print(f"Nationaal, {len(flows):,} rijen: vectorised {vectorised * 1000:.1f} ms "
          f"({len(flows) / vectorised:,.0f} rijen/s); plain loop {loop * 1000:.0f} ms "
          f"(extrapolated from {len(sample):,} rows); speed-up {loop / vectorised:.0f}x")

    big_flows, big_opening = national(COPIES)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    start = time.perf_counter()
    result = rollforward(big_flows, big_opening)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    loop_big = loop * COPIES
    print(f"Scenario, {len(result):,} rijen: {seconds:.2f} s ({len(result) / seconds:,.0f} "
          f"rijen/s); plain loop ~{loop_big:.0f} s extrapolated; "
          f"speed-up {loop_big / seconds:.0f}x")
    print(f"Piekgeheugen van het proces: {peak:.2f} GiB (inputs alleen al: {before:.2f} GiB); "
          f"targets: < 3 s, < 4 GiB, >= 100x")


if __name__ == "__main__":
    main()
