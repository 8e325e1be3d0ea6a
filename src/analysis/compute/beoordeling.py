"""The assessment: a rating per municipality and half-year, the rung on the interventieladder,
and the reason in Dutch, following a province's beoordelingskader and its decisions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.compute import indeplaatsstelling as ips
from analysis.compute.kader import (
    PLAN_STATUS,
    REGISTER_COLUMNS,
    Kader,
    KaderError,
    add_cumulative,
)
from analysis.domain.besluiten import geldend, verschoningen
from analysis.domain.periods import datum_tekst, volgende_periode
from analysis.domain.resultaten import conclusie
from analysis.domain.telkalender import STANDAARD, Telkalender

RUNNING = "lopend"
# a half-year still running has a pace, never a verdict
RUNNING_LABEL, RUNNING_COLOUR = "Voorlopig: het halfjaar loopt nog", "#D9D9D9"
# the advice of the kader's ladder rules, never a decision: code -> how it reads
ADVIES = {
    "opschalen": "opschalen naar '{trede}'",
    "afschalen": "afschalen naar '{trede}'",
    "gelijk": "geen stap op de interventieladder",
    "geremd": "niet verder opschalen (verschoning)",
    "bevroren": "geen stap: de interventieladder is bevroren (verschoning)",
    RUNNING: "",
    "indeplaatsstelling": "geen advies: Gedeputeerde Staten voeren de taak uit",
}
RUNG_DECISIONS = ("starttrede", "trede")


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
    return add_cumulative(frame)


def _rung_events(register: pd.DataFrame) -> pd.DataFrame:
    """Every change of the recorded rung: each standing ``starttrede`` or ``trede``, and each
    ``intrekking`` of one, from whose date the rung before the withdrawn decision holds again
    (set by the intrekking)."""
    standing = geldend(register, ingetrokken=False)
    columns = ["gemeente_code", "datum", "trede", "kenmerk"]
    steps = standing[standing["soort"].isin(RUNG_DECISIONS)][columns].astype(
        {"gemeente_code": str, "datum": "datetime64[ns]"})
    withdrawals = standing[standing["soort"] == "intrekking"].astype(
        {"gemeente_code": str, "datum": "datetime64[ns]"}).merge(
        steps.drop(columns="trede").rename(columns={"datum": "besloten",
                                                    "kenmerk": "verwijst_naar"}),
        on=["gemeente_code", "verwijst_naar"])
    if withdrawals.empty:
        return steps.sort_values("datum", kind="stable")
    before = pd.merge_asof(withdrawals.sort_values("besloten"),
                           steps.drop(columns="kenmerk").rename(columns={
                               "datum": "eerder", "trede": "eerdere_trede"}).sort_values("eerder"),
                           left_on="besloten", right_on="eerder", by="gemeente_code",
                           allow_exact_matches=False)
    reverts = pd.DataFrame({"gemeente_code": before["gemeente_code"], "datum": before["datum"],
                            "trede": before["eerdere_trede"], "kenmerk": before["kenmerk"]})
    return pd.concat([steps, reverts], ignore_index=True).sort_values("datum", kind="stable")


def _latest(frame: pd.DataFrame, decisions: pd.DataFrame,
            kalender: Telkalender) -> pd.DataFrame:
    """Per row of ``frame`` (positionally) the latest of ``decisions`` of its municipality dated
    on or before the row's closing peildatum (all its columns <NA> where there is none)."""
    closing = (frame["peildatum_eind"].to_numpy("datetime64[ns]") if "peildatum_eind" in frame
               else kalender.peildatum_cutoff(frame["periode"]))
    at = pd.DataFrame({"gemeente_code": frame["gemeente_code"].astype(str).to_numpy(),
                       "_peildatum": np.asarray(closing, dtype="datetime64[ns]"),
                       "_rij": np.arange(len(frame))})
    found = pd.merge_asof(at.sort_values("_peildatum"),
                          decisions.assign(gemeente_code=decisions["gemeente_code"].astype(str),
                                           datum=decisions["datum"].astype("datetime64[ns]")
                                           ).sort_values("datum", kind="stable"),
                          left_on="_peildatum", right_on="datum", by="gemeente_code")
    return found.sort_values("_rij").reset_index(drop=True)


