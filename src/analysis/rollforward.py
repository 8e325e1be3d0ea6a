"""The backlog roll-forward: the stand of every municipality for every half-year, vectorised.

    stand_begin(g, p) = stand_eind(g, p-1) + overgenomen(g, p)   (or the opening balance)
    opgave(g, p)      = taakstelling(g, p) - stand_begin(g, p)
    stand_eind(g, p)  = stand_begin(g, p) + realisatie(g, p) - taakstelling(g, p)

Per municipality the stand is the opening balance plus a cumulative sum of realisatie minus
taakstelling, so whole columns are computed at once (groupby-cumsum), backwards too when the
opening lies after the first period. ``overgenomen`` carries the stands of merged predecessors
into their successor on the merger date; each generation of mergers is one vectorised pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.periods import periode_from_index, periode_index_series, periode_start


class RollforwardError(ValueError):
    """Inputs that cannot be rolled forward; the message is Dutch and names what is wrong."""


def geldende_taakstelling(taakstelling: pd.DataFrame,
                          peildatum: pd.Timestamp | None = None) -> pd.DataFrame:
    """The version of each municipality's taakstelling that counts: the latest one published on
    or before the peildatum (by default the end of each period)."""
    frame = taakstelling.copy()
    if "versiedatum" not in frame:
        return frame
    if peildatum is None:
        index = periode_index_series(frame["periode"]) + 1
        ends = pd.to_datetime([periode_start(periode_from_index(i)) for i in np.unique(index)])
        end_of = dict(zip(np.unique(index), ends, strict=True))
        cutoff = index.map(end_of)
    else:
        cutoff = pd.Series(pd.Timestamp(peildatum), index=frame.index)
    valid = frame[frame["versiedatum"].to_numpy() < cutoff.to_numpy()]
    latest = valid.sort_values("versiedatum", kind="stable").groupby(
        ["gemeente_code", "periode"], sort=False).tail(1)
    return latest.drop(columns="versiedatum").reset_index(drop=True)


def _period_index(periodes: pd.Series) -> np.ndarray:
    """Period indices of a whole column, parsing each distinct label once."""
    codes, labels = pd.factorize(periodes)
    return periode_index_series(pd.Series(labels)).to_numpy()[codes]


def _group_cumsum(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at every group (rows sorted by group)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    offset = total[starts] - values[starts]
    return total - np.repeat(offset, np.diff(np.r_[starts, len(values)]))


def _check_gaps(frame: pd.DataFrame) -> None:
    group, index = frame["_group"].to_numpy(), frame["_index"].to_numpy()
    same = np.r_[False, group[1:] == group[:-1]]
    step = pd.Series(np.where(same, np.r_[0, np.diff(index)], 1), index=frame.index)
    gaps = frame[step.to_numpy() > 1]
    duplicated = frame[same & (step.to_numpy() == 0)]
    if len(duplicated):
        row = duplicated.iloc[0]
        raise RollforwardError(f"gemeente {row['gemeente_code']}: periode {row['periode']} "
                               "komt meer dan eens voor in de stromen")
    if len(gaps):
        row = gaps.iloc[0]
        missing = periode_from_index(int(row["_index"]) - int(step[gaps.index[0]]) + 1)
        raise RollforwardError(f"gemeente {row['gemeente_code']}: periode {missing} ontbreekt "
                               f"(gat tussen de periodes vóór {row['periode']}); een ontbrekende "
                               "periode wordt niet als 0 geteld")


def _openings(frame: pd.DataFrame, openingsstand: pd.DataFrame) -> pd.DataFrame:
    """Opening stand and its period index per municipality, checked against the flows."""
    opening = openingsstand.assign(_index=_period_index(openingsstand["periode"]))
    duplicated = opening[opening["gemeente_code"].duplicated()]
    if len(duplicated):
        raise RollforwardError(f"gemeente {duplicated['gemeente_code'].iloc[0]}: meer dan één "
                               "openingsstand opgegeven")
    first = frame.drop_duplicates("_group", keep="first")
    last = frame.drop_duplicates("_group", keep="last")
    span = pd.DataFrame({"min": first["_index"].to_numpy(), "max": last["_index"].to_numpy()},
                        index=first["gemeente_code"].to_numpy())
    opening = opening.join(span, on="gemeente_code")
    before_first = opening["_index"] < opening["min"]
    after_last = opening["_index"] > opening["max"]
    outside = opening[opening["min"].notna() & (before_first | after_last)]
    if len(outside):
        row = outside.iloc[0]
        raise RollforwardError(f"gemeente {row['gemeente_code']}: openingsstand voor "
                               f"{row['periode']} valt buiten de periodes van de stromen")
    return opening.set_index("gemeente_code")[["_index", "stand"]]


def _roll(frame: pd.DataFrame, opening: pd.DataFrame) -> np.ndarray:
    """stand_begin for every row (cumulative sums per municipality). The opening is the stand at
    the start of its period before any stand taken over from merged predecessors."""
    group = frame["_group"].to_numpy()
    net = (frame["realisatie"] - frame["taakstelling"]).to_numpy()
    transfers = frame["overgenomen"].to_numpy()
    before = _group_cumsum(net, group) - net
    taken_over = _group_cumsum(transfers, group)
    codes = frame["gemeente_code"]
    opening_index = codes.map(opening["_index"]).to_numpy(dtype="int64")
    opening_stand = codes.map(opening["stand"]).to_numpy(dtype="int64")
    at_opening = frame["_index"].to_numpy() == opening_index
    base = np.zeros(group.max() + 1, dtype="int64")
    base[group[at_opening]] = (before + taken_over - transfers)[at_opening]
    return opening_stand + before + taken_over - base[group]


def rollforward(stromen: pd.DataFrame, openingsstand: pd.DataFrame,
                herindelingen: pd.DataFrame | None = None) -> pd.DataFrame:
    """The stand of every municipality in every period.

    ``stromen``: ``gemeente_code``, ``periode``, ``taakstelling``, ``realisatie`` (one row per
    municipality and period; with a ``versiedatum`` column, the version valid at the end of the
    period is taken). ``openingsstand``: ``gemeente_code``, ``periode``, ``stand`` at the start of
    that period. ``herindelingen`` (optional): ``oud_code``, ``nieuw_code``, ``periode`` (the
    first period of the new municipality); a successor that starts at its merger needs no opening.
    """
    flows = geldende_taakstelling(stromen)
    group, _ = pd.factorize(flows["gemeente_code"], sort=True)
    index = _period_index(flows["periode"])
    order = np.lexsort((index, group))
    flows = flows.iloc[order].reset_index(drop=True).assign(
        taakstelling=lambda f: f["taakstelling"].astype("int64"),
        realisatie=lambda f: f["realisatie"].astype("int64"),
        _index=index[order], _group=group[order], overgenomen=np.int64(0),
    )
    _check_gaps(flows)
    opening = _openings(flows, openingsstand)
    mergers = _mergers(herindelingen, flows)
    stand_begin = pd.Series(0, index=flows.index, dtype="int64")
    done = pd.Series(False, index=flows.index)
    while not done.all():
        # A municipality is computed once all its merged predecessors are.
        if mergers.empty:
            ready = ~done
        else:
            unfinished = flows.loc[~done, "gemeente_code"].unique()
            blocked = mergers.loc[mergers["oud_code"].isin(unfinished), "nieuw_code"].unique()
            ready = ~done & ~flows["gemeente_code"].isin(blocked)
            opening = _take_over(flows, stand_begin, done, ready, opening, mergers)
        codes = flows.loc[ready, "gemeente_code"].unique()
        lacking = pd.Index(codes).difference(opening.index)
        if len(lacking):
            raise RollforwardError(f"geen openingsstand voor gemeente(n) "
                                   f"{', '.join(map(str, lacking))}")
        stand_begin[ready] = _roll(flows[ready], opening)
        done |= ready
    return _derive(flows.assign(stand_begin=stand_begin))


def _mergers(herindelingen: pd.DataFrame | None, flows: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk with period indices, checked: predecessors end right before the merger."""
    if herindelingen is None or herindelingen.empty:
        return pd.DataFrame({"oud_code": pd.Series(dtype="string"),
                             "nieuw_code": pd.Series(dtype="string"),
                             "_index": pd.Series(dtype="int64")})
    mergers = herindelingen.assign(_index=periode_index_series(herindelingen["periode"]))
    last = flows.groupby("gemeente_code")["_index"].max()
    wrong = mergers[mergers["oud_code"].map(last) != mergers["_index"] - 1]
    wrong = wrong[wrong["oud_code"] != wrong["nieuw_code"]]
    if len(wrong):
        row = wrong.iloc[0]
        raise RollforwardError(f"herindeling {row['oud_code']} -> {row['nieuw_code']} per "
                               f"{row['periode']}: de stromen van {row['oud_code']} moeten tot "
                               "die periode lopen en daar eindigen")
    return mergers


