"""The check that a kader's ratings fit together: its rules tried on a grid of every kind of
half-year, so that overlapping or missing ratings are refused before anything is computed.

Also the cumulative columns rules may use beyond one half-year, which both the probe grid and
the real assessment add the same way.
"""

from __future__ import annotations

import ast
import itertools

import numpy as np
import pandas as pd

from analysis.compute.kader.model import Oordeel
from analysis.compute.kader.rules import boundaries
from analysis.compute.kader.terms import PLAN_STATUS, REGISTER_COLUMNS, KaderError
from analysis.compute.roll_forward import rollforward

MAX_PROBES = 2_000_000  # rows of the probe grid


def probe_frame(norm: str = "taakstelling", edges: list[float] = (), register: bool = False,
                where: str = "beoordelingskader") -> pd.DataFrame:
    """Every kind of half-year: the roll-forward's columns for a grid of stands, targets and
    realisations, with histories of every length, judged on the kader's ``norm``. Around every
    number a rule compares with (``edges``) the grid holds the values just below, at and just
    above it, for stands and counts, and for percentages (at a taakstelling of 100), so a gap or
    overlap between ratings cannot fall between the probes."""
    near = {int(np.floor(edge)) + step for edge in edges for step in (-1, 0, 1)}
    shares = {round(edge * 100) + step for edge in edges if 0 < abs(edge) < 10
              for step in (-1, 0, 1)}
    begins = sorted({-20, -5, 0, 5, 20, *near})
    targets = sorted({0, 10, 100, *(n for n in near if n >= 0)})
    realised = sorted({0, 5, 10, 30, *(n for n in near | shares if n >= 0)})
    streaks = sorted({0, 1, 4, *(n for n in near if 0 <= n <= 20)})
    deals = sorted({0, 10, *(n for n in near if n >= 0)})
    size = len(begins) * len(targets) * len(realised) * len(streaks) * (
        (len(PLAN_STATUS) + 1) * len(deals) * 2 if register else 1)
    if size > MAX_PROBES:
        raise KaderError(f"{where}: de regels vergelijken met te veel verschillende getallen "
                         f"({len(edges)}) om elk geval na te gaan; gebruik er minder")
    grid = list(itertools.product(begins, targets, realised, streaks))
    codes = [f"P{i:05d}" for i in range(len(grid))]
    flows = pd.DataFrame({"gemeente_code": codes, "periode": "2024-H1",
                          "taakstelling": [g[1] for g in grid], "realisatie": [g[2] for g in grid]})
    opening = pd.DataFrame({"gemeente_code": codes, "periode": "2024-H1",
                            "stand": [g[0] for g in grid]})
    frame = rollforward(flows, opening)
    streak = np.array([g[3] for g in grid])
    frame["gehaald"] = frame[f"{norm}_gehaald"]
    frame["gemist_op_rij"] = np.where(frame["gehaald"], 0, np.maximum(streak, 1))
    frame["achterstand_op_rij"] = np.where(frame["stand_eind"] < 0, np.maximum(streak, 1), 0)
    frame["inwoners"] = 10_000  # so that the backlog per 10,000 is the backlog itself
    frame = add_cumulative(frame)
    if not register:
        return frame.assign(plan_van_aanpak_status=0, afspraak_aantal=0, afspraak_verlopen=False)
    # every state of the register the rules name, for every kind of half-year
    states = np.array(list(itertools.product(range(len(PLAN_STATUS) + 1), deals, (0, 1))))
    tiled = np.tile(states, (len(frame), 1))
    frame = frame.loc[frame.index.repeat(len(states))].reset_index(drop=True)
    return frame.assign(plan_van_aanpak_status=tiled[:, 0], afspraak_aantal=tiled[:, 1],
                        afspraak_verlopen=tiled[:, 2].astype(bool))


def add_cumulative(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns rules may use beyond one half-year: cumulative taakstelling and realisatie
    per municipality over the periods so far, their ratio, and the backlog per 10,000
    inhabitants (rows sorted by municipality and period)."""
    group = frame.groupby("gemeente_code", sort=False)
    frame["cum_taakstelling"] = group["taakstelling"].cumsum()
    frame["cum_realisatie"] = group["realisatie"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["pct_cumulatief"] = np.where(frame["cum_taakstelling"] > 0, frame["cum_realisatie"]
                                           / frame["cum_taakstelling"], np.nan)
        people = frame["inwoners"].astype("float64") if "inwoners" in frame else np.nan
        frame["achterstand_per_10000"] = np.maximum(-frame["stand_eind"], 0) / people * 10_000
    return frame


def check_ratings(oordelen: tuple[Oordeel, ...], where: str, norm: str) -> None:
    """Exactly one rule-based rating must hold for every kind of half-year."""
    ruled = [o for o in oordelen if o.regel is not None]
    rules = [o.regel for o in ruled]
    names = {node.id for rule in rules for node in ast.walk(rule.tree)
             if isinstance(node, ast.Name)}
    frame = probe_frame(norm, boundaries(rules), bool(names & set(REGISTER_COLUMNS)), where)
    hits = np.column_stack([o.regel.evaluate(frame) for o in ruled])
    counts = hits.sum(axis=1)
    shown = ["stand_begin", "taakstelling", "realisatie", "stand_eind", "gemist_op_rij"]
    if (counts == 0).any():
        row = frame.iloc[int(np.argmax(counts == 0))]
        example = ", ".join(f"{c}={row[c]}" for c in shown)
        raise KaderError(f"{where}: geen enkel oordeel geldt bijvoorbeeld bij {example}; de "
                         "regels moeten samen elk geval dekken")
    if (counts > 1).any():
        index = int(np.argmax(counts > 1))
        row = frame.iloc[index]
        both = [o.code for o, hit in zip(ruled, hits[index], strict=True) if hit]
        example = ", ".join(f"{c}={row[c]}" for c in shown)
        raise KaderError(f"{where}: de oordelen {' en '.join(repr(b) for b in both)} gelden "
                         f"allebei bij {example}; de regels mogen niet overlappen")
