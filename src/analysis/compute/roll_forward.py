"""The backlog roll-forward: the stand of every municipality for every half-year, vectorised.

    stand_begin(g, p) = stand_eind(g, p-1) + overgenomen(g, p)   (or the opening balance)
    opgave(g, p)      = taakstelling(g, p) - stand_begin(g, p)
    stand_eind(g, p)  = stand_begin(g, p) + realisatie(g, p) - taakstelling(g, p)

Per municipality the stand is the opening balance plus a cumulative sum of realisatie minus
taakstelling, so whole columns are computed at once with numpy (one cumulative sum over all
rows, offset per municipality), backwards too when the opening lies after the first period.
``overgenomen`` carries the stands of merged predecessors into their successor on the merger date;
each generation of mergers is one vectorised pass.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain.periods import periode_from_index, periode_index_series
from analysis.domain.taakstelling_versies import geldende_taakstelling
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.formatting import datum
from analysis.problems import Refused

COLUMNS = ["gemeente_code", "periode", "stand_begin", "overgenomen", "taakstelling", "opgave",
           "realisatie", "stand_eind", "taakstelling_gehaald", "totaalopgave_gehaald",
           "ontwikkeling",
           "achterstand_toegenomen", "achterstand_afgenomen", "achterstand_ingelopen",
           "achterstand_ontstaan", "voorsprong_opgebouwd", "pct_taakstelling", "pct_totaalopgave"]
ONTWIKKELINGEN = ["achterstand toegenomen", "achterstand afgenomen", "achterstand gelijk gebleven",
                  "achterstand ingelopen", "achterstand ontstaan", "voorsprong opgebouwd",
                  "voorsprong vergroot", "voorsprong deels ingezet", "voorsprong ingezet",
                  "voorsprong gelijk gebleven",
                  "geen achterstand"]


class RollforwardError(Refused, ValueError):
    """Inputs that cannot be rolled forward; the message is Dutch and names what is wrong."""


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and distinct values of a column; a categorical column's own codes are used
    as they are (a scenario run holds millions of rows of a few hundred thousand keys)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.notna().all():
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques)


def _period_index(periodes: pd.Series) -> np.ndarray:
    """Period indices of a whole column, parsing each distinct label once."""
    codes, labels = _factorize(periodes)
    indices = periode_index_series(pd.Series(labels, dtype="string")).to_numpy("int32")
    return np.take(indices, codes.astype(np.intp, copy=False))


@dataclass
class _Groups:
    """Rows sorted by municipality and period, with the municipalities' row ranges."""

    codes: pd.Index          # municipality code of each group
    group: np.ndarray        # group number of each row
    index: np.ndarray        # period index of each row
    starts: np.ndarray       # first row of each group
    ends: np.ndarray         # last row of each group

    def per_row(self, values: np.ndarray) -> np.ndarray:
        """A value per group spread over the group's rows."""
        return np.repeat(values, self.ends - self.starts + 1)


def _sorted_groups(flows: pd.DataFrame) -> tuple[pd.DataFrame, _Groups]:
    """Rows ordered by municipality and period, each municipality's periods consecutive
    (a missing or repeated period is an error); input already in that order is not copied."""
    group, codes = _factorize(flows["gemeente_code"])
    index = _period_index(flows["periode"])
    starts, consecutive = _consecutive(group, index)
    if not consecutive.all():
        order = np.lexsort((index, group))
        flows, group, index = flows.take(order), group[order], index[order]
        starts, consecutive = _consecutive(group, index)
        if not consecutive.all():
            _refuse_gap(codes, group, index, flows["periode"], int(np.argmin(consecutive)) + 1)
    ends = np.r_[starts[1:] - 1, len(group) - 1]
    if len(starts) != len(codes):  # unused categories: number only the codes present
        codes = codes[group[starts]]
        group = np.repeat(np.arange(len(starts)), ends - starts + 1)
    return flows.reset_index(drop=True), _Groups(codes, group, index, starts, ends)


