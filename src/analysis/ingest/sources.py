"""The sources ingest knows, each described once: what its rows are keyed by, which day a row is
about, how its rows become a processed table, and the name a user reads in messages.

A source read from spreadsheets has one or more layout specs in ``specs/`` (their ``bron`` is the
source's ``naam``); the municipality boundaries are read by :mod:`analysis.ingest.grenzen` from
``kaart/``. A new source is one :class:`Source` in :data:`SOURCES` plus its spec files (and its
processed table in :data:`analysis.storage.TABLES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import storage
from analysis.domain.periods import periode_of_dates, periode_start
from analysis.ingest.repeats import housed_twice, is_correction
from analysis.ingest.vintages import mark_vintages
from analysis.problems import Problem

Frame = pd.DataFrame


@dataclass(frozen=True)
class Source:
    """One source: its rows as read (by its specs) and the processed table they end up in."""

    naam: str  # the source's name in specs ('bron') and in the inventory of files
    label: str  # the Dutch name a user reads in messages
    table: str  # the processed table (storage.TABLES) its rows end up in
    key: tuple[str, ...]  # what no two rows as read may share (else a repeat)
    # The day a row is about, for codes of ended municipalities: a column, shifted back by
    # ``periode_offset_days``, or a function of the rows; None when rows carry no day.
    row_date: str | Callable[[Frame], pd.Series] | None = None
    periode_offset_days: int = 0
    periode_from_date: bool = False  # whether 'periode' is the half-year of the row's day
    aggregate: Callable[[Frame], Frame] | None = None  # rows as read to the table's rows
    check: Callable[[Frame], list[Problem]] | None = None  # problems beyond repeated keys
    # Marks the rows before they are finalised (the vintages of a re-issued overview).
    mark: Callable[[Frame], tuple[Frame, list[Problem]]] | None = None
    specs: bool = True  # read from spreadsheets by layout specs (else by its own reader)

    def row_dates(self, frame: Frame) -> pd.Series:
        """The day each row is about."""
        if callable(self.row_date):
            return self.row_date(frame)
        if self.row_date is None:
            raise ValueError(f"source {self.naam!r} has no row date")
        dates = frame[self.row_date]
        if self.periode_offset_days:
            dates = dates - pd.Timedelta(days=self.periode_offset_days)
        return dates

    def finalise(self, frame: Frame) -> Frame:
        """The rows as read, aggregated or given their period, before columns are chosen."""
        if self.aggregate is not None:
            return self.aggregate(frame)
        if self.periode_from_date:
            return frame.assign(periode=periode_of_dates(self.row_dates(frame)))
        return frame


def _periode_starts(frame: Frame) -> pd.Series:
    """The first day of each row's period (a period that cannot be read is reported
    elsewhere and gives no day)."""
    labels = frame["periode"].astype("string")
    readable = labels[labels.str.fullmatch(r"\d{4}-H[12]").fillna(False)]
    starts = {label: pd.Timestamp(periode_start(label)) for label in readable.unique()}
    return pd.to_datetime(labels.map(starts))


def _aggregate_persons(persons: Frame) -> Frame:
    """Person-level rows to counts per municipality and day (the day, because a province may
    count until e.g. 25 January); ids and personal fields do not survive."""
    frame = persons.assign(
        datum=persons["datum"].dt.normalize(),
        nareiziger_telling=persons["telling"].where(persons["nareiziger"].fillna(False), 0),
        is_correctie=is_correction(persons["mutatie"]),
    )
    grouped = frame.groupby(["gemeente_code", "datum"], as_index=False)
    counts = grouped.agg(
        realisatie=("telling", "sum"),
        nareizigers=("nareiziger_telling", "sum"),
        correcties=("is_correctie", "sum"),
        bron_blad=("bron_blad", "first"),
        bron_rijen=("bron_rij", "size"),
    )
    group = grouped.ngroup().to_numpy()
    return counts.assign(bron_bestand=_distinct_joined(group, frame["bron_bestand"]),
                         bestand_hash=_distinct_joined(group, frame["bestand_hash"]))[
        ["gemeente_code", "datum", "realisatie", "nareizigers", "correcties", "bron_bestand",
         "bron_blad", "bron_rijen", "bestand_hash"]]


def _distinct_joined(group: np.ndarray, values: pd.Series) -> pd.Series:
    """Per group (numbered from 0; -1 is no group), its distinct values sorted and joined by
    ';'."""
    codes, distinct = pd.factorize(values)
    order = np.argsort(distinct.to_numpy(dtype=object))  # sorted as Python sorts text
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    grouped = (group >= 0) & (codes >= 0)
    pairs = np.unique(group[grouped] * len(order) + rank[codes[grouped]])
    groups = pairs // max(len(order), 1)
    texts = distinct.to_numpy(dtype=object)[order][pairs % max(len(order), 1)]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    if len(starts) < len(texts):  # a group with more than one: ';' before each later value
        later = np.ones(len(texts), dtype=bool)
        later[starts] = False
        texts[later] = ";" + texts[later]
        texts = np.add.reduceat(texts, starts)
    return pd.Series(texts, dtype="str")


def _key(table: str) -> tuple[str, ...]:
    return tuple(storage.TABLES[table]["key"])


PERSON_KEY = ("persoon_id", "mutatie", "gemeente_code", "datum")

SOURCES: dict[str, Source] = {source.naam: source for source in (
    Source("taakstelling", "taakstelling (Bijlage A bij de circulaire)", "taakstelling",
           _key("taakstelling"), row_date=_periode_starts),
    # An overview dated on the first of a month counts until the day before, and reports the
    # period containing that day.
    Source("coa_overzicht", "maandoverzicht van het COA", "coa_overzicht",
           _key("coa_overzicht"), row_date="peildatum", periode_offset_days=1,
           periode_from_date=True, mark=mark_vintages),
    Source("tvs_personen", "TVS-export (persoonsniveau)", "realisatie_dag", PERSON_KEY,
           row_date="datum", aggregate=_aggregate_persons,
           check=lambda persons: housed_twice(persons, list(PERSON_KEY))),
    Source("gemeente_rapportage", "rapportage van de gemeente", "gemeente_rapportage",
           _key("gemeente_rapportage"), row_date="maand", periode_from_date=True),
    Source("grenzen", "gemeentegrenzen (kaart)", "grenzen", _key("grenzen"), specs=False),
)}
