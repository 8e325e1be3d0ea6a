"""What-if and forecast for the analyst: one municipality's figures changed and recomputed with
the computation's own roll-forward, beoordelingskader, decisions and kennisdatum, and the art. 29
forecast of the next taakstelling.

A scenario changes the realisatie or taakstelling of half-years in the data, or adds the
half-years that follow it. It recomputes from the computed stand at the start of the first
half-year asked about, so that earlier herindelingen stay as computed, and judges the whole
history again (ratings count misses and sum figures over earlier half-years). Nothing is
written: a scenario lives in memory only and is never a judgement of Gedeputeerde Staten.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from analysis import config, options
from analysis.compute.beoordeling import beoordeel
from analysis.compute.berekening import Berekening
from analysis.compute.kader import Kader, load_kader
from analysis.compute.prognose import prognose as art29_prognose
from analysis.compute.roll_forward import rollforward
from analysis.compute.volledigheid import LOPEND
from analysis.domain.datums import datum_tekst
from analysis.domain.gemeenten import kies_gemeente, naam
from analysis.domain.periods import (
    PeriodeError,
    parse_periode,
    periode_argument,
    periode_index,
    periode_index_series,
    periode_labels,
    periode_tekst,
    volgende_periode,
)
from analysis.domain.telkalender import Telkalender
from analysis.problems import Refused

T = TypeVar("T")
# status and realisatie_bron of a half-year whose figures a scenario set
SCENARIO = "scenario"
FLOWS = ("realisatie", "taakstelling")
# more persons than the whole country houses in a year: a typing error, not a scenario
MAX_PERSONEN = 1_000_000
# the CLI option a lower layer's message names, and the parameter this API calls it
PARAMETERS = {options.GEMEENTE: "gemeente", options.PERIODE: "periode",
              options.LANDELIJK: "landelijk"}


@dataclass(frozen=True)
class Scenario:
    """One municipality's figures recomputed after a change; never a judgement of GS."""

    stand: pd.DataFrame        # all its half-years, new ones included, as the `stand` table
    beoordeling: pd.DataFrame  # its rows of the `beoordeling` table, judged again
    beschrijving: str          # Dutch: what changed, from which computation; not GS's verdict


def scenario(berekening: Berekening, gemeente: str, realisatie: dict[str, int] | None = None,
             taakstelling: dict[str, int] | None = None) -> Scenario:
    """The stand and beoordeling of ``gemeente`` (name or code) with the realisatie or
    taakstelling of half-years replaced (``{"2025-H2": 30}``, any period spelling); a
    taakstelling for the half-year after the data adds it (its realisatie 0 unless given)."""
    code = _als_parameter(kies_gemeente, gemeente, berekening.gemeenten)
    stand = berekening.table("stand")
    computed = stand[(stand["gemeente_code"] == code).to_numpy()].sort_values(
        "periode", kind="stable").reset_index(drop=True)
    given = _gegeven({"realisatie": realisatie, "taakstelling": taakstelling})
    new = _nieuwe_periodes(given, computed, max(berekening.periodes))
    rows, changed = _scenario_rijen(computed, given, new, berekening.kalender)
    start = _start(computed, given)
    result = pd.concat([computed.iloc[:start], _doorgerekend(rows, start, berekening.kalender)],
                       ignore_index=True)
    judged = beoordeel(result, _kader(berekening), berekening.table("besluiten"),
                       berekening.kennisdatum)
    return Scenario(result, judged, _beschrijving(berekening, computed, rows, changed, new,
                                                  start))


def prognose(berekening: Berekening, landelijk: int, periode: str | None = None) -> pd.DataFrame:
    """Each municipality's taakstelling for an announced national total (art. 29) and the
    opgave it brings, for ``periode`` (any spelling; default the half-year after the data):
    gemeente_code, gemeente_naam, inwoners, taakstelling, stand, opgave."""
    if not isinstance(landelijk, numbers.Integral) or isinstance(landelijk, bool):
        raise Refused(f"landelijk: verwacht een geheel getal, bijvoorbeeld 12000, niet "
                      f"{landelijk!r}")
    chosen = _als_parameter(periode_argument, periode) or volgende_periode(
        max(berekening.periodes))
    made = _als_parameter(art29_prognose, int(landelijk), berekening.taakstelling,
                          berekening.table("stand"), chosen)
    table = made.tabel.copy()
    table.insert(1, "gemeente_naam", naam(table["gemeente_code"]))
    return table


