"""Declarative descriptions of source layouts, one TOML file per layout in ``specs/``.

A spec says which files it reads (glob patterns under the raw folder), which sheet, how to find the
header row by its labels, which columns to take and how to type them, which metadata sits above
the header, and how totals and footer rows look. A new layout of a known source is a new file here.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.config import SPECS_DIR
from analysis.ingest import sources
from analysis.ingest.cells import CONVERTERS
from analysis.problems import Refused
from analysis.tomlfile import TomlFileError, read_toml, soort

# The sources a spec may name as its 'bron': those read from spreadsheets (ingest/sources.py).
SOURCES = tuple(source.naam for source in sources.SOURCES.values() if source.specs)


@dataclass(frozen=True)
class Column:
    """A column to take: accepted header labels (wildcards allowed) and the type of its cells."""

    name: str
    labels: tuple[str, ...]
    type: str
    required: bool = True
    minimum: int | None = None


@dataclass(frozen=True)
class Metadata:
    """A value above the header, found next to (or inside) a cell starting with ``label``."""

    name: str
    label: str
    type: str
    required: bool = True


@dataclass(frozen=True)
class Spec:
    """One source layout."""

    naam: str
    bron: str
    path: Path
    bestanden: tuple[str, ...]
    bladen: tuple[str, ...]
    kolommen: tuple[Column, ...]
    kenmerken: tuple[Metadata, ...] = ()
    totaalrij: str | None = None
    totaal_som: tuple[str, ...] = ()
    voettekst: str | None = None

    def matches(self, relative_path: str) -> bool:
        """Whether a file (path relative to the raw folder, with '/') is one of this spec's."""
        return any(fnmatch.fnmatch(relative_path.lower(), pattern.lower())
                   for pattern in self.bestanden)


def normalise_label(label: object) -> str:
    """Header label without case, extra spaces or trailing colons, for matching."""
    text = re.sub(r"\s+", " ", str(label).replace("\n", " ")).strip().lower()
    return text.rstrip(":").strip()


def label_matches(cell: object, labels: tuple[str, ...]) -> bool:
    """Whether a header cell carries one of the accepted labels."""
    if cell is None:
        return False
    text = normalise_label(cell)
    return any(fnmatch.fnmatchcase(text, normalise_label(label)) for label in labels)


class SpecError(Refused, ValueError):
    """A spec file that does not make sense; the message is Dutch and names the file and key."""


TOP_KEYS = ("naam", "bron", "bestanden", "bladen", "voettekst", "kenmerken", "kolommen",
            "totaalrij")
MAX_TEXT = 300  # a label, a pattern or a file pattern is short


def _get(table: dict, key: str, kind: type, where: str, default: object = None):
    """A key's value, of the kind expected; ``default`` when absent (required when None)."""
    if key not in table:
        if default is None:
            raise SpecError(f"{where}: verplichte sleutel '{key}' ontbreekt")
        return default
    value = table[key]
    expected = {str: "tekst", bool: "true of false", int: "een geheel getal", list: "een lijst",
                dict: "een tabel"}[kind]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SpecError(f"{where}: {key} is {soort(value)}; verwacht {expected}")
    if kind is str and not 0 < len(value.strip()) <= MAX_TEXT:
        raise SpecError(f"{where}: {key} moet tekst zijn van 1 tot {MAX_TEXT} tekens")
    return value


def _texts(table: dict, key: str, where: str) -> tuple[str, ...]:
    """A required, non-empty list of short texts."""
    values = _get(table, key, list, where)
    if not values or not all(isinstance(v, str) and 0 < len(v) <= MAX_TEXT for v in values):
        raise SpecError(f"{where}: {key} moet een lijst van teksten zijn (elk hoogstens "
                        f"{MAX_TEXT} tekens)")
    return tuple(values)