def _take_over(flows: pd.DataFrame, stand_begin: pd.Series, done: pd.Series, ready: pd.Series,
               opening: pd.DataFrame, mergers: pd.DataFrame) -> pd.DataFrame:
    """Put the summed final stands of merged predecessors into ``overgenomen`` of each ready
    successor at its merger period; a new code starting there opens at 0."""
    successors = mergers[mergers["nieuw_code"].isin(flows.loc[ready, "gemeente_code"])]
    successors = successors[successors["oud_code"] != successors["nieuw_code"]]
    if successors.empty:
        return opening
    stand_eind = stand_begin + flows["realisatie"] - flows["taakstelling"]
    finals = flows.assign(stand_eind=stand_eind)[done].groupby("gemeente_code")["stand_eind"].last()
    amounts = successors.assign(stand=successors["oud_code"].map(finals)).groupby(
        "nieuw_code").agg(stand=("stand", "sum"), _index=("_index", "first"))
    rows = flows["gemeente_code"].isin(amounts.index) & (
        flows["_index"].to_numpy() == flows["gemeente_code"].map(amounts["_index"]).to_numpy())
    flows.loc[rows, "overgenomen"] = flows.loc[rows, "gemeente_code"].map(
        amounts["stand"]).astype("int64")
    new = amounts.loc[amounts.index.difference(opening.index), ["_index"]].assign(stand=0)
    return pd.concat([opening, new])