def _als_parameter(call: Callable[..., T], *args: object) -> T:
    """``call(*args)``; a Dutch refusal that names a CLI option names this API's parameter."""
    try:
        return call(*args)
    except Refused as error:
        option, _, rest = str(error).partition(": ")
        if option in PARAMETERS:
            raise Refused(f"{PARAMETERS[option]}: {rest}") from None
        raise


def _gegeven(changes: dict[str, Mapping[object, object] | None]) -> pd.DataFrame:
    """The figures asked for, checked: a row per half-year (canonical label, in order),
    a column per flow (<NA> where that flow is not given)."""
    columns = {}
    for flow, values in changes.items():  # the two flows, not rows
        if values is None:
            values = {}
        if not isinstance(values, Mapping):
            raise Refused(f"{flow}: verwacht een woordenboek van halfjaar naar aantal, "
                          f"bijvoorbeeld {{\"2025-H2\": 30}}")
        checked: dict[str, int] = {}
        for key, value in values.items():  # the user's few entries, checked one by one
            checked_key = _periode(flow, key)
            checked_value = _aantal(flow, checked_key, value)
            if checked.get(checked_key, checked_value) != checked_value:
                raise Refused(f"{flow}: {checked_key} staat er twee keer in, met "
                              f"{checked[checked_key]} en {checked_value}")
            checked[checked_key] = checked_value
        columns[flow] = checked
    periodes = pd.Index(sorted(set().union(*columns.values())), dtype=str)
    return pd.DataFrame({flow: pd.Series(values, index=pd.Index(list(values), dtype=str),
                                         dtype="Int64").reindex(periodes)
                         for flow, values in columns.items()}, index=periodes)


def _periode(flow: str, key: object) -> str:
    try:
        return parse_periode(key)
    except PeriodeError as error:
        raise Refused(f"{flow}: {error}") from None


def _aantal(flow: str, periode: str, value: object) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise Refused(f"{flow}: {periode}: verwacht een geheel aantal personen, niet "
                      f"{value!r}")
    if not 0 <= value <= MAX_PERSONEN:
        raise Refused(f"{flow}: {periode}: {value} ligt niet tussen 0 en {MAX_PERSONEN}; "
                      "verwacht een aantal personen")
    return int(value)


def _nieuwe_periodes(given: pd.DataFrame, computed: pd.DataFrame, laatste: str) -> pd.Index:
    """The half-years asked about after the municipality's last one: only those right after
    it, in sequence, each with its taakstelling. Refused otherwise, in Dutch."""
    first, last = str(computed["periode"].iloc[0]), str(computed["periode"].iloc[-1])
    name = str(computed["gemeente_naam"].iloc[0])
    before = given.index[given.index < first]
    if len(before):
        raise Refused(f"{_flow_of(given, before[0])}: {before[0]} ligt vóór de gegevens van "
                      f"{name} (vanaf {first})")
    new = given.index[given.index > last]
    if len(new) and last != laatste:
        raise Refused(f"{_flow_of(given, new[0])}: {name} heeft na {last} geen halfjaren "
                      "meer (heringedeeld); een nieuw halfjaar kan alleen na het laatste "
                      "halfjaar van de gemeente")
    expected = periode_labels(periode_index(last) + 1 + np.arange(len(new)))
    gap = np.flatnonzero(new.to_numpy(str) != expected.astype(str))
    if len(gap):
        raise Refused(f"{_flow_of(given, new[gap[0]])}: {new[gap[0]]} sluit niet aan op de "
                      f"gegevens van {name} (t/m {last}); geef eerst {expected[gap[0]]} op")
    lacking = new[given.loc[new, "taakstelling"].isna().to_numpy()]
    if len(lacking):
        raise Refused(f"taakstelling: {lacking[0]} is een nieuw halfjaar na de gegevens "
                      f"(t/m {last}) en heeft een taakstelling nodig")
    return new


