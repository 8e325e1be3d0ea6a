"""The letters' settings, ``<raw>/brieven/brieven.toml``, and the templates and the logo it
names: read and checked on ingest, stored with their hashes in the processed folder, and made
into the :class:`Adressering` the letters are written from.

``[afzender]`` holds the province, the place the letters are sent from, who handles them and,
optionally, the letterhead (``naam``, ``adres``, ``website``, ``telefoon``, ``logo``: see
:mod:`analysis.domain.briefhoofd`) and ``sjabloon``: an own template (path relative to the
file); ``[sjablonen]`` may name one per kind of letter (``gesprek = "verzoek.docx"``).
``[kenmerken.<periode>]`` gives each letter of a period its own kenmerk: per municipality
(``"De Wolden" = "47/4.1/2024001652"``) and, for the others, a numbering ``schema`` with
``{nummer}`` counted from ``eerste`` in the order of the municipalities' names
(:mod:`analysis.domain.kenmerken`); ``[uw_kenmerken.<periode>]`` gives, per municipality, its
own kenmerk of what the letter answers (``"De Wolden" = "Z.2024-0123"``).
``[[ondertekenaar]]`` gives the names and functions that sign; ``[alineas]`` free paragraphs
per period (``"2024-H1" = ["..."]``) and ``[bijlagen]`` the enclosures of a period's letters,
alike. Each ``[[geadresseerde]]`` names a ``gemeente`` (name or code) and the address
``regels`` as the letter prints them. ``[verzonden]`` records the day a period's letters went
out (``"2024-H1" = 2024-11-19``): from then on a changed figure gives a *herziene brief*
(numbered by ``[herziene_kenmerken.<periode>]``, as ``[kenmerken]``) instead of a new letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.domain import gemeenten
from analysis.domain.briefhoofd import HEAD_KEYS, Briefhoofd, briefhoofd, read_logo_file
from analysis.domain.briefsoorten import KINDS
from analysis.domain.kenmerken import MAX_TEXT, Kenmerken, is_text, kenmerken, uw_kenmerken
from analysis.domain.periods import PeriodeError, parse_periode
from analysis.problems import InputError, Problem
from analysis.tomlfile import TomlFileError, parse_toml, read_toml

CONFIG = Path("brieven") / "brieven.toml"
SENDER_KEYS = ("provincie", "plaats", "behandeld_door")
MAX_TEMPLATE_BYTES = 20_000_000  # a letter with a logo is well under a megabyte
INSTELLINGEN, SJABLOON, LOGO = "instellingen", "sjabloon", "logo"  # the stored files' roles
COLUMNS = ["rol", "bron_bestand", "bestand_hash", "inhoud"]  # the table ingest writes


@dataclass(frozen=True)
class Adressering:
    """The settings of one province's letters; ``sjablonen`` names each kind's own template by
    its path relative to the raw folder (as :class:`Briefinstellingen` stores it)."""

    provincie: str
    plaats: str
    behandeld_door: str
    kenmerken: dict[str, Kenmerken]
    adressen: dict[str, list[str]]
    ondertekenaars: tuple[tuple[str, str], ...] = ()
    alineas: dict[str, list[str]] = field(default_factory=dict)
    sjablonen: dict[str, str] = field(default_factory=dict)  # per kind of letter
    verzonden: dict[str, dt.date] = field(default_factory=dict)  # per period: sent on
    herziene_kenmerken: dict[str, Kenmerken] = field(default_factory=dict)  # per period
    briefhoofd: Briefhoofd = field(default_factory=Briefhoofd)
    uw_kenmerken: dict[str, dict[str, str]] = field(default_factory=dict)  # period -> code ->
    bijlagen: dict[str, list[str]] = field(default_factory=dict)  # per period

    def genoemde_gemeenten(self) -> list[tuple[str, str]]:
        """Every municipality the settings name, with the entry that names it
        ('[kenmerken."2024-H1"]', 'GM1690')."""
        named = [("[[geadresseerde]]", code) for code in self.adressen]
        for section, periods in (("kenmerken", self.kenmerken),
                                 ("herziene_kenmerken", self.herziene_kenmerken)):
            named += [(f'[{section}."{periode}"]', code)
                      for periode, found in periods.items() for code in found.per_gemeente]
        named += [(f'[uw_kenmerken."{periode}"]', code)
                  for periode, found in self.uw_kenmerken.items() for code in found]
        return named


@dataclass(frozen=True)
class Briefinstellingen:
    """The settings file as read on ingest, and the templates and the logo it names, each by
    its path relative to the raw folder: their bytes, whose SHA-256 the processed folder
    records. Their form is checked when they are read; what a template contains, by the
    letters."""

    inhoud: bytes
    sjablonen: dict[str, bytes] = field(default_factory=dict)
    logo: dict[str, bytes] = field(default_factory=dict)  # none or one

    @classmethod
    def read(cls, raw: Path) -> Briefinstellingen:
        """``<raw>/brieven/brieven.toml`` and its templates, checked; a Dutch problem naming the
        file and the entry otherwise."""
        try:
            content, inhoud = read_toml(raw / CONFIG)
        except TomlFileError as error:
            raise InputError([Problem(str(CONFIG), str(error))]) from None
        settings = _adressering(content, lambda name: None if (raw / name).is_file()
                                else f"{raw / name} bestaat niet")
        logo = settings.briefhoofd.logo
        return cls(inhoud, {name: read_template_file(raw / name)
                            for name in dict.fromkeys(settings.sjablonen.values())},
                   {logo: read_logo_file(raw / logo, str(CONFIG))} if logo else {})

    def adressering(self) -> Adressering:
        """The settings, from the stored bytes (the logo's too)."""
        found = _adressering(parse_toml(self.inhoud), lambda name: None if (
            name in self.sjablonen or name in self.logo) else
            f"{name} ontbreekt in de verwerkte gegevens")
        head = found.briefhoofd
        if head.logo is None:
            return found
        return replace(found, briefhoofd=replace(head, logo_inhoud=self.logo[head.logo]))

    def table(self) -> pd.DataFrame:
        """The table ingest writes to the processed folder: a row per file."""
        files = [(INSTELLINGEN, CONFIG.as_posix(), self.inhoud)] + [
            (SJABLOON, name, content) for name, content in self.sjablonen.items()] + [
            (LOGO, name, content) for name, content in self.logo.items()]
        return pd.DataFrame({"rol": [role for role, _, _ in files],
                             "bron_bestand": [name for _, name, _ in files],
                             "bestand_hash": [sha256(content) for _, _, content in files],
                             "inhoud": [content for _, _, content in files]})

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Briefinstellingen | None:
        """The settings ingest stored, None when there was no settings file."""
        if table.empty:
            return None
        settings = table[table["rol"] == INSTELLINGEN].iloc[0]

        def files(role: str) -> dict[str, bytes]:
            found = table[table["rol"] == role]
            return {str(name): bytes(content) for name, content
                    in zip(found["bron_bestand"], found["inhoud"], strict=True)}

        return cls(bytes(settings["inhoud"]), files(SJABLOON), files(LOGO))


def empty_table() -> pd.DataFrame:
    """The table ingest writes when there is no settings file."""
    return pd.DataFrame({"rol": pd.Series(dtype="string"),
                         "bron_bestand": pd.Series(dtype="string"),
                         "bestand_hash": pd.Series(dtype="string"),
                         "inhoud": pd.Series(dtype=object)})


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_template_file(path: Path) -> bytes:
    """A template's bytes; a Dutch problem naming it when it is too large or unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise InputError([Problem(path.name, f"sjabloon is {size // 1_000_000} MB; een "
                                                 f"briefsjabloon is hoogstens "
                                                 f"{MAX_TEMPLATE_BYTES // 1_000_000} MB")])
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"sjabloon bestaat niet: {path}")]) from None
    except OSError as error:
        raise InputError([Problem(path.name, f"kan niet worden gelezen ({error.strerror or error})"
                                  )]) from None


MAX_LINES = 12  # address lines
TABLES = ("afzender", "kenmerken", "herziene_kenmerken", "uw_kenmerken", "alineas", "bijlagen",
          "sjablonen", "verzonden")
ARRAYS = ("ondertekenaar", "geadresseerde")


def _sections(content: dict, errors: list[schema.SchemaError]) -> dict[str, object]:
    """The file's tables and arrays of tables, each of the shape expected (else empty, with an
    error); an unknown key is an error too (a typing error would otherwise go unnoticed)."""
    schema.collect(errors, lambda: schema.known_keys(content, (*TABLES, *ARRAYS), ""), None)
    found: dict[str, object] = {}
    for key in TABLES:
        found[key] = schema.collect(errors, lambda key=key: schema.optional(
            content, key, dict, "", {}, f"een tabel [{key}]"), {})
    for key in ARRAYS:
        found[key] = schema.collect(errors, lambda key=key: schema.optional(
            content, key, list, "", [], f"blokken [[{key}]]"), [])
    return found


def _adressering(content: dict, missing: Callable[[str], str | None]) -> Adressering:
    """Check the settings; every problem is reported at once, in Dutch. ``missing`` says why a
    template named (by its path relative to the raw folder) cannot be read, None if it can."""
    name = str(CONFIG)
    if not content:
        raise InputError([Problem(name, "bestand is leeg of bevat alleen commentaar; verwacht "
                                        "[afzender], [kenmerken], [[ondertekenaar]] en "
                                        "[[geadresseerde]] (zie docs/letters.md voor de opbouw)")])
    errors: list[schema.SchemaError] = []
    sections = _sections(content, errors)
    sender = sections["afzender"]
    schema.collect(errors, lambda: schema.known_keys(
        sender, (*SENDER_KEYS, *HEAD_KEYS, "sjabloon"), "[afzender]"), None)
    for key in SENDER_KEYS:
        schema.collect(errors, lambda key=key: schema.text(sender, key, "[afzender]", MAX_TEXT),
                       None)
    problems = [Problem(name, str(error)) for error in errors]
    head = briefhoofd(sender, str(sender.get("provincie", "")), name, problems, missing)
    template = None
    if "sjabloon" in sender:
        template = _template(sender["sjabloon"], "[afzender] sjabloon", problems, missing)
    found_kenmerken: dict[str, dict] = {}
    for section, read in (("kenmerken", kenmerken), ("herziene_kenmerken", kenmerken),
                          ("uw_kenmerken", uw_kenmerken)):
        found_kenmerken[section] = {}
        for label, rule, periode in _per_periode(sections[section], section, name, problems):
            try:
                found_kenmerken[section][periode] = read(rule)
            except ValueError as error:
                problems.append(Problem(name, f"[{section}] {label}: {error}"))
    verzonden: dict[str, dt.date] = {}
    for label, day, periode in _per_periode(sections["verzonden"], "verzonden", name, problems):
        if isinstance(day, dt.date) and not isinstance(day, dt.datetime):
            verzonden[periode] = day
        else:
            problems.append(Problem(name, f"[verzonden] {label}: verwacht de dag waarop de "
                                          "brieven zijn verzonden als datum zonder "
                                          f"aanhalingstekens, bijvoorbeeld \"{label}\" = "
                                          f"2024-11-19, niet {schema.quote(day)}"))
    alineas = _texts_per_periode(sections["alineas"], "alineas", "alinea's", problems)
    bijlagen = _texts_per_periode(sections["bijlagen"], "bijlagen", "bijlagen", problems)
    signers: list[tuple[str, str]] = []
    for number, entry in enumerate(sections["ondertekenaar"], start=1):
        if not isinstance(entry, dict) or set(entry) != {"naam", "functie"} or not is_text(
                entry["naam"]) or not is_text(entry["functie"]):
            problems.append(Problem(name, f"ondertekenaar {number}: geef naam en functie als "
                                          "tekst, bijvoorbeeld functie = \"secretaris\", en "
                                          "verder niets"))
        elif (signer := (str(entry["naam"]), str(entry["functie"])))[0] in dict(signers):
            earlier = [n for n, _ in signers].index(signer[0])
            other = signers[earlier][1]
            problems.append(Problem(name, f"ondertekenaar {number} herhaalt ondertekenaar "
                                          f"{earlier + 1} ({signer[0]})" + (
                                              "; verwijder een van beide" if other == signer[1]
                                              else f", met functie '{signer[1]}' in plaats van "
                                                   f"'{other}'; welke geldt?")))
        else:
            signers.append(signer)
    templates = {}
    for kind, file in sections["sjablonen"].items():
        if kind not in KINDS:
            problems.append(Problem(name, f"[sjablonen] {kind}: onbekende soort brief (bekend: "
                                          f"{', '.join(KINDS)})"))
            continue
        found = _template(file, f"[sjablonen] {kind}", problems, missing)
        if found is not None:
            templates[kind] = found
    if template is not None:
        templates.setdefault("resultaten", template)
    adressen = _addresses(sections["geadresseerde"], name, problems)
    if problems:
        raise InputError(problems)
    return Adressering(sender["provincie"], sender["plaats"], sender["behandeld_door"],
                       found_kenmerken["kenmerken"], adressen, tuple(signers), alineas,
                       templates, verzonden, found_kenmerken["herziene_kenmerken"], head,
                       found_kenmerken["uw_kenmerken"], bijlagen)


def _texts_per_periode(table: dict, section: str, noun: str,
                       problems: list[Problem]) -> dict[str, list[str]]:
    """A list of texts per period (free paragraphs, enclosures); an entry of another shape is
    a problem naming the section and the period."""
    found = {}
    for label, items, periode in _per_periode(table, section, str(CONFIG), problems):
        if not isinstance(items, list) or not all(is_text(item) for item in items):
            problems.append(Problem(str(CONFIG), f"[{section}] {label}: verwacht een lijst van "
                                                 f"{noun} als tekst (elk hoogstens {MAX_TEXT} "
                                                 "tekens)"))
        else:
            found[periode] = [str(item) for item in items]
    return found


def _per_periode(table: dict, section: str, name: str,
                 problems: list[Problem]) -> list[tuple[str, object, str]]:
    """(label as written, value, canonical period) of every entry of a table keyed by period;
    an unreadable label, and a second label for a period already given ('2024-H1' and '2024
    1e halfjaar'), are problems: one of the two would otherwise silently win."""
    found: dict[str, str] = {}
    entries = []
    for label, value in table.items():
        try:
            periode = parse_periode(label)
        except PeriodeError as error:
            problems.append(Problem(name, f"[{section}] {label}: {error}"))
            continue
        if periode in found:
            problems.append(Problem(name, f"[{section}] '{label}' en '{found[periode]}' noemen "
                                          f"allebei {periode}; voeg ze samen onder één naam"))
            continue
        found[periode] = label
        entries.append((label, value, periode))
    return entries


def _template(file: object, where: str, problems: list[Problem],
              missing: Callable[[str], str | None]) -> str | None:
    """A template named in the settings: a .docx file, relative to the settings file; its path
    relative to the raw folder."""
    if not isinstance(file, str) or not file.strip() or len(file) > 500 or "\0" in file:
        problems.append(Problem(str(CONFIG), f"{where}: verwacht de naam van een .docx-bestand "
                                             "naast brieven.toml, bijvoorbeeld "
                                             "\"toezichtsbrief.docx\""))
        return None
    found = CONFIG.parent / file
    why = missing(found.as_posix()) if found.suffix.lower() == ".docx" else None
    if found.suffix.lower() != ".docx":
        problems.append(Problem(str(CONFIG), f"{where}: {file} is geen .docx-bestand (een "
                                             "sjabloon is een Word-document)"))
    elif why is not None:
        problems.append(Problem(str(CONFIG), f"{where}: {why}"))
    else:
        return found.as_posix()
    return None


def _addresses(entries: list[dict], name: str, problems: list[Problem]) -> dict[str, list[str]]:
    """Address lines per municipality code."""
    found: dict[str, list[str]] = {}
    first: dict[str, int] = {}  # code -> the number of the entry that gave its address
    towns = [entry.get("gemeente") if isinstance(entry, dict) else "" for entry in entries]
    codes = gemeenten.resolve(pd.Series([town if is_text(town) else "" for town in towns],
                                        dtype=object))  # all at once: a call costs milliseconds
    for number, entry in enumerate(entries, start=1):
        where = f"geadresseerde {number}"
        if not isinstance(entry, dict) or not set(entry) <= {"gemeente", "regels"}:
            problems.append(Problem(name, f"{where}: verwacht een blok met alleen gemeente en "
                                          "regels"))
            continue
        code = codes[number - 1]
        lines = entry.get("regels")
        if pd.isna(code):
            problems.append(Problem(name, f"{where}: "
                                          f"{gemeenten.onbekend(entry.get('gemeente', ''))}"))
        elif code in found:
            shown = " / ".join(map(str, lines)) if isinstance(lines, list) else str(lines)
            same = lines == found[code]
            problems.append(Problem(name, f"{where} herhaalt geadresseerde {first[code]} "
                                          f"(gemeente '{entry['gemeente']}')" + (
                                              " met hetzelfde adres; verwijder een van beide"
                                              if same else
                                              f", met regels '{shown}' in plaats van "
                                              f"'{' / '.join(found[code])}'; welke geldt?")))
        elif not isinstance(lines, list) or not 0 < len(lines) <= MAX_LINES or not all(
                is_text(x) for x in lines):
            problems.append(Problem(name, f"{where}: regels moet een lijst van tekstregels "
                                          f"zijn (hoogstens {MAX_LINES}), bijvoorbeeld "
                                          "[\"Postbus 20\", \"7920 AA ZUIDWOLDE\"]"))
        else:
            found[code] = [str(line) for line in lines]
            first[code] = number
    return found