def _derive(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures and flags a supervisor reads, from the stands."""
    begin, target, realised = frame["stand_begin"], frame["taakstelling"], frame["realisatie"]
    end = begin + realised - target
    opgave = target - begin
    result = frame.assign(opgave=opgave, stand_eind=end)
    result["taakstelling_gehaald"] = realised >= target
    result["opgave_gehaald"] = end >= 0
    result["achterstand_toegenomen"] = (begin < 0) & (end < begin)
    result["achterstand_afgenomen"] = (begin < 0) & (end > begin) & (end < 0)
    result["achterstand_ingelopen"] = (begin < 0) & (end >= 0)
    result["achterstand_ontstaan"] = (begin >= 0) & (end < 0)
    result["voorsprong_opgebouwd"] = (begin <= 0) & (end > 0)
    result["pct_taakstelling"] = (realised / target.where(target > 0)).astype("float64")
    result["pct_totaalopgave"] = (realised / opgave.where(opgave > 0)).astype("float64")
    result["ontwikkeling"] = ontwikkeling(begin, end)
    columns = ["gemeente_code", "periode", "stand_begin", "overgenomen", "taakstelling", "opgave",
               "realisatie", "stand_eind", "taakstelling_gehaald", "opgave_gehaald",
               "ontwikkeling", "achterstand_toegenomen", "achterstand_afgenomen",
               "achterstand_ingelopen", "achterstand_ontstaan", "voorsprong_opgebouwd",
               "pct_taakstelling", "pct_totaalopgave"]
    extra = [c for c in frame.columns if c not in columns and not c.startswith("_")]
    return result[columns + extra]


def ontwikkeling(begin: pd.Series, end: pd.Series) -> pd.Series:
    """How the stand moved in a period, in the letter's words."""
    conditions = [
        (begin < 0) & (end < begin),
        (begin < 0) & (end > begin) & (end < 0),
        (begin < 0) & (end == begin),
        (begin < 0) & (end >= 0),
        (begin >= 0) & (end < 0),
        (begin == 0) & (end > 0),
        (begin > 0) & (end > begin),
        (begin > 0) & (end < begin),
        (begin > 0) & (end == begin),
    ]
    words = ["achterstand toegenomen", "achterstand afgenomen", "achterstand gelijk gebleven",
             "achterstand ingelopen", "achterstand ontstaan", "voorsprong opgebouwd",
             "voorsprong vergroot", "voorsprong afgenomen", "voorsprong gelijk gebleven"]
    codes = np.select(conditions, np.arange(len(words)), default=len(words))
    categories = [*words, "geen achterstand"]
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=begin.index)
