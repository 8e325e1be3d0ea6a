"""The letters' settings, ``<raw>/brieven/brieven.toml``, and the templates it names: read and
checked on ingest, stored with their hashes in the processed folder, and made into the
:class:`Adressering` the letters are written from.

``[afzender]`` holds the province, the place the letters are sent from, who handles them and,
optionally, ``sjabloon``: an own template (path relative to the file); ``[sjablonen]`` may name
one per kind of letter (``gesprek = "verzoek.docx"``). ``[kenmerken.<periode>]``
gives each letter of a period its own kenmerk: per municipality (``"De Wolden" =
"47/4.1/2024001652"``) and, for the others, a numbering ``schema`` with ``{nummer}`` counted from
``eerste`` in the order of the municipalities' names. ``[[ondertekenaar]]`` gives the names and
functions that sign; ``[alineas]`` free paragraphs per period (``"2024-H1" = ["..."]``). Each
``[[geadresseerde]]`` names a ``gemeente`` (name or code) and the address ``regels`` as the letter
prints them. ``[verzonden]`` records the day a period's letters went out (``"2024-H1" =
2024-11-19``): from then on a changed figure gives a *herziene brief* (numbered by
``[herziene_kenmerken.<periode>]``, as ``[kenmerken]``) instead of a new letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.domain import gemeenten
from analysis.domain.briefsoorten import KINDS
from analysis.domain.periods import PeriodeError, parse_periode
from analysis.problems import InputError, Problem
from analysis.tomlfile import TomlFileError, parse_toml, read_toml

CONFIG = Path("brieven") / "brieven.toml"
SENDER_KEYS = ("provincie", "plaats", "behandeld_door")
MAX_TEMPLATE_BYTES = 20_000_000  # a letter with a logo is well under a megabyte
INSTELLINGEN, SJABLOON = "instellingen", "sjabloon"  # the roles of the stored files
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


@dataclass(frozen=True)
class Briefinstellingen:
    """The settings file as read on ingest, and the templates it names, each by its path
    relative to the raw folder: their bytes, whose SHA-256 the processed folder records. Their
    form is checked when they are read; what a template contains, by the letters."""

    inhoud: bytes
    sjablonen: dict[str, bytes] = field(default_factory=dict)

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
        return cls(inhoud, {name: read_template_file(raw / name)
                            for name in dict.fromkeys(settings.sjablonen.values())})

    def adressering(self) -> Adressering:
        """The settings, from the stored bytes."""
        return _adressering(parse_toml(self.inhoud), lambda name: None if name in self.sjablonen
                            else f"{name} ontbreekt in de verwerkte gegevens")

    def table(self) -> pd.DataFrame:
        """The table ingest writes to the processed folder: a row per file."""
        files = [(INSTELLINGEN, CONFIG.as_posix(), self.inhoud)] + [
            (SJABLOON, name, content) for name, content in self.sjablonen.items()]
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
        templates = table[table["rol"] == SJABLOON]
        return cls(bytes(settings["inhoud"]),
                   {str(name): bytes(content) for name, content
                    in zip(templates["bron_bestand"], templates["inhoud"], strict=True)})


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


# the longest text a setting may hold: a paragraph, an address line or a name is far shorter
MAX_TEXT = 5_000
MAX_KENMERK = 100
MAX_LINES = 12  # address lines
TABLES = ("afzender", "kenmerken", "herziene_kenmerken", "alineas", "sjablonen", "verzonden")
ARRAYS = ("ondertekenaar", "geadresseerde")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_TEXT


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
    schema.collect(errors, lambda: schema.known_keys(sender, (*SENDER_KEYS, "sjabloon"),
                                                     "[afzender]"), None)
    for key in SENDER_KEYS:
        schema.collect(errors, lambda key=key: schema.text(sender, key, "[afzender]", MAX_TEXT),
                       None)
    problems = [Problem(name, str(error)) for error in errors]
    template = None
    if "sjabloon" in sender:
        template = _template(sender["sjabloon"], "[afzender] sjabloon", problems, missing)
    kenmerken: dict[str, Kenmerken] = {}
    herzien: dict[str, Kenmerken] = {}
    for section, found in (("kenmerken", kenmerken), ("herziene_kenmerken", herzien)):
        for label, rule, periode in _per_periode(sections[section], section, name, problems):
            try:
                found[periode] = _kenmerken(rule)
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
    alineas = {}
    for label, paragraphs, periode in _per_periode(sections["alineas"], "alineas", name,
                                                   problems):
        if not isinstance(paragraphs, list) or not all(_text(p) for p in paragraphs):
            problems.append(Problem(name, f"[alineas] {label}: verwacht een lijst van alinea's "
                                          f"als tekst (elk hoogstens {MAX_TEXT} tekens)"))
        else:
            alineas[periode] = [str(p) for p in paragraphs]
    signers: list[tuple[str, str]] = []
    for number, entry in enumerate(sections["ondertekenaar"], start=1):
        if not isinstance(entry, dict) or set(entry) != {"naam", "functie"} or not _text(
                entry["naam"]) or not _text(entry["functie"]):
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
                       kenmerken, adressen, tuple(signers), alineas, templates, verzonden,
                       herzien)


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


def _kenmerken(rule: object) -> Kenmerken:
    """A period's kenmerken: a table of municipality = kenmerk, with ``schema`` and ``eerste``
    for the others."""
    if not isinstance(rule, dict):
        raise ValueError("verwacht per gemeente een kenmerk en eventueel een schema, "
                         "bijvoorbeeld \"De Wolden\" = \"47/4.1/2024001652\" of schema = "
                         "\"47/4.1/2024{nummer:06d}\"; één kenmerk voor alle brieven kan niet")
    numbering = rule.get("schema")
    if numbering is not None and not _numbering(numbering):
        raise ValueError("schema moet {nummer} bevatten, bijvoorbeeld "
                         "\"47/4.1/2024{nummer:06d}\" (alleen {nummer} of {nummer:0Nd}, N "
                         f"hoogstens 20; hoogstens {MAX_KENMERK} tekens)")
    first = schema.integer(rule, "eerste", "", low=0, high=10**9, default=1)
    named = {key: value for key, value in rule.items() if key not in ("schema", "eerste")}
    codes = gemeenten.resolve(pd.Series(list(named), dtype=object))
    per_gemeente: dict[str, str] = {}
    spelled: dict[str, str] = {}  # code -> the key that named it
    for (key, value), code in zip(named.items(), codes, strict=True):
        if pd.isna(code):
            raise ValueError(f"onbekende gemeente '{key}'")
        if not _text(value) or len(value) > MAX_KENMERK:
            raise ValueError(f"kenmerk van {key} moet tekst zijn van hoogstens {MAX_KENMERK} "
                             "tekens")
        if code in per_gemeente:
            same = per_gemeente[code] == value
            raise ValueError(f"'{key}' en '{spelled[code]}' noemen allebei gemeente {code}, "
                             + ("met hetzelfde kenmerk" if same else
                                f"met kenmerk {value} in plaats van {per_gemeente[code]}")
                             + "; geef één kenmerk per gemeente")
        per_gemeente[code] = str(value)
        spelled[code] = key
    if len(set(per_gemeente.values())) < len(per_gemeente):
        raise ValueError("twee brieven met hetzelfde kenmerk")
    return Kenmerken(per_gemeente, numbering, first)


def _numbering(numbering: object) -> bool:
    """Whether a numbering schema is text with ``{nummer}``, and nothing a format string could
    do beyond it (attributes, other fields, widths that make a kenmerk of gigabytes)."""
    if not isinstance(numbering, str) or len(numbering) > MAX_KENMERK:
        return False
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion
                  in string.Formatter().parse(numbering) if name is not None]
    except ValueError:
        return False
    return bool(fields) and all(
        name == "nummer" and conversion is None and re.fullmatch(r"(0?([1-9]|1\d|20)d)?", spec)
        for name, spec, conversion in fields)


def _addresses(entries: list[dict], name: str, problems: list[Problem]) -> dict[str, list[str]]:
    """Address lines per municipality code."""
    found: dict[str, list[str]] = {}
    first: dict[str, int] = {}  # code -> the number of the entry that gave its address
    for number, entry in enumerate(entries, start=1):
        where = f"geadresseerde {number}"
        if not isinstance(entry, dict) or not set(entry) <= {"gemeente", "regels"}:
            problems.append(Problem(name, f"{where}: verwacht een blok met alleen gemeente en "
                                          "regels"))
            continue
        town = entry.get("gemeente")
        code = gemeenten.resolve(pd.Series([town if _text(town) else ""], dtype=object))[0]
        lines = entry.get("regels")
        if pd.isna(code):
            problems.append(Problem(name, f"{where}: onbekende gemeente "
                                          f"'{entry.get('gemeente', '')}'"))
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
                _text(x) for x in lines):
            problems.append(Problem(name, f"{where}: regels moet een lijst van tekstregels "
                                          f"zijn (hoogstens {MAX_LINES}), bijvoorbeeld "
                                          "[\"Postbus 20\", \"7920 AA ZUIDWOLDE\"]"))
        else:
            found[code] = [str(line) for line in lines]
            first[code] = number
    return found
