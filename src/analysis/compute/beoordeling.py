"""The assessment: a rating per municipality and half-year, the rung on the interventieladder,
and the reason in Dutch, following a province's beoordelingskader and its decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.kader import Kader
from analysis.domain.periods import datum_tekst, peildatum, volgende_periode
from analysis.domain.resultaten import conclusie

FROZEN, UP, DOWN, SAME, RUNNING = "bevroren", "opgeschaald", "afgeschaald", "gelijk", "lopend"
# a half-year still running has a pace, never a verdict
RUNNING_LABEL, RUNNING_COLOUR = "Voorlopig: het halfjaar loopt nog", "#D9D9D9"


def _starts(codes: pd.Series) -> np.ndarray:
    """Whether each row starts a municipality (rows sorted by municipality and period)."""
    values = codes.to_numpy()
    return np.r_[True, values[1:] != values[:-1]]


def _run_length(condition: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """How many periods in a row, up to and including this one, the condition has held."""
    count = np.cumsum(condition)
    base = np.where(condition, np.where(starts, count - 1, -1), count)
    return count - np.maximum.accumulate(base)


def with_history(stand: pd.DataFrame, norm: str = "taakstelling") -> pd.DataFrame:
    """The stand with ``gehaald`` (the kader's norm met: the taakstelling or the totaalopgave),
    ``gemist_op_rij`` (half-years in a row with the norm not met) and ``achterstand_op_rij``
    (half-years in a row ending with a backlog)."""
    frame = stand.sort_values(["gemeente_code", "periode"], kind="stable").reset_index(drop=True)
    starts = _starts(frame["gemeente_code"])
    frame["gehaald"] = frame[f"{norm}_gehaald"].to_numpy(bool)
    frame["gemist_op_rij"] = _run_length(~frame["gehaald"].to_numpy(), starts)
    frame["achterstand_op_rij"] = _run_length(frame["stand_eind"].to_numpy() < 0, starts)
    return frame


def _ladder(delta: np.ndarray, starts: np.ndarray, top: int) -> np.ndarray:
    """Rung per row: the previous rung plus the step, kept between the lowest and highest rung.
    A walk with two bounds has no closed form, so this steps through the positions within each
    municipality's history (at most a few dozen), each step vectorised over all municipalities."""
    first = np.flatnonzero(starts)
    lengths = np.diff(np.r_[first, len(delta)])
    rung = np.zeros(len(delta), dtype="int64")
    rung[first] = np.clip(delta[first], 0, top)
    for position in range(1, lengths.max(initial=1)):
        rows = first[lengths > position] + position
        rung[rows] = np.clip(rung[rows - 1] + delta[rows], 0, top)
    return rung


def beoordeel(stand: pd.DataFrame, kader: Kader, besluiten: pd.DataFrame) -> pd.DataFrame:
    """Rating, rung, change on the ladder and reason for every municipality and period."""
    frame = with_history(stand, kader.norm)
    excused = frame[["gemeente_code", "periode"]].merge(
        besluiten.rename(columns={"reden": "verschoning_reden"}),
        on=["gemeente_code", "periode"], how="left")
    # a verschoning excuses a backlog; where there is none, there is nothing to excuse
    frame["verschoond"] = (excused["verschoning_reden"].notna().to_numpy()
                           & (frame["stand_eind"].to_numpy() < 0))
    frame["verschoning_reden"] = excused["verschoning_reden"].where(frame["verschoond"])
    frame["kenmerk"] = excused["kenmerk"].where(frame["verschoond"])

    ruled = [o for o in kader.oordelen if o.regel is not None]
    hits = [o.regel.evaluate(frame) for o in ruled]
    rating = np.select(hits, [o.code for o in ruled], default="")
    for o in kader.oordelen:
        if o.bij_verschoning_van:
            rating = np.where(frame["verschoond"] & np.isin(rating, o.bij_verschoning_van),
                              o.code, rating)
    running = ~frame["volledig"].to_numpy(bool) if "volledig" in frame else np.zeros(
        len(frame), bool)
    frame["oordeel"] = np.where(running, "", rating)
    frame["oordeel_label"] = frame["oordeel"].map(
        {o.code: o.label for o in kader.oordelen} | {"": RUNNING_LABEL})
    frame["kleur"] = frame["oordeel"].map(
        {o.code: o.kleur for o in kader.oordelen} | {"": RUNNING_COLOUR})

    up = kader.opschalen.evaluate(frame)
    down = kader.afschalen.evaluate(frame) & ~up
    delta = up.astype("int64") - down.astype("int64")
    frozen = frame["verschoond"].to_numpy() & (kader.bij_verschoning == "bevriezen")
    delta[frozen | running] = 0
    starts = _starts(frame["gemeente_code"])
    rung = _ladder(delta, starts, len(kader.treden) - 1)
    previous = np.where(starts, 0, np.r_[0, rung[:-1]])
    frame["trede_nummer"] = rung
    frame["trede"] = np.asarray(kader.treden, dtype=object)[rung]
    frame["trede_wijziging"] = np.select(
        [running, frozen, rung > previous, rung < previous], [RUNNING, FROZEN, UP, DOWN],
        default=SAME)
    frame["volgend_meetpunt"] = frame["periode"].map(
        {p: datum_tekst(peildatum(volgende_periode(p), kader.uitloop_dagen))
         for p in frame["periode"].unique()})
    frame["reden"] = _reasons(frame, kader.uitloop_dagen)
    return frame


def _reasons(frame: pd.DataFrame, uitloop_dagen: int) -> pd.Series:
    """Why: the letter's conclusion, the rating, a verschoning with its reference, the ladder."""
    sentences = [conclusie(p, bool(g), str(o)) for p, g, o in zip(
        frame["periode"], frame["taakstelling_gehaald"], frame["ontwikkeling"], strict=True)]
    reason = pd.Series(sentences, index=frame.index, dtype="string")
    reason += " Oordeel: " + frame["oordeel_label"].astype("string") + "."
    excused = frame["verschoond"]
    reference = np.where(frame["kenmerk"].fillna("").astype(str) != "",
                         " (kenmerk " + frame["kenmerk"].fillna("").astype(str) + ")", "")
    reason[excused] += (" Verschoond: " + frame.loc[excused, "verschoning_reden"].astype(str)
                        + reference[excused.to_numpy()] + ".")
    ladder = {
        FROZEN: " Interventieladder bevroren op trede '",
        UP: " Opgeschaald op de interventieladder naar trede '",
        DOWN: " Afgeschaald op de interventieladder naar trede '",
        SAME: " Interventieladder: trede blijft '",
    }
    reason += frame["trede_wijziging"].map(ladder) + frame["trede"].astype(str) + "'."
    reason += " Volgend meetpunt: " + frame["volgend_meetpunt"] + "."
    running = frame["trede_wijziging"] == RUNNING
    ends = frame["periode"].map({p: datum_tekst(peildatum(p, uitloop_dagen))
                                 for p in frame["periode"].unique()})
    reason[running] = ("Het halfjaar loopt nog: het COA-overzicht van de peildatum "
                       + ends[running] + " ontbreekt. Nog geen oordeel en geen stap op de "
                       "interventieladder; trede blijft '" + frame.loc[running, "trede"]
                       + "'.")
    return reason
