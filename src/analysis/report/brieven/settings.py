"""Who the letters go to and who sends them: ``<raw>/brieven/brieven.toml``.

``[afzender]`` holds the province, the place the letters are sent from, who handles them and,
optionally, ``sjabloon``: an own template (path relative to the file); ``[sjablonen]`` may name
one per kind of letter (``gesprek = "verzoek.docx"``). ``[kenmerken.<periode>]``
gives each letter of a period its own kenmerk: per municipality (``"De Wolden" =
"47/4.1/2024001652"``) and, for the others, a numbering ``schema`` with ``{nummer}`` counted from
``eerste`` in the order of the municipalities' names. ``[[ondertekenaar]]`` gives the names and
functions that sign; ``[alineas]`` free paragraphs per period (``"2024-H1" = ["..."]``). Each
``[[geadresseerde]]`` names a ``gemeente`` (name or code) and the address ``regels`` as the letter
prints them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import PeriodeError, parse_periode
from analysis.problems import InputError, Problem
from analysis.report.brieven.soorten import KINDS

CONFIG = Path("brieven") / "brieven.toml"
SENDER_KEYS = ("provincie", "plaats", "behandeld_door")


@dataclass(frozen=True)
class Adressering:
    """The settings of one province's letters."""

    bestand: Path
    provincie: str
    plaats: str
    behandeld_door: str
    sjabloon: Path | None
    kenmerken: dict[str, Kenmerken]
    adressen: dict[str, list[str]]
    ondertekenaars: tuple[tuple[str, str], ...] = ()
    alineas: dict[str, list[str]] = field(default_factory=dict)
    sjablonen: dict[str, Path] = field(default_factory=dict)  # per kind of letter


@dataclass(frozen=True)
class Kenmerken:
    """How the letters of one period get their kenmerk."""

    per_gemeente: dict[str, str]
    schema: str | None = None
    eerste: int = 1

    def voor(self, code: str, volgnummer: int) -> str | None:
        """The kenmerk of the letter to ``code``, the ``volgnummer``-th (from 0) by name."""
        if code in self.per_gemeente:
            return self.per_gemeente[code]
        return self.schema.format(nummer=self.eerste + volgnummer) if self.schema else None


def config_path(raw: Path) -> Path:
    """Where the letters' settings live beside the exports."""
    return raw / CONFIG


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def load_adressering(raw: Path) -> Adressering:
    """Read and check the settings; every problem is reported at once, in Dutch."""
    path = config_path(raw)
    name = str(CONFIG)
    if not path.is_file():
        raise InputError([Problem(name, f"bestand ontbreekt (verwacht in {path.parent}); zie "
                                        "de README voor de opbouw")])
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError([Problem(name, f"geen geldige TOML ({error})")]) from None
    problems: list[Problem] = []
    sender = content.get("afzender", {})
    for key in SENDER_KEYS:
        if not _text(sender.get(key)):
            problems.append(Problem(name, f"[afzender] {key}: tekst verwacht"))
    template = None
    if sender.get("sjabloon"):
        template = (path.parent / str(sender["sjabloon"])).resolve()
        if not template.is_file():
            problems.append(Problem(name, f"[afzender] sjabloon: {template} bestaat niet"))
    kenmerken = {}
    for label, rule in content.get("kenmerken", {}).items():
        try:
            kenmerken[parse_periode(label)] = _kenmerken(rule)
        except (PeriodeError, ValueError) as error:
            problems.append(Problem(name, f"[kenmerken] {label}: {error}"))
    alineas = {}
    for label, paragraphs in content.get("alineas", {}).items():
        try:
            periode = parse_periode(label)
        except PeriodeError as error:
            problems.append(Problem(name, f"[alineas] {error}"))
            continue
        if not isinstance(paragraphs, list) or not all(_text(p) for p in paragraphs):
            problems.append(Problem(name, f"[alineas] {label}: verwacht een lijst van alinea's "
                                          "als tekst"))
        else:
            alineas[periode] = [str(p) for p in paragraphs]
    signers = []
    for number, entry in enumerate(content.get("ondertekenaar", []), start=1):
        if not isinstance(entry, dict) or not _text(entry.get("naam")) or not _text(
                entry.get("functie")):
            problems.append(Problem(name, f"ondertekenaar {number}: geef naam en functie als "
                                          "tekst, bijvoorbeeld functie = \"secretaris\""))
        else:
            signers.append((str(entry["naam"]), str(entry["functie"])))
    templates = {}
    for kind, file in content.get("sjablonen", {}).items():
        if kind not in KINDS:
            problems.append(Problem(name, f"[sjablonen] {kind}: onbekende soort brief (bekend: "
                                          f"{', '.join(KINDS)})"))
        elif not _text(file) or not (path.parent / file).is_file():
            problems.append(Problem(name, f"[sjablonen] {kind}: {path.parent / str(file)} "
                                          "bestaat niet"))
        else:
            templates[kind] = (path.parent / file).resolve()
    if template is not None:
        templates.setdefault("resultaten", template)
    adressen = _addresses(content.get("geadresseerde", []), name, problems)
    if problems:
        raise InputError(problems)
    return Adressering(path, sender["provincie"], sender["plaats"], sender["behandeld_door"],
                       template, kenmerken, adressen, tuple(signers), alineas, templates)


