"""The backlog per half-year it arose in (cohorten): how much of each half-year's backlog is
left, how much of it was housed, and by when GS want it housed.

Per municipality and half-year, with stand_begin s, taakstelling T and realisatie R (which may
be negative), the backlog at the start b = max(0, -s) is the sum of the cohorts still open.
Housing goes to that old backlog first, h = clip(R, 0, b), taken from the cohorts oldest first
(or newest first where the kader or a ``cohortvolgorde`` decision says so); what is left of
the target becomes the half-year's own cohort, a = max(0, -stand_eind) - (b - h). So the
cohorts' remainders always add up to max(0, -stand_eind). (A voorsprong covers the target
first; with a realisatie below 0 it also covers the correction.)

Vectorised: per ledger, the cohorts' cumulative amounts against the cumulative housing
(oldest first), or against the running minimum of the stack's height (newest first), on a
cross join of cohort and as-of half-year. A herindeling restarts the successor's ledger at the
merger half-year, with its own remainders and the predecessors' (a split's divided by the
weights of the stand) as its opening cohorts; one pass per merger generation, as in
:func:`analysis.compute.roll_forward.rollforward`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.kader import Kader
from analysis.compute.kader.model import Cohorten
from analysis.compute.roll_forward import verdeel
from analysis.domain.besluiten import geldend
from analysis.domain.periods import periode_index_series, periode_labels
from analysis.domain.telkalender import Telkalender

LEDGER = ["gemeente_code", "periode", "cohort", "cohort_voor_begin", "ontstaan", "ingelopen",
          "resterend"]
COLUMNS = [*LEDGER, "peildatum_eind", "termijn", "termijn_bron", "trede", "besluit",
           "besluit_datum", "aantal_besluit", "verlopen"]
NEWEST_FIRST = "nieuwste_eerst"
_NEVER = np.iinfo(np.int64).max  # the stack's height before a cohort is pushed: no minimum yet


def cohorten(stand: pd.DataFrame, overgang: pd.DataFrame, register: pd.DataFrame,
             kader: Kader) -> pd.DataFrame:
    """The table ``cohorten``: a row per municipality, half-year and cohort with a remainder
    or housed in that half-year, with its deadline and the decision that set it. Empty for a
    kader without ``[cohorten]``."""
    if kader.cohorten is None:
        return _typed(pd.DataFrame(columns=COLUMNS))
    order = volgorde(stand["gemeente_code"], register, kader.cohorten)
    ledger = grootboek(stand, overgang, set(order[order == NEWEST_FIRST].index))
    return termijnen(ledger, stand, register, kader.cohorten, kader.kalender)


def volgorde(codes: pd.Series, register: pd.DataFrame, cohorten: Cohorten) -> pd.Series:
    """Per municipality the order its cohorts are housed in: the latest standing
    ``cohortvolgorde`` decision known on the date of knowledge, else the kader's. It applies
    to the municipality's whole ledger."""
    decided = _latest(register, "cohortvolgorde", ["gemeente_code"])
    unique = pd.Index(codes.astype(str).unique())
    found = decided.set_index("gemeente_code")["volgorde"].astype(object)
    return pd.Series(found.reindex(unique).fillna(cohorten.volgorde).to_numpy(object),
                     index=unique)


def _latest(register: pd.DataFrame, kind: str, key: list[str]) -> pd.DataFrame:
    """The latest standing decision of ``kind`` per ``key`` (by date, then by entry)."""
    standing = geldend(register)
    rows = standing[(standing["soort"] == kind).to_numpy()].sort_values(["datum", "besluit"])
    rows = rows.assign(gemeente_code=rows["gemeente_code"].astype(str))
    return rows.drop_duplicates(key, keep="last")


