"""The date of knowledge: the inputs as they stood on one day, so that every product of a
computation states only what was known on its date.

A computation has one date, the date of its letters (``--datum``, default today). Of the
ingested tables it keeps what existed on that day:

- a taakstelling version published on or before it;
- a COA overview that existed on it: the first vintage of a peildatum from that peildatum on, a
  re-issue from its own date ("Aangemaakt op") or, without one, from the day an ingest first
  read the file (``eerst_gezien`` in the inventory); of a peildatum the latest such vintage
  counts;
- the person-level days before it, and a municipality's months that ended before it;
- a decision of GS (a verschoning, a rung, a bezwaar's outcome, ...) dated on or before it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

KEY = ["gemeente_code", "peildatum"]


def coa_bekend(coa_overzicht: pd.DataFrame, bestanden: pd.DataFrame,
               datum: dt.date) -> pd.DataFrame:
    """COA's overviews that existed on ``datum``, ``geldend`` marking the latest vintage of
    each peildatum among them."""
    day = pd.Timestamp(datum)
    frame = coa_overzicht
    if "vintage" not in frame:  # a table ingested before vintages were numbered
        return frame[frame["peildatum"] <= day]
    first = frame["vintage"].fillna(0).to_numpy() == 0
    seen = (bestanden.drop_duplicates("bron_bestand").set_index("bron_bestand")[
        "eerst_gezien"].to_dict() if "eerst_gezien" in bestanden else {})
    issued = frame["aangemaakt"].astype("datetime64[ns]").fillna(
        pd.to_datetime(frame["bron_bestand"].map(seen))).fillna(frame["peildatum"])
    since = frame["peildatum"].where(first, issued.where(issued > frame["peildatum"],
                                                         frame["peildatum"]))
    known = frame[(since <= day).to_numpy()].copy()
    latest = known.groupby(KEY, sort=False)["vintage"].transform("max")
    known["geldend"] = (known["vintage"] == latest).astype("boolean")
    return known


def bekend_op(tables: dict[str, pd.DataFrame], datum: dt.date) -> dict[str, pd.DataFrame]:
    """The input tables as known on ``datum`` (the decisions register is filtered once it is
    read, by :func:`besluiten_bekend`)."""
    day = pd.Timestamp(datum)
    known = dict(tables)
    taakstelling = tables["taakstelling"]
    if "versiedatum" in taakstelling:
        known["taakstelling"] = taakstelling[(taakstelling["versiedatum"] <= day).to_numpy()]
    known["coa_overzicht"] = coa_bekend(tables["coa_overzicht"], tables["bestanden"], datum)
    days = tables["realisatie_dag"]
    known["realisatie_dag"] = days[(days["datum"] < day).to_numpy()]
    months = tables["gemeente_rapportage"]
    ended = pd.to_datetime(months["maand"]) + pd.offsets.MonthBegin(1)
    known["gemeente_rapportage"] = months[(ended <= day).to_numpy()]
    return known


def besluiten_bekend(register: pd.DataFrame, datum: dt.date) -> pd.DataFrame:
    """The decisions GS had taken by ``datum``."""
    return register[(register["datum"] <= pd.Timestamp(datum)).to_numpy()].reset_index(
        drop=True)
