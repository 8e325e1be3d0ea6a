"""Supervision decisions as data: verschoningen with their reason and reference.

A file of ``[[besluit]]`` entries (TOML): ``soort = "verschoning"``, ``gemeenten`` ("alle" or a
list of names or codes), ``periode`` or ``peildatum`` (the period that ends there), ``reden``,
``kenmerk`` and ``datum``. A verschoning excuses a backlog: it changes the assessment and the
ladder of a municipality that ends the period behind, and never changes the stand.

``soort = "verdeling"`` sets how a split municipality's stand is divided when GS decide other
than by inhabitants: ``gemeente`` (the one split) and ``verdeling`` (successor = whole-number
share, e.g. ``{ Boxtel = 25, Vught = 75 }``), with ``reden``, ``kenmerk`` and ``datum``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import (
    PeriodeError,
    afsluitdatum_tekst,
    parse_periode,
    periode_of_date,
)
from analysis.problems import InputError, Problem

DECISIONS = "besluiten"
KINDS = ("verschoning", "verdeling")
SHARES = ["oud_code", "nieuw_code", "gewicht"]
COLUMNS = ["gemeente_code", "periode", "reden", "kenmerk", "besluitdatum"]


def besluiten_bestand(raw: Path) -> Path | None:
    """The decisions file next to the exports: ``<raw>/besluiten/*.toml`` (the first by name)."""
    files = sorted((raw / DECISIONS).glob("*.toml"))
    return files[0] if files else None


def _period(entry: dict, where: str, uitloop_dagen: int) -> str:
    """The half-year a decision is about: named, or the one its peildatum closes. A peildatum
    must be a closing date of the count (1 January or 1 July, or the kader's cut-off)."""
    if "peildatum" in entry:
        peildatum = entry["peildatum"]
        if not isinstance(peildatum, dt.date) or isinstance(peildatum, dt.datetime):
            raise ValueError(f"{where}: peildatum '{peildatum}' is geen datum (verwacht "
                             "bijvoorbeeld 2024-07-01)")
        closing = peildatum - dt.timedelta(days=uitloop_dagen)
        if (closing.month, closing.day) not in ((1, 1), (7, 1)):
            raise ValueError(f"{where}: peildatum {peildatum:%d-%m-%Y} sluit geen halfjaar af "
                             f"(verwacht {afsluitdatum_tekst(uitloop_dagen)}, de afsluitdatum "
                             "van de telling in het beoordelingskader)")
        return periode_of_date(closing - dt.timedelta(days=1))
    if "periode" in entry:
        try:
            return parse_periode(str(entry["periode"]))
        except PeriodeError as error:
            raise ValueError(f"{where}: {error}") from None
    raise ValueError(f"{where}: geef 'periode' of 'peildatum'")


def load_besluiten(path: Path | None, alle_gemeenten: list[str], uitloop_dagen: int = 0
                   ) -> pd.DataFrame:
    """One row per municipality and period that a decision excuses; empty without a file.
    ``uitloop_dagen`` is the kader's cut-off, which sets the valid peildata."""
    if path is None or not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("besluit", [])
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(path.name, f"geen geldige TOML ({error})")]) from None
    rows, problems = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"besluit {number}"
        try:
            if entry.get("soort") not in KINDS:
                raise ValueError(f"{where}: soort '{entry.get('soort')}' onbekend (bekend: "
                                 f"{', '.join(KINDS)})")
            if not str(entry.get("reden", "")).strip():
                raise ValueError(f"{where}: een besluit heeft een reden nodig")
            if entry["soort"] == "verdeling":
                _shares(entry, where)
                continue
            periode = _period(entry, where, uitloop_dagen)
            codes = _municipalities(entry.get("gemeenten"), alle_gemeenten, where)
        except ValueError as error:
            problems.append(Problem(path.name, str(error)))
            continue
        for code in codes:
            rows.append({"gemeente_code": code, "periode": periode, "reden": entry["reden"],
                         "kenmerk": entry.get("kenmerk", ""), "besluitdatum": entry.get("datum")})
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=COLUMNS).drop_duplicates(["gemeente_code", "periode"],
                                                               keep="last")


def load_verdelingen(path: Path | None) -> pd.DataFrame:
    """The shares GS set for dividing a split municipality's stand: predecessor, successor and
    whole-number weight (checked with the other decisions by :func:`load_besluiten`)."""
    if path is None or not path.is_file():
        return pd.DataFrame(columns=SHARES)
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("besluit", [])
    rows = [row for number, entry in enumerate(entries, start=1)
            if entry.get("soort") == "verdeling" for row in _shares(entry, f"besluit {number}")]
    return pd.DataFrame(rows, columns=SHARES)


def _shares(entry: dict, where: str) -> list[dict]:
    split = gemeenten.resolve(pd.Series([entry.get("gemeente")], dtype=object)).iloc[0]
    if pd.isna(split):
        raise ValueError(f"{where}: gemeente '{entry.get('gemeente')}' is onbekend (verwacht de "
                         "naam of code van de gesplitste gemeente)")
    shares = entry.get("verdeling")
    if not isinstance(shares, dict) or len(shares) < 2:
        raise ValueError(f"{where}: verdeling moet minstens twee opvolgers met hun aandeel geven, "
                         "bijvoorbeeld { Boxtel = 25, Vught = 75 }")
    codes = gemeenten.resolve(pd.Series(list(shares), dtype=object))
    rows = []
    for (name, weight), code in zip(shares.items(), codes, strict=True):
        if pd.isna(code):
            raise ValueError(f"{where}: onbekende gemeente '{name}' in de verdeling")
        if isinstance(weight, bool) or not isinstance(weight, int) or weight <= 0:
            raise ValueError(f"{where}: aandeel van {name} is '{weight}' (verwacht een geheel "
                             "getal groter dan 0)")
        rows.append({"oud_code": split, "nieuw_code": code, "gewicht": weight})
    return rows


def _municipalities(value: object, alle: list[str], where: str) -> list[str]:
    if value == "alle":
        return list(alle)
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: gemeenten moet \"alle\" zijn of een lijst van namen of codes")
    codes = gemeenten.resolve(pd.Series(value, dtype=object))
    unknown = [str(v) for v, c in zip(value, codes, strict=True) if pd.isna(c)]
    if unknown:
        raise ValueError(f"{where}: onbekende gemeente(n) {', '.join(unknown)}")
    return codes.tolist()