def _pattern(table: dict, key: str, where: str) -> str | None:
    """An optional regular expression (a totals row, a footer)."""
    value = _get(table, key, str, where, default="")
    try:
        re.compile(value)
    except re.error as error:
        raise SpecError(f"{where}: {key} '{value}' is geen geldige reguliere expressie "
                        f"({error})") from None
    return value or None


def _known(table: dict, known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise SpecError(f"{where}: onbekende sleutel {', '.join(unknown)} (bekend: "
                        f"{', '.join(known)})")


def _entries(data: dict, key: str, where: str, known: tuple[str, ...]) -> list[tuple[str, dict]]:
    """The tables of a section (``[kolommen]``, ``[kenmerken]``), each checked for its keys."""
    section = _get(data, key, dict, where, default={} if key == "kenmerken" else None)
    if key == "kolommen" and not section:
        raise SpecError(f"{where}: [kolommen] noemt geen enkele kolom")
    entries = []
    for name, entry in section.items():
        at = f"{where}, {key}.{name}"
        if not isinstance(entry, dict):
            raise SpecError(f"{at}: verwacht een tabel zoals {{ {known[0]} = ..., type = ... }}, "
                            f"gevonden {soort(entry)}")
        _known(entry, known, at)
        entries.append((name, entry))
    return entries


def _parse(path: Path) -> Spec:
    where = f"specificatie {path.name}"
    try:
        data, _ = read_toml(path)
    except TomlFileError as error:
        raise SpecError(f"{where}: {error}") from None
    _known(data, TOP_KEYS, where)
    columns = tuple(
        Column(name=name, labels=_texts(c, "labels", f"{where}, kolommen.{name}"),
               type=_get(c, "type", str, f"{where}, kolommen.{name}"),
               required=_get(c, "verplicht", bool, f"{where}, kolommen.{name}", default=True),
               minimum=_get(c, "minimum", int, f"{where}, kolommen.{name}")
               if "minimum" in c else None)
        for name, c in _entries(data, "kolommen", where,
                                ("labels", "type", "verplicht", "minimum")))
    metadata = tuple(
        Metadata(name=name, label=_get(m, "label", str, f"{where}, kenmerken.{name}"),
                 type=_get(m, "type", str, f"{where}, kenmerken.{name}"),
                 required=_get(m, "verplicht", bool, f"{where}, kenmerken.{name}", default=True))
        for name, m in _entries(data, "kenmerken", where, ("label", "type", "verplicht")))
    totals = _get(data, "totaalrij", dict, where, default={})
    _known(totals, ("patroon", "som"), f"{where}, totaalrij")
    spec = Spec(
        naam=_get(data, "naam", str, where), bron=_get(data, "bron", str, where), path=path,
        bestanden=_texts(data, "bestanden", where), bladen=_texts(data, "bladen", where),
        kolommen=columns, kenmerken=metadata,
        totaalrij=_pattern(totals, "patroon", f"{where}, totaalrij"),
        totaal_som=_texts(totals, "som", f"{where}, totaalrij") if "som" in totals else (),
        voettekst=_pattern(data, "voettekst", where),
    )
    known = {c.name for c in spec.kolommen} | {m.name for m in spec.kenmerken}
    if spec.bron not in SOURCES:
        raise SpecError(f"{where}: onbekende bron '{spec.bron}' (bekend: {', '.join(SOURCES)})")
    for kind in [c.type for c in spec.kolommen] + [m.type for m in spec.kenmerken]:
        if kind not in CONVERTERS:
            raise SpecError(f"{where}: onbekend type '{kind}' (bekend: {', '.join(CONVERTERS)})")
    for name in spec.totaal_som:
        if name not in known:
            raise SpecError(f"{where}: '{name}' is geen kolom of kenmerk van deze specificatie")
    return spec


@cache
def load_specs(directory: Path = SPECS_DIR) -> tuple[Spec, ...]:
    """Every spec in the folder, sorted by file name."""
    return tuple(_parse(path) for path in sorted(directory.glob("*.toml")))