def termijnen(ledger: pd.DataFrame, stand: pd.DataFrame, register: pd.DataFrame,
              cohorten: Cohorten, kalender: Telkalender) -> pd.DataFrame:
    """The ledger with each cohort's deadline: that of the latest standing ``cohort`` decision
    about it, else the peildatum ``termijn_halfjaren`` after the cohort's own; ``verlopen``
    where the deadline has come by the half-year's peildatum and a remainder is left."""
    frame = ledger.copy()
    frame["peildatum_eind"] = pd.DatetimeIndex(kalender.peildatum_cutoff(frame["periode"]))
    due = periode_labels(periode_index_series(frame["cohort"]).to_numpy()
                         + cohorten.termijn_halfjaren)
    default = pd.DatetimeIndex(kalender.peildatum_cutoff(pd.Series(due, dtype="string")))
    decided = _latest(register, "cohort", ["gemeente_code", "cohort"])[
        ["gemeente_code", "cohort", "termijn", "trede", "kenmerk", "datum", "aantal"]]
    found = frame[["gemeente_code", "cohort"]].astype(str).merge(
        decided.astype({"cohort": str}), on=["gemeente_code", "cohort"], how="left")
    has = found["datum"].notna().to_numpy()
    frame["termijn"] = np.where(has, found["termijn"].to_numpy("datetime64[ns]"),
                                default.to_numpy())
    kenmerk = found["kenmerk"].fillna("").astype(str).to_numpy()
    frame["termijn_bron"] = np.where(has, np.where(kenmerk != "", kenmerk, "besluit"), "kader")
    frame["trede"] = found["trede"].fillna("").astype(str).to_numpy()
    frame["besluit"] = kenmerk
    frame["besluit_datum"] = found["datum"].to_numpy("datetime64[ns]")
    frame["aantal_besluit"] = found["aantal"].astype("Int64").to_numpy()
    frame["verlopen"] = (frame["termijn"] <= frame["peildatum_eind"]).to_numpy() & (
        frame["resterend"] > 0).to_numpy()
    return _typed(frame[COLUMNS])


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    types = {"gemeente_code": "string", "periode": "string", "cohort": "string",
             "cohort_voor_begin": "bool", "ontstaan": "int64", "ingelopen": "int64",
             "resterend": "int64", "peildatum_eind": "datetime64[ns]",
             "termijn": "datetime64[ns]", "termijn_bron": "string", "trede": "string",
             "besluit": "string", "besluit_datum": "datetime64[ns]", "aantal_besluit": "Int64",
             "verlopen": "bool"}
    return frame.astype(types).reset_index(drop=True)