def _consecutive(group: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row of every group, and per row boundary whether the next row is either a later
    group or the next period of the same group."""
    next_group = np.diff(group)
    starts = np.r_[0, np.flatnonzero(next_group) + 1]
    consecutive = np.diff(index) == 1
    consecutive[starts[1:] - 1] = next_group[starts[1:] - 1] > 0
    return starts, consecutive


def _refuse_gap(codes: pd.Index, group: np.ndarray, index: np.ndarray, periodes: pd.Series,
                row: int) -> None:
    """Explain the first place where a municipality's periods are not consecutive."""
    if index[row] <= index[row - 1]:
        raise RollforwardError(f"gemeente {codes[group[row]]}: periode "
                               f"{periodes.iloc[row]} komt meer dan eens voor in de stromen")
    missing = periode_from_index(int(index[row - 1]) + 1)
    raise RollforwardError(f"gemeente {codes[group[row]]}: periode {missing} "
                           f"ontbreekt (gat tussen de periodes vóór {periodes.iloc[row]}); een "
                           "ontbrekende periode wordt niet als 0 geteld")


def _openings(openingsstand: pd.DataFrame, groups: _Groups) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the period index of its opening (-1 when none) and the opening stand."""
    codes = openingsstand["gemeente_code"]
    if groups.codes.equals(pd.Index(codes)):
        position = np.arange(len(codes))  # one opening per municipality, in the same order
    else:
        repeated = codes[codes.duplicated()]
        if len(repeated):
            raise RollforwardError(f"gemeente {repeated.iloc[0]}: meer dan één openingsstand "
                                   "opgegeven")
        position = groups.codes.get_indexer(codes)
    known = position >= 0
    position = position[known]
    at = _period_index(openingsstand["periode"])[known]
    first, last = groups.index[groups.starts[position]], groups.index[groups.ends[position]]
    outside = (at < first) | (at > last)
    if outside.any():
        row = openingsstand[known].iloc[np.flatnonzero(outside)[0]]
        raise RollforwardError(f"gemeente {row['gemeente_code']}: openingsstand voor "
                               f"{row['periode']} valt buiten de periodes van de stromen")
    opening_index = np.full(len(groups.codes), -1, dtype="int64")
    opening_stand = np.zeros(len(groups.codes), dtype="int64")
    opening_index[position] = at
    opening_stand[position] = openingsstand["stand"].to_numpy("int64")[known]
    return opening_index, opening_stand


def _roll(groups: _Groups, net: np.ndarray, transfers: np.ndarray, opening_index: np.ndarray,
          opening_stand: np.ndarray) -> np.ndarray:
    """stand_begin of every row: the opening plus the running total of net flows and transfers
    since the opening row. One cumulative sum over all rows serves every municipality, since
    the part from earlier municipalities cancels within a group. The opening is the stand at the
    start of its period before any stand taken over from merged predecessors."""
    running = np.cumsum(net + transfers if transfers.any() else net) - net
    # groups whose opening is not known yet (later merger generations) are computed from their
    # first row and overwritten in a later pass
    first = groups.index[groups.starts]
    rows = groups.starts + np.where(opening_index < 0, 0, opening_index - first)
    base = running[rows] - transfers[rows]
    return running + groups.per_row(opening_stand - base)


def _mergers(herindelingen: pd.DataFrame | None, groups: _Groups) -> pd.DataFrame:
    """The crosswalk as group numbers, checked: predecessors end right before the merger."""
    columns = ["oud", "nieuw", "index", "gewicht"]
    if herindelingen is None or herindelingen.empty:
        return pd.DataFrame(np.zeros((0, 4), dtype="int64"), columns=columns)
    crosswalk = herindelingen[herindelingen["oud_code"] != herindelingen["nieuw_code"]]
    old = groups.codes.get_indexer(crosswalk["oud_code"])
    new = groups.codes.get_indexer(crosswalk["nieuw_code"])
    at = _period_index(crosswalk["periode"])
    wrong = (old < 0) | (new < 0)
    wrong[~wrong] = groups.index[groups.ends[old[~wrong]]] != at[~wrong] - 1
    if wrong.any():
        row = crosswalk.iloc[np.flatnonzero(wrong)[0]]
        raise RollforwardError(f"herindeling {row['oud_code']} -> {row['nieuw_code']} per "
                               f"{row['periode']}: beide moeten in de stromen staan en die van "
                               f"{row['oud_code']} moeten tot die periode lopen en daar eindigen")
    weights = (crosswalk["gewicht"].to_numpy("int64") if "gewicht" in crosswalk
               else np.ones(len(crosswalk), dtype="int64"))
    return pd.DataFrame({"oud": old, "nieuw": new, "index": at, "gewicht": weights})


def verdeel(totals: np.ndarray, owners: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Whole persons: each owner's total divided over its rows in proportion to ``weights`` by
    largest remainders, so the parts add up to the total exactly (-10 over 3:1 is -8 and -2)."""
    totals, weights = np.asarray(totals, dtype="int64"), np.asarray(weights, dtype="int64")
    owners = pd.factorize(owners)[0]
    weight_sum = np.bincount(owners, weights=weights).astype("int64")[owners]
    scaled = np.abs(totals) * weights
    floor, remainder = scaled // weight_sum, scaled % weight_sum
    short = np.abs(totals) - np.bincount(owners, weights=floor).astype("int64")[owners]
    order = np.lexsort((np.arange(len(owners)), -remainder, owners))
    rank = np.empty(len(owners), dtype="int64")
    starts = np.r_[0, np.flatnonzero(np.diff(owners[order])) + 1]
    rank[order] = np.arange(len(owners)) - np.repeat(starts, np.diff(np.r_[starts, len(owners)]))
    return np.sign(totals) * (floor + (rank < short))


def _valid_versions(stromen: pd.DataFrame, kalender: Telkalender) -> pd.DataFrame:
    """The taakstelling version valid at each period's peildatum; a municipality and period
    whose every version was published on or after that peildatum is refused by name (no
    version was in force when the half-year was measured)."""
    valid = geldende_taakstelling(stromen, kalender)
    if "versiedatum" not in stromen or len(valid) == len(
            stromen[["gemeente_code", "periode"]].drop_duplicates()):
        return valid
    key = ["gemeente_code", "periode"]
    lost = stromen.merge(valid[key].drop_duplicates(), on=key, how="left", indicator=True)
    row = lost[lost["_merge"] == "left_only"].sort_values(["periode", "versiedatum"]).iloc[0]
    raise RollforwardError(
        f"taakstelling van {row['gemeente_code']} in {row['periode']}: geen versie gepubliceerd "
        f"vóór de peildatum {datum(kalender.peildatum(str(row['periode'])))} (de eerste is van "
        f"{datum(pd.Timestamp(row['versiedatum']))}); een halfjaar telt met de taakstelling "
        "die gold toen het werd gemeten")


def rollforward(stromen: pd.DataFrame, openingsstand: pd.DataFrame,
                herindelingen: pd.DataFrame | None = None,
                kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """The stand of every municipality in every period.

    ``stromen``: ``gemeente_code``, ``periode``, ``taakstelling``, ``realisatie`` (one row per
    municipality and period; with a ``versiedatum`` column, the version valid at the
    ``kalender``'s peildatum is taken, see :func:`geldende_taakstelling`). ``openingsstand``:
    ``gemeente_code``, ``periode``, ``stand`` at the start of that period. ``herindelingen``
    (optional): ``oud_code``, ``nieuw_code``, ``periode`` (the first period of the new
    municipality) and optionally ``gewicht`` (a split's share per successor, e.g. inhabitants);
    a successor that starts at its merger needs no opening. Other columns of ``stromen`` are
    kept.
    """
    flows, groups = _sorted_groups(_valid_versions(stromen, kalender))
    target = flows["taakstelling"].to_numpy("int64")
    realised = flows["realisatie"].to_numpy("int64")
    net = realised - target
    opening_index, opening_stand = _openings(openingsstand, groups)
    mergers = _mergers(herindelingen, groups)
    transfers = np.zeros(len(flows), dtype="int64")
    stand_begin = np.zeros(len(flows), dtype="int64")
    done = np.zeros(len(groups.codes), dtype=bool)
    while not done.all():
        # A municipality is computed once all its merged predecessors are.
        blocked = np.zeros_like(done)
        blocked[mergers["nieuw"][~done[mergers["oud"]]]] = True
        ready = ~done & ~blocked
        # a split's stand is divided over all its successors at once, also those computed in
        # a later pass (which wait for another predecessor); only the ready ones take theirs
        computed = mergers[done[mergers["oud"]]]
        _take_over(groups, computed, ready[computed["nieuw"]], stand_begin + net, transfers,
                   opening_index, opening_stand)
        lacking = ready & (opening_index < 0)
        if lacking.any():
            raise RollforwardError("geen openingsstand voor gemeente(n) "
                                   f"{', '.join(map(str, groups.codes[lacking]))}")
        rolled = _roll(groups, net, transfers, opening_index, opening_stand)
        if ready.all():
            stand_begin = rolled
        else:
            rows = groups.per_row(ready)
            stand_begin[rows] = rolled[rows]
        done |= ready
    return _derive(flows, stand_begin, transfers, target, realised, net)


def _take_over(groups: _Groups, mergers: pd.DataFrame, keep: np.ndarray,
               stand_eind: np.ndarray, transfers: np.ndarray, opening_index: np.ndarray,
               opening_stand: np.ndarray) -> None:
    """Put the final stands of predecessors into ``transfers`` at each successor's merger period
    (a split's stand divided by the weights over all its successors, in whole persons), for the
    successors ``keep`` marks; a successor without an opening opens at 0 on its first merger
    date."""
    if not keep.any():
        return
    ended = stand_eind[groups.ends[mergers["oud"].to_numpy()]]
    parts = verdeel(ended, mergers["oud"].to_numpy(), mergers["gewicht"].to_numpy())[keep]
    mergers = mergers[keep]
    amounts = pd.Series(parts).groupby([mergers["nieuw"].to_numpy(),
                                        mergers["index"].to_numpy()]).sum()
    new = amounts.index.get_level_values(0).to_numpy()
    at = amounts.index.get_level_values(1).to_numpy()
    rows = groups.starts[new] + (at - groups.index[groups.starts[new]])
    outside = (rows < groups.starts[new]) | (rows > groups.ends[new])
    if outside.any() or (groups.index[np.clip(rows, 0, len(groups.index) - 1)] != at).any():
        raise RollforwardError("herindeling: de nieuwe gemeente heeft geen stromen in de periode "
                               "van de herindeling")
    transfers[rows] = amounts.to_numpy()
    first = pd.Series(at).groupby(new).min()
    without = opening_index[first.index] < 0
    opening_index[first.index[without]] = first.to_numpy()[without]
    opening_stand[first.index[without]] = 0


def _percentages(realised: np.ndarray, target: np.ndarray,
                 opgave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """% taakstelling and % totaalopgave; undefined (NaN) where the denominator is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_target = realised / target
        pct_opgave = realised / opgave
    pct_target[target <= 0] = np.nan
    pct_opgave[opgave <= 0] = np.nan
    return pct_target, pct_opgave


def _derive(flows: pd.DataFrame, begin: np.ndarray, transfers: np.ndarray, target: np.ndarray,
            realised: np.ndarray, net: np.ndarray) -> pd.DataFrame:
    """The figures and flags a supervisor reads, from the stands. The percentages are computed
    on a second thread meanwhile (numpy releases the GIL; this is memory-bound work)."""
    opgave = target - begin
    with ThreadPoolExecutor(max_workers=1) as pool:
        percentages = pool.submit(_percentages, realised, target, opgave)
        end = begin + net
        signs = [(v > 0).view("int8") - (v < 0).view("int8") for v in (begin, net, end)]
        movement = ontwikkeling(*signs)
        pct_target, pct_opgave = percentages.result()
    result = pd.DataFrame({
        "gemeente_code": flows["gemeente_code"], "periode": flows["periode"],
        "stand_begin": begin, "overgenomen": transfers, "taakstelling": target,
        "opgave": opgave, "realisatie": realised, "stand_eind": end,
        # gehaald: the opgave housed, which for a municipality ahead is the taakstelling less
        # its voorsprong (domain.md); the totaalopgave when the stand ends at 0 or above
        "taakstelling_gehaald": realised >= target - np.maximum(begin, 0),
        "totaalopgave_gehaald": end >= 0,
        "ontwikkeling": movement,
        **{flag: movement.codes == code for flag, code in _FLAGS.items()},
        "voorsprong_opgebouwd": (signs[0] <= 0) & (signs[2] > 0),
        "pct_taakstelling": pct_target, "pct_totaalopgave": pct_opgave,
    }, index=flows.index, copy=False)
    extra = [c for c in flows.columns if c not in COLUMNS]
    return pd.concat([result, flows[extra]], axis=1) if extra else result


def _movement_table() -> np.ndarray:
    """Code into ``ONTWIKKELINGEN`` for every combination of sign(begin), sign(end - begin) and
    sign(end), indexed as 9 * (sign(begin) + 1) + 3 * (sign(change) + 1) + sign(end) + 1."""
    table = np.full(27, 9, dtype="int8")
    for begin in (-1, 0, 1):
        for change in (-1, 0, 1):
            for end in (-1, 0, 1):
                if begin < 0:
                    word = ("achterstand toegenomen" if change < 0 else
                            "achterstand gelijk gebleven" if change == 0 else
                            "achterstand afgenomen" if end < 0 else "achterstand ingelopen")
                elif end < 0:
                    word = "achterstand ontstaan"
                elif begin == 0:
                    word = "voorsprong opgebouwd" if end > 0 else "geen achterstand"
                else:
                    word = ("voorsprong vergroot" if change > 0 else
                            "voorsprong gelijk gebleven" if change == 0 else
                            "voorsprong deels ingezet" if end > 0 else "voorsprong ingezet")
                table[9 * (begin + 1) + 3 * (change + 1) + end + 1] = ONTWIKKELINGEN.index(word)
    return table


_MOVEMENT = _movement_table()
# Flags that are exactly one movement.
_FLAGS = {word.replace(" ", "_"): ONTWIKKELINGEN.index(word) for word in
          ["achterstand toegenomen", "achterstand afgenomen", "achterstand ingelopen",
           "achterstand ontstaan"]}


def ontwikkeling(begin: np.ndarray, change: np.ndarray, end: np.ndarray) -> pd.Categorical:
    """How the stand moved in a period, in the letter's words (see ``ONTWIKKELINGEN``), from
    the signs (-1, 0, 1 as int8) of the stand at the start, its change and the stand at the end."""
    key = 9 * begin + 3 * change + end + 13
    codes = np.take(_MOVEMENT, key.astype(np.intp))
    return pd.Categorical.from_codes(codes, categories=ONTWIKKELINGEN)
