"""Supervision decisions as data: verschoningen with their reason and reference.

A file of ``[[besluit]]`` entries (TOML): ``soort = "verschoning"``, ``gemeenten`` ("alle" or a
list of names or codes), ``periode`` or ``peildatum`` (the period that ends there), ``reden``,
``kenmerk`` and ``datum``. A verschoning excuses a backlog: it changes the assessment and the
ladder of a municipality that ends the period behind, and never changes the stand.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import PeriodeError, parse_periode, periode_of_date
from analysis.problems import InputError, Problem

DECISIONS = "besluiten"
KINDS = ("verschoning",)
COLUMNS = ["gemeente_code", "periode", "reden", "kenmerk", "besluitdatum"]


def besluiten_bestand(raw: Path) -> Path | None:
    """The decisions file next to the exports: ``<raw>/besluiten/*.toml`` (the first by name)."""
    files = sorted((raw / DECISIONS).glob("*.toml"))
    return files[0] if files else None


def _period(entry: dict, where: str) -> str:
    if "peildatum" in entry:
        peildatum = entry["peildatum"]
        if not isinstance(peildatum, dt.date):
            raise ValueError(f"{where}: peildatum '{peildatum}' is geen datum (verwacht "
                             "bijvoorbeeld 2024-07-01)")
        return periode_of_date(peildatum - dt.timedelta(days=1))
    if "periode" in entry:
        try:
            return parse_periode(str(entry["periode"]))
        except PeriodeError as error:
            raise ValueError(f"{where}: {error}") from None
    raise ValueError(f"{where}: geef 'periode' of 'peildatum'")


def load_besluiten(path: Path | None, alle_gemeenten: list[str]) -> pd.DataFrame:
    """One row per municipality and period that a decision excuses; empty without a file."""
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
            periode = _period(entry, where)
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