def grootboek(stand: pd.DataFrame, overgang: pd.DataFrame | None = None,
              nieuwste_eerst: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """The cohorts of every municipality and half-year (:data:`LEDGER`) from the stand
    (``gemeente_code``, ``periode``, ``stand_begin``, ``realisatie``, ``stand_eind``) and the
    herindelingen (``oud_code``, ``nieuw_code``, ``periode``, ``gewicht``); the municipalities in
    ``nieuwste_eerst`` house their newest cohort first."""
    rows = _rows(stand)
    units = _units(rows, overgang)
    edges = _edges(rows, units, overgang)
    lifo = units["gemeente_code"].isin(set(nieuwste_eerst)).to_numpy()
    done = np.zeros(len(units), dtype=bool)
    finals, parts = _empty_final(), []
    while not done.all():
        blocked = np.zeros_like(done)
        blocked[edges["unit"].to_numpy()[~done[edges["dep"].to_numpy()]]] = True
        ready = ~done & ~blocked
        opening = _openings(rows, units, edges, ready, finals)
        part, final = _ledger(rows, units, ready, lifo, opening)
        parts.append(part)
        if len(final):
            finals = pd.concat([finals, final], ignore_index=True) if len(finals) else final
        done |= ready
    ledger = pd.concat(parts, ignore_index=True)
    return ledger.sort_values(["gemeente_code", "periode", "cohort", "cohort_voor_begin"],
                              ascending=[True, True, True, False]).reset_index(drop=True)


def _rows(stand: pd.DataFrame) -> pd.DataFrame:
    """The stand ordered by municipality and period, with each half-year's housing of the old
    backlog ``h``, the stack's height after it ``m`` and the new cohort ``a``."""
    rows = pd.DataFrame({
        "gemeente_code": stand["gemeente_code"].astype(str).to_numpy(),
        "periode": stand["periode"].astype(str).to_numpy(),
        "index": periode_index_series(stand["periode"]).to_numpy("int64"),
        "stand_begin": stand["stand_begin"].to_numpy("int64"),
        "realisatie": stand["realisatie"].to_numpy("int64"),
        "stand_eind": stand["stand_eind"].to_numpy("int64")})
    rows = rows.sort_values(["gemeente_code", "index"]).reset_index(drop=True)
    backlog = np.maximum(0, -rows["stand_begin"].to_numpy())
    housed = np.clip(rows["realisatie"].to_numpy(), 0, backlog)
    rows["b"], rows["h"], rows["m"] = backlog, housed, backlog - housed
    rows["a"] = np.maximum(0, -rows["stand_eind"].to_numpy()) - rows["m"].to_numpy()
    return rows


def _merger_starts(overgang: pd.DataFrame | None) -> pd.DataFrame:
    if overgang is None or overgang.empty:
        return pd.DataFrame({"oud_code": [], "nieuw_code": [], "periode": [], "gewicht": []})
    moved = overgang[overgang["oud_code"] != overgang["nieuw_code"]]
    return moved.astype({"oud_code": str, "nieuw_code": str, "periode": str}).reset_index(
        drop=True)


def _units(rows: pd.DataFrame, overgang: pd.DataFrame | None) -> pd.DataFrame:
    """The ledgers: each municipality's from its first half-year, and a new one from every
    half-year in which it took over predecessors (``merger``)."""
    codes = rows["gemeente_code"].to_numpy()
    first = np.r_[True, codes[1:] != codes[:-1]]
    starts = _merger_starts(overgang)
    merger = pd.MultiIndex.from_frame(rows[["gemeente_code", "periode"]]).isin(
        list(zip(starts["nieuw_code"], starts["periode"], strict=True)))
    start = first | merger
    rows["unit"] = np.cumsum(start) - 1
    begins = np.flatnonzero(start)
    return pd.DataFrame({
        "gemeente_code": codes[begins], "first": begins,
        "last": np.r_[begins[1:] - 1, len(rows) - 1],
        "merger": merger[begins], "own_before": merger[begins] & ~first[begins]})


def _edges(rows: pd.DataFrame, units: pd.DataFrame,
           overgang: pd.DataFrame | None) -> pd.DataFrame:
    """What each merger ledger takes over: its municipality's ledger before (``own``) and each
    predecessor's last ledger, with the weight of the stand's division (crosswalk order)."""
    own = units.index[units["own_before"].to_numpy()].to_numpy()
    frame = pd.DataFrame({"unit": own, "dep": own - 1, "own": True, "gewicht": 1,
                          "oud_code": units["gemeente_code"].to_numpy()[own],
                          "stand_eind": 0})
    moved = _merger_starts(overgang)
    if moved.empty:
        return frame
    at = pd.MultiIndex.from_frame(rows[["gemeente_code", "periode"]])
    unit_at = rows["unit"].to_numpy()[at.get_indexer(
        pd.MultiIndex.from_frame(moved[["nieuw_code", "periode"]]))]
    last = rows.drop_duplicates("gemeente_code", keep="last").set_index("gemeente_code")
    taken = pd.DataFrame({"unit": unit_at,
                          "dep": last["unit"].reindex(moved["oud_code"]).to_numpy(),
                          "own": False, "gewicht": moved["gewicht"].to_numpy("int64"),
                          "oud_code": moved["oud_code"].to_numpy(),
                          "stand_eind": last["stand_eind"].reindex(moved["oud_code"]).to_numpy()})
    return pd.concat([frame, taken.astype({"dep": "int64", "stand_eind": "int64"})],
                     ignore_index=True)


def _empty_final() -> pd.DataFrame:
    return pd.DataFrame({"unit": pd.Series(dtype="int64"), "cohort": pd.Series(dtype=object),
                         "cohort_voor_begin": pd.Series(dtype=bool),
                         "ontstaan": pd.Series(dtype="int64"),
                         "amount": pd.Series(dtype="int64")})


def _openings(rows: pd.DataFrame, units: pd.DataFrame, edges: pd.DataFrame, ready: np.ndarray,
              finals: pd.DataFrame) -> pd.DataFrame:
    """The opening cohorts of the ready ledgers: a municipality's first ledger opens with the
    backlog of its opening stand (origin unknown: the half-year before its first); a merger
    ledger with its own remainders and those taken over."""
    plain = np.flatnonzero(ready & ~units["merger"].to_numpy())
    first = units["first"].to_numpy()[plain]
    backlog = rows["b"].to_numpy()[first]
    opening = pd.DataFrame({
        "unit": plain, "cohort": periode_labels(rows["index"].to_numpy()[first] - 1),
        "cohort_voor_begin": True, "ontstaan": backlog, "amount": backlog})
    # a predecessor's remainders are divided over all its successors at once (as its stand),
    # also those whose ledger starts in a later pass
    known = edges[np.isin(edges["dep"].to_numpy(), finals["unit"].to_numpy())]
    pieces = known.reset_index(names="edge").merge(
        finals.rename(columns={"unit": "dep"}), on="dep")
    if pieces.empty:
        return opening[opening["amount"] > 0]
    taken = _divided(pieces, known)
    taken = taken[ready[taken["unit"].to_numpy("int64")]]
    both = pd.concat([opening, taken], ignore_index=True)
    both = both.groupby(["unit", "cohort", "cohort_voor_begin"], as_index=False)[
        ["ontstaan", "amount"]].sum()
    return both[both["amount"] > 0]


def _divided(pieces: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """The remainders each merger ledger takes over: a predecessor's cohorts divided over its
    successors by the weights, in whole persons (:func:`verdeel`), then moved person by person
    between successors within a cohort so that each successor's total is the backlog the
    roll-forward gave it (the stand divided as a whole)."""
    key = pieces["dep"].astype(str) + "|" + pieces["cohort"].astype(str) + "|" + pieces[
        "cohort_voor_begin"].astype(str)
    weights = pieces["gewicht"].to_numpy("int64")
    pieces = pieces.assign(amount=verdeel(pieces["amount"].to_numpy(), key.to_numpy(), weights),
                           ontstaan=verdeel(pieces["ontstaan"].to_numpy(), key.to_numpy(),
                                            weights))
    split = edges[~edges["own"].to_numpy()]
    target = pd.Series(np.maximum(0, -verdeel(split["stand_eind"].to_numpy(),
                                              split["dep"].to_numpy(),
                                              split["gewicht"].to_numpy())), index=split.index)
    got = pieces.groupby("edge")["amount"].sum()
    short = (target - got.reindex(target.index, fill_value=0)).astype("int64")
    if short.any():
        pieces = _moved(pieces, short)
    return pieces[["unit", "cohort", "cohort_voor_begin", "ontstaan", "amount"]]


def _moved(pieces: pd.DataFrame, short: pd.Series) -> pd.DataFrame:
    """Persons moved from successors that got more than their share of a split's backlog to
    those that got less, each within its cohort (the newest cohorts of a giver first)."""
    givers = short[short < 0]
    held = pieces[pieces["edge"].isin(givers.index)].sort_values(
        ["edge", "cohort"], ascending=[True, False])
    person = held.index.repeat(held["amount"].to_numpy())
    person_edge = pieces.loc[person, "edge"].to_numpy()
    nth = pd.Series(person_edge).groupby(person_edge).cumcount().to_numpy()
    given = person[nth < -givers.reindex(person_edge).to_numpy()]
    takers = short[short > 0]
    taker = np.repeat(takers.index.to_numpy(), takers.to_numpy())
    # pair givers' and takers' persons per predecessor's ledger (each side holds as many)
    given = given[np.argsort(pieces.loc[given, "dep"].to_numpy(), kind="stable")]
    taker = taker[np.argsort(pieces.drop_duplicates("edge").set_index("edge").loc[
        taker, "dep"].to_numpy(), kind="stable")]
    source = pieces.loc[given]
    moved = source.assign(edge=taker, amount=1, ontstaan=0)
    moved["unit"] = pieces.drop_duplicates("edge").set_index("edge").loc[taker, "unit"].to_numpy()
    less = source.assign(amount=-1, ontstaan=0)
    return pd.concat([pieces, less, moved], ignore_index=True)


def _ledger(rows: pd.DataFrame, units: pd.DataFrame, ready: np.ndarray, lifo: np.ndarray,
            opening: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cohorts of the ready ledgers in each of their half-years, and what is left of each
    cohort at a ledger's end (for the ledgers that take it over)."""
    in_ready = ready[rows["unit"].to_numpy()]
    fresh = rows[in_ready & (rows["a"] > 0).to_numpy()]
    first = units["first"].to_numpy()
    cohorts = pd.concat([
        opening.assign(created=first[opening["unit"].to_numpy()], new=False),
        pd.DataFrame({"unit": fresh["unit"].to_numpy(), "cohort": fresh["periode"].to_numpy(),
                      "cohort_voor_begin": False, "ontstaan": fresh["a"].to_numpy(),
                      "amount": fresh["a"].to_numpy(), "created": fresh.index.to_numpy(),
                      "new": True})], ignore_index=True)
    cohorts = cohorts.sort_values(["unit", "new", "cohort", "cohort_voor_begin"],
                                  ascending=[True, True, True, False]).reset_index(drop=True)
    unit = cohorts["unit"].to_numpy("int64")
    amount = cohorts["amount"].to_numpy("int64")
    cumulative = cohorts.groupby("unit")["amount"].cumsum().to_numpy("int64")
    # the height of a cohort's bottom in the stack: opening cohorts stacked oldest first, a new
    # cohort on top of what is left after the half-year's housing
    created = cohorts["created"].to_numpy("int64")
    base = np.where(cohorts["new"].to_numpy(), rows["m"].to_numpy()[created],
                    cumulative - amount)
    # housing up to and including each row, oldest first, with what a voorsprong nets away
    # from taken-over cohorts at a merger counted as housed in the ledger's first half-year
    total_opening = opening.groupby("unit")["amount"].sum().reindex(
        np.arange(len(units)), fill_value=0).to_numpy()
    netted = total_opening - rows["b"].to_numpy()[first]
    row_unit = rows["unit"].to_numpy()
    housed = rows["h"].to_numpy().copy()
    housed[first[ready]] += netted[ready]
    cum_housed = pd.Series(housed).groupby(row_unit).cumsum().to_numpy()
    # the cross join: each cohort in every half-year of its ledger from its creation on
    last = units["last"].to_numpy()[unit]
    count = last - created + 1
    which = np.repeat(np.arange(len(cohorts)), count)
    row = created[which] + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    at_creation = (row == created[which]) & cohorts["new"].to_numpy()[which]
    fifo = np.clip(cumulative[which] - cum_housed[row], 0, amount[which])
    height = np.where(at_creation, _NEVER, rows["m"].to_numpy()[row])
    lowest = pd.Series(height).groupby(which).cummin().to_numpy()
    newest = np.clip(lowest - base[which], 0, amount[which])
    left = np.where(lifo[unit[which]], newest, fifo)
    starts = np.r_[True, which[1:] != which[:-1]]
    before = np.where(starts, amount[which], np.r_[0, left[:-1]])
    housed_now = before - left
    keep = (left > 0) | (housed_now > 0)
    part = pd.DataFrame({
        "gemeente_code": rows["gemeente_code"].to_numpy()[row[keep]],
        "periode": rows["periode"].to_numpy()[row[keep]],
        "cohort": cohorts["cohort"].to_numpy()[which[keep]],
        "cohort_voor_begin": cohorts["cohort_voor_begin"].to_numpy(bool)[which[keep]],
        "ontstaan": cohorts["ontstaan"].to_numpy("int64")[which[keep]],
        "ingelopen": housed_now[keep], "resterend": left[keep]})
    end = (row == last[which]) & (left > 0)
    final = pd.DataFrame({"unit": unit[which[end]],
                          "cohort": cohorts["cohort"].to_numpy()[which[end]],
                          "cohort_voor_begin": cohorts["cohort_voor_begin"].to_numpy(bool)[
                              which[end]],
                          "ontstaan": cohorts["ontstaan"].to_numpy("int64")[which[end]],
                          "amount": left[end]})
    return part, final