def _kenmerken(rule: object) -> Kenmerken:
    """A period's kenmerken: a table of municipality = kenmerk, with ``schema`` and ``eerste``
    for the others."""
    if not isinstance(rule, dict):
        raise ValueError("verwacht per gemeente een kenmerk en eventueel een schema, "
                         "bijvoorbeeld \"De Wolden\" = \"47/4.1/2024001652\" of schema = "
                         "\"47/4.1/2024{nummer:06d}\"; één kenmerk voor alle brieven kan niet")
    schema, first = rule.get("schema"), rule.get("eerste", 1)
    if schema is not None:
        if not _text(schema) or "{nummer" not in schema:
            raise ValueError("schema moet {nummer} bevatten, bijvoorbeeld "
                             "\"47/4.1/2024{nummer:06d}\"")
        try:
            schema.format(nummer=1)
        except (ValueError, KeyError, IndexError) as error:
            raise ValueError(f"schema '{schema}' is niet bruikbaar ({error})") from None
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise ValueError(f"eerste is '{first}' (verwacht een geheel getal van 0 of meer)")
    named = {key: value for key, value in rule.items() if key not in ("schema", "eerste")}
    codes = gemeenten.resolve(pd.Series(list(named), dtype=object))
    per_gemeente = {}
    for (key, value), code in zip(named.items(), codes, strict=True):
        if pd.isna(code):
            raise ValueError(f"onbekende gemeente '{key}'")
        if not _text(value):
            raise ValueError(f"kenmerk van {key} moet tekst zijn")
        per_gemeente[code] = str(value)
    if len(set(per_gemeente.values())) < len(per_gemeente):
        raise ValueError("twee brieven met hetzelfde kenmerk")
    return Kenmerken(per_gemeente, schema, first)


def _addresses(entries: list[dict], name: str, problems: list[Problem]) -> dict[str, list[str]]:
    """Address lines per municipality code."""
    found: dict[str, list[str]] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"geadresseerde {number}"
        code = gemeenten.resolve(pd.Series([str(entry.get("gemeente", ""))], dtype=object))[0]
        lines = entry.get("regels")
        if pd.isna(code):
            problems.append(Problem(name, f"{where}: onbekende gemeente "
                                          f"'{entry.get('gemeente', '')}'"))
        elif code in found:
            problems.append(Problem(name, f"{where}: gemeente '{entry['gemeente']}' staat er "
                                          "al eerder in"))
        elif not isinstance(lines, list) or not lines or not all(_text(x) for x in lines):
            problems.append(Problem(name, f"{where}: regels moet een lijst van tekstregels "
                                          "zijn, bijvoorbeeld [\"Postbus 20\", \"7920 AA "
                                          "ZUIDWOLDE\"]"))
        else:
            found[code] = [str(line) for line in lines]
    return found
