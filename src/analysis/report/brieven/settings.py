"""Who the letters go to and who sends them: ``<raw>/brieven/brieven.toml``.

``[afzender]`` holds the province, the place the letters are sent from, who handles them and,
optionally, ``sjabloon``: an own template (path relative to the file). ``[kenmerken]`` gives the
kenmerk per period (``"2024-H1" = "47/4.1/2024001652"``). Each ``[[geadresseerde]]`` names a
``gemeente`` (name or code) and the address ``regels`` as the letter prints them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import PeriodeError, parse_periode
from analysis.problems import InputError, Problem

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
    kenmerken: dict[str, str]
    adressen: dict[str, list[str]]


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
    for label, kenmerk in content.get("kenmerken", {}).items():
        try:
            kenmerken[parse_periode(label)] = str(kenmerk)
        except PeriodeError as error:
            problems.append(Problem(name, f"[kenmerken] {error}"))
    adressen = _addresses(content.get("geadresseerde", []), name, problems)
    if problems:
        raise InputError(problems)
    return Adressering(path, sender["provincie"], sender["plaats"], sender["behandeld_door"],
                       template, kenmerken, adressen)


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