def register_kolommen(frame: pd.DataFrame, register: pd.DataFrame,
                      kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """What the register says on each row's closing peildatum, for the kader's rules:
    ``plan_van_aanpak_status`` (0 none, 1 gevraagd, 2 ontvangen, 3 akkoord: the latest standing
    plan decision), ``afspraak_aantal`` (the persons of the latest standing inhaalafspraak, 0
    without one) and ``afspraak_verlopen`` (its deadline has come)."""
    standing = geldend(register)
    plans = _latest(frame, standing[standing["soort"] == "plan_van_aanpak"], kalender)
    deals = _latest(frame, standing[standing["soort"] == "inhaalafspraak"], kalender)
    return pd.DataFrame({
        "plan_van_aanpak_status": plans["status"].map(PLAN_STATUS).fillna(0).astype(
            "int64").to_numpy(),
        "afspraak_aantal": deals["aantal"].astype("Float64").fillna(0).astype("int64")
        .to_numpy(),
        "afspraak_verlopen": (deals["uiterlijk"] <= deals["_peildatum"]).fillna(False)
        .astype(bool).to_numpy(),
    }, index=frame.index)


def vastgelegde_trede(frame: pd.DataFrame, register: pd.DataFrame, treden: tuple[str, ...],
                      kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Per row the rung GS recorded, in force on the row's closing peildatum: the latest
    standing ``starttrede`` or ``trede`` decision dated on or before it. ``trede`` is empty and
    ``trede_nummer`` -1 where the register records none."""
    found = _latest(frame, _rung_events(register), kalender)
    number = found["trede"].map({name: i for i, name in enumerate(treden)})
    dates = {day: datum_tekst(day.date()) for day in found["datum"].dropna().unique()}
    day = found["datum"].map(dates).astype("string").fillna("")
    kenmerk = found["kenmerk"].astype("string").fillna("")
    decided = "besluit van " + day + np.where(kenmerk != "", ", kenmerk " + kenmerk, "")
    return pd.DataFrame({
        "trede": found["trede"].fillna("").to_numpy(object),
        "trede_nummer": number.fillna(-1).astype("int64").to_numpy(),
        "trede_besluit": decided.where(found["trede"].notna(), "").to_numpy(object),
    }, index=frame.index)


def kwijtgescholden(frame: pd.DataFrame, register: pd.DataFrame) -> np.ndarray:
    """Per row (positionally) the persons of the backlog that standing kwijtscheldingen of its
    municipality waived, about its half-year or an earlier one: they no longer count."""
    standing = geldend(register)
    waivers = standing.loc[standing["soort"] == "kwijtschelding",
                           ["gemeente_code", "periode", "personen"]].rename(
        columns={"periode": "vanaf"}).astype({"gemeente_code": str})
    rows = pd.DataFrame({"gemeente_code": frame["gemeente_code"].astype(str).to_numpy(),
                         "periode": frame["periode"].astype(str).to_numpy(),
                         "_rij": np.arange(len(frame))})
    joined = rows.merge(waivers, on="gemeente_code")
    joined = joined[(joined["vanaf"].astype(str) <= joined["periode"]).to_numpy()]
    total = joined.groupby("_rij")["personen"].sum()
    return np.asarray(total.reindex(np.arange(len(frame)), fill_value=0), dtype="int64")


def beoordeel(stand: pd.DataFrame, kader: Kader, register: pd.DataFrame,
              kennisdatum: dt.date | None = None) -> pd.DataFrame:
    """Rating, the rung GS recorded, the kader's advice on the ladder and the reason, for every
    municipality and period. ``register``: the decisions (:func:`load_register`) known on
    ``kennisdatum``, the date of the products: ``trede`` is the rung on each half-year's
    peildatum (from which the advice starts), ``trede_op_datum`` the rung on that date (which
    a letter states)."""
    frame = with_history(stand, kader.norm)
    excused = frame[["gemeente_code", "periode"]].merge(
        verschoningen(register).rename(columns={"reden": "verschoning_reden"}),
        on=["gemeente_code", "periode"], how="left")
    # a verschoning excuses a backlog, wholly or up to a number of persons, for its half-year;
    # a kwijtschelding waives a number of persons for good, from its half-year on. Where there
    # is no backlog, there is nothing to excuse
    backlog = np.maximum(-frame["stand_eind"].to_numpy(), 0)
    has_excuse = excused["verschoning_reden"].notna().to_numpy()
    waived = kwijtgescholden(frame, register)
    limit = np.where(has_excuse, excused["personen"].astype("Float64").fillna(np.inf)
                     .to_numpy(float), 0) + waived
    decided = (has_excuse | (waived > 0)) & (backlog > 0)
    frame["kwijtgescholden"] = waived
    frame["verschoond_personen"] = np.where(decided, np.minimum(backlog, limit), 0).astype(
        "int64")
    frame["verschoond"] = decided & (backlog <= limit)
    frame["verschoning_reden"] = excused["verschoning_reden"].where(has_excuse & (backlog > 0))
    frame["kenmerk"] = excused["kenmerk"].where(has_excuse & (backlog > 0))

    frame[REGISTER_COLUMNS] = register_kolommen(frame, register, kader.kalender)
    ruled = [o for o in kader.oordelen if o.regel is not None]
    hits = [o.regel.evaluate(frame) for o in ruled]
    running = ~frame["volledig"].to_numpy(bool) if "volledig" in frame else np.zeros(
        len(frame), bool)
    _one_rating_each(frame, np.column_stack(hits).sum(axis=1), running, kader)
    rating = np.select(hits, [o.code for o in ruled], default="")
    for o in kader.oordelen:
        if o.bij_verschoning_van:
            rating = np.where(frame["verschoond"] & np.isin(rating, o.bij_verschoning_van),
                              o.code, rating)
    frame["oordeel"] = np.where(running, "", rating)
    frame["oordeel_label"] = frame["oordeel"].map(
        {o.code: o.label for o in kader.oordelen} | {"": RUNNING_LABEL})
    frame["kleur"] = frame["oordeel"].map(
        {o.code: o.kleur for o in kader.oordelen} | {"": RUNNING_COLOUR})

    frame[["trede", "trede_nummer", "trede_besluit"]] = vastgelegde_trede(
        frame, register, kader.treden, kader.kalender)
    on_date = frame.assign(peildatum_eind=pd.Timestamp(kennisdatum or dt.date.today()))
    frame[["trede_op_datum", "trede_op_datum_nummer", "trede_op_datum_besluit"]] = \
        vastgelegde_trede(on_date, register, kader.treden, kader.kalender).to_numpy()
    frame["trede_op_datum_nummer"] = frame["trede_op_datum_nummer"].astype("int64")
    _advise(frame, kader, running)
    frame["volgend_meetpunt"] = frame["periode"].map(
        {p: datum_tekst(kader.kalender.peildatum(volgende_periode(p)))
         for p in frame["periode"].unique()})
    frame["reden"] = _reasons(frame, kader.kalender)
    _under_indeplaatsstelling(frame, register, kader, running)
    return frame


def _under_indeplaatsstelling(frame: pd.DataFrame, register: pd.DataFrame, kader: Kader,
                              running: np.ndarray) -> None:
    """After a besluit tot indeplaatsstelling GS carry out the task: no rating rule and no
    ladder advice apply; the fixed rating, the decision's rung and a reason saying who houses
    from when and what GS took over (see :mod:`analysis.compute.indeplaatsstelling`)."""
    frame[ips.COLUMNS] = ips.onder_indeplaatsstelling(frame, register, kader)
    under = frame["indeplaatsstelling"].to_numpy(bool)
    if not under.any():
        return
    rung = ips.CODE if ips.CODE in kader.treden else kader.treden[-1]
    label = kader.indeplaatsstelling.label
    rows = frame.loc[under]
    said = np.where(running[under], "Het halfjaar loopt nog.", [
        conclusie(p, bool(g), str(o)) for p, g, o in zip(
            rows["periode"], rows["taakstelling_gehaald"], rows["ontwikkeling"], strict=True)])
    frame.loc[under, ["oordeel", "oordeel_label", "kleur", "advies", "advies_trede",
                      "advies_tekst", "trede", "trede_nummer", "trede_besluit"]] = [
        ips.CODE, label, ips.KLEUR, ips.CODE, rung, ips.ADVIES, rung,
        kader.treden.index(rung), None]
    frame.loc[under, "trede_besluit"] = rows["indeplaatsstelling_besluit"]
    frame.loc[under, "reden"] = (pd.Series(said, index=rows.index) + " Oordeel: " + label
                                 + ". " + rows["indeplaatsstelling_zin"]
                                 + " Trede op de interventieladder: '" + rung + "' ("
                                 + rows["indeplaatsstelling_besluit"] + "). Volgend meetpunt: "
                                 + rows["volgend_meetpunt"] + ".")


def _one_rating_each(frame: pd.DataFrame, counts: np.ndarray, running: np.ndarray,
                     kader: Kader) -> None:
    """Every complete half-year in the data gets exactly one rating: never an empty or double
    one, silently, whatever the probes at load time missed."""
    wrong = (counts != 1) & ~running
    if wrong.any():
        row = frame.loc[np.flatnonzero(wrong)[0]]
        what = "geen enkel oordeel" if counts[np.flatnonzero(wrong)[0]] == 0 else "meer dan één"
        raise KaderError(
            f"beoordelingskader {kader.path.name}: {what} geldt voor {row['gemeente_code']} in "
            f"{row['periode']} (stand_begin={row['stand_begin']}, taakstelling="
            f"{row['taakstelling']}, realisatie={row['realisatie']}, stand_eind="
            f"{row['stand_eind']}); de regels moeten samen elk geval precies één keer dekken")


def _advise(frame: pd.DataFrame, kader: Kader, running: np.ndarray) -> None:
    """The step the kader's rules suggest from the recorded rung (the lowest where none is
    recorded): ``advies`` (a code of ``ADVIES``), ``advies_trede`` and ``advies_tekst``. A
    verschoning stops escalation, or freezes the ladder both ways, as the kader says."""
    base = np.maximum(frame["trede_nummer"].to_numpy(), 0)
    up = kader.opschalen.evaluate(frame)
    down = kader.afschalen.evaluate(frame) & ~up
    excused = frame["verschoond"].to_numpy()
    held_up = up & excused & (kader.bij_verschoning in ("niet_opschalen", "bevriezen"))
    held_down = down & excused & (kader.bij_verschoning == "bevriezen")
    target = np.clip(base + (up & ~held_up) - (down & ~held_down), 0, len(kader.treden) - 1)
    code = np.select(
        [running, held_up & (kader.bij_verschoning == "bevriezen") | held_down, held_up,
         target > base, target < base],
        [RUNNING, "bevroren", "geremd", "opschalen", "afschalen"], default="gelijk")
    frame["advies"] = code
    frame["advies_trede"] = np.asarray(kader.treden, dtype=object)[target]
    texts = pd.Series(code, index=frame.index).map(ADVIES)
    frame["advies_tekst"] = [text.format(trede=rung) for text, rung in zip(
        texts, frame["advies_trede"], strict=True)]


def _reasons(frame: pd.DataFrame, kalender: Telkalender) -> pd.Series:
    """Why: the letter's conclusion, the rating, a verschoning with its reference, the rung GS
    recorded and the kader's advice (named as such)."""
    sentences = [conclusie(p, bool(g), str(o)) for p, g, o in zip(
        frame["periode"], frame["taakstelling_gehaald"], frame["ontwikkeling"], strict=True)]
    reason = pd.Series(sentences, index=frame.index, dtype="string")
    reason += " Oordeel: " + frame["oordeel_label"].astype("string") + "."
    excused = frame["verschoning_reden"].notna()
    reference = np.where(frame["kenmerk"].fillna("").astype(str) != "",
                         " (kenmerk " + frame["kenmerk"].fillna("").astype(str) + ")", "")
    what = np.where(frame["verschoond"], "Verschoond: ",
                    "Gedeeltelijk verschoond (" + frame["verschoond_personen"].astype(str)
                    + " van de " + (-frame["stand_eind"]).astype(str) + " personen): ")
    reason[excused] += (" " + what[excused.to_numpy()]
                        + frame.loc[excused, "verschoning_reden"].astype(str)
                        + reference[excused.to_numpy()] + ".")
    waived = (frame["kwijtgescholden"] > 0) & (frame["stand_eind"] < 0)
    reason[waived] += (" Kwijtgescholden: " + frame.loc[waived, "kwijtgescholden"].astype(str)
                       + " personen van de achterstand tellen niet meer mee.")
    rung = np.where(frame["trede"] != "",
                    " Trede op de interventieladder: '" + frame["trede"].astype(str) + "' ("
                    + frame["trede_besluit"].astype(str) + ").",
                    " Geen trede op de interventieladder vastgelegd.")
    advice = " Advies volgens het beoordelingskader: " + frame["advies_tekst"] + "."
    reason += rung + advice + " Volgend meetpunt: " + frame["volgend_meetpunt"] + "."
    running = frame["advies"] == RUNNING
    ends = frame["periode"].map({p: datum_tekst(kalender.peildatum(p))
                                 for p in frame["periode"].unique()})
    reason[running] = ("Het halfjaar loopt nog: het COA-overzicht van de peildatum "
                       + ends[running] + " ontbreekt. Nog geen oordeel en geen advies over de "
                       "interventieladder." + pd.Series(rung, index=frame.index)[running])
    if "uitruil_zin" in frame:  # the taakstelling follows an art. 29(2) agreement
        swap = frame["uitruil_zin"].fillna("").astype(str)
        reason[swap != ""] += " " + swap[swap != ""]
    return reason