def _flow_of(given: pd.DataFrame, periode: str) -> str:
    """The parameter that names ``periode`` (the realisatie where both do)."""
    return "realisatie" if pd.notna(given.loc[periode, "realisatie"]) else "taakstelling"


def _scenario_rijen(computed: pd.DataFrame, given: pd.DataFrame, new: pd.Index,
                    kalender: Telkalender) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The municipality's rows with the figures asked for, the new half-years added, and per
    row and flow whether the scenario set it (a value equal to the computed one is no change).

    A new half-year takes the population of the last one (as the forecast does for a period
    without a taakstelling table) and counts as running until its realisatie is given; a
    half-year whose realisatie the scenario sets counts as complete and is judged."""
    added = computed.iloc[np.full(len(new), len(computed) - 1)].assign(
        periode=new.to_numpy(), overgenomen=0, realisatie=0, volledig=False, status=LOPEND,
        realisatie_bron="", realisatie_bekend=False).astype(computed.dtypes.to_dict())
    closing = pd.DatetimeIndex(kalender.peildatum_cutoff(added["periode"]))
    added["peildatum_begin"] = closing - pd.DateOffset(months=6)
    added["peildatum_eind"] = closing
    rows = pd.concat([computed, added], ignore_index=True).astype(computed.dtypes.to_dict())
    is_new = np.arange(len(rows)) >= len(computed)
    at = given.reindex(rows["periode"].to_numpy())
    changed = pd.DataFrame({flow: at[flow].notna().to_numpy() & (
        is_new | (at[flow].fillna(0).to_numpy("int64") != rows[flow].to_numpy("int64")))
        for flow in FLOWS})
    for flow in FLOWS:  # the two flows, not rows
        rows[flow] = np.where(changed[flow], at[flow].fillna(0).to_numpy("int64"),
                              rows[flow].to_numpy("int64"))
    housed = changed["realisatie"].to_numpy()
    rows["volledig"] = rows["volledig"].to_numpy(bool) | housed
    rows["realisatie_bron"] = rows["realisatie_bron"].where(~housed, SCENARIO)
    rows["realisatie_bekend"] = rows["realisatie_bekend"].to_numpy(bool) | housed
    rows["status"] = rows["status"].where(
        ~(changed.any(axis=1).to_numpy() & rows["volledig"].to_numpy(bool)), SCENARIO)
    return rows, changed


def _start(computed: pd.DataFrame, given: pd.DataFrame) -> int:
    """The row the recomputation starts from: the first half-year asked about (a new one:
    the last computed one), or the first row when nothing is asked (all recomputed)."""
    if given.empty:
        return 0
    return int(min(np.searchsorted(computed["periode"].to_numpy(str), given.index[0]),
                   len(computed) - 1))


def _doorgerekend(rows: pd.DataFrame, start: int, kalender: Telkalender) -> pd.DataFrame:
    """Rows ``start`` on, rolled forward by the computation's roll-forward from the computed
    stand at the start of row ``start``.

    Stands taken over from herindelingen (``overgenomen``) in these rows come from
    predecessors the scenario does not change; each enters the roll-forward as a predecessor
    holding that stand and merging in that half-year, so the roll-forward itself adds it."""
    part = rows.iloc[start:].reset_index(drop=True)
    code = part["gemeente_code"].iloc[0]
    moved = part[part["overgenomen"].to_numpy() != 0]
    donors = "overgenomen " + moved["periode"].astype(str).to_numpy(str).astype(object)
    before = periode_labels(periode_index_series(moved["periode"]).to_numpy() - 1)
    key = ["gemeente_code", "periode"]
    flows = pd.concat([part[[*key, *FLOWS]], pd.DataFrame(
        {"gemeente_code": donors, "periode": before, "realisatie": 0, "taakstelling": 0})],
        ignore_index=True).astype({column: part[column].dtype for column in key})
    openings = pd.DataFrame({
        "gemeente_code": np.r_[[code], donors].astype(object),
        "periode": np.r_[[part["periode"].iloc[0]], before].astype(object),
        "stand": np.r_[part["stand_begin"].iloc[0] - part["overgenomen"].iloc[0],
                       moved["overgenomen"].to_numpy("int64")]}).astype(
        {column: part[column].dtype for column in key})
    herindelingen = pd.DataFrame({"oud_code": donors, "nieuw_code": code,
                                  "periode": moved["periode"].to_numpy(), "gewicht": 1})
    rolled = rollforward(flows, openings, herindelingen, kalender)
    rolled = rolled[(rolled["gemeente_code"] == code).to_numpy()].reset_index(drop=True)
    kept = part.drop(columns=rolled.columns)
    return pd.concat([rolled, kept], axis=1)[list(rows.columns)]


def _kader(berekening: Berekening) -> Kader:
    """The beoordelingskader the computation used, as it was (same file hash): the file it was
    read from, or else the shipped kader of that name."""
    made_with = berekening.manifest["beoordelingskader"]
    places = [Path(made_with["pad"])] if made_with.get("pad") else []
    places.append(config.KADERS_DIR / made_with["bestand"])
    kader = None
    for path in places:  # at most two
        kader = load_kader(path) if path.is_file() else None
        if kader is not None and kader.sha256 == made_with["sha256"]:
            break
    if kader is None or kader.sha256 != made_with["sha256"]:
        why = ("is gewijzigd sinds de berekening" if kader is not None else
               f"is niet meer te vinden (gezocht: {', '.join(map(str, places))})")
        raise Refused(f"het beoordelingskader {made_with['bestand']} waarmee is berekend {why}; "
                      "voer eerst 'python -m analysis bereken' opnieuw uit met het kader "
                      "waarmee u wilt rekenen")
    return kader


def _beschrijving(berekening: Berekening, computed: pd.DataFrame, rows: pd.DataFrame,
                  changed: pd.DataFrame, new: pd.Index, start: int) -> str:
    """Dutch: what the scenario changed, from which computation, and that it judges nothing."""
    name = f"{computed['gemeente_naam'].iloc[0]} ({computed['gemeente_code'].iloc[0]})"
    parts = []
    for flow in FLOWS:  # the two flows; the changes are the user's few entries
        for row in np.flatnonzero(changed[flow].to_numpy()):
            periode = str(rows["periode"].iloc[row])
            was = ("nieuw halfjaar" if periode in set(new) else
                   f"in plaats van {computed[flow].iloc[row]}")
            parts.append(f"{flow} {periode_tekst(periode)} {rows[flow].iloc[row]} ({was})")
    unknown = [periode_tekst(p) for p in new
               if not changed["realisatie"].to_numpy()[rows["periode"].to_numpy(str) == p].any()]
    if unknown:
        parts.append(f"realisatie {', '.join(unknown)} nog niet bekend (als 0 gerekend, "
                     "zonder oordeel)")
    what = "; ".join(parts) if parts else "niets gewijzigd"
    made_with = berekening.manifest["beoordelingskader"]
    ended = str(computed["periode"].iloc[-1]) < max(berekening.periodes)
    successor = (f" De stand van {computed['gemeente_naam'].iloc[0]} ging bij een herindeling "
                 "over naar een andere gemeente; die rekent dit scenario niet door."
                 if ended else "")
    return (f"Scenario voor {name}: {what}. Doorgerekend vanaf de berekende stand aan het begin "
            f"van {periode_tekst(str(rows['periode'].iloc[start]))}, met het beoordelingskader "
            f"{made_with['naam']} ({made_with['bestand']}) en de besluiten van de berekening "
            f"met kennisdatum {datum_tekst(berekening.kennisdatum)}.{successor} Dit is een "
            "verkenning, geen oordeel van Gedeputeerde Staten.")
