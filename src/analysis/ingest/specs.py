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

from analysis import schema
from analysis.config import SPECS_DIR
from analysis.ingest import sources
from analysis.ingest.cells import CONVERTERS
from analysis.problems import Refused
from analysis.tomlfile import TomlFileError, read_toml

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


@cache
def label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """What a header cell, normalised, matches when it carries one of the accepted labels
    (wildcards as fnmatch reads them)."""
    return re.compile("|".join(fnmatch.translate(normalise_label(label)) for label in labels))


class SpecError(Refused, ValueError):
    """A spec file that does not make sense; the message is Dutch and names the file and key."""


TOP_KEYS = ("naam", "bron", "bestanden", "bladen", "voettekst", "kenmerken", "kolommen",
            "totaalrij")
COLUMN_KEYS = ("labels", "type", "verplicht", "minimum")
METADATA_KEYS = ("label", "type", "verplicht")
MAX_TEXT = 300  # a label, a pattern or a file pattern is short


def _pattern(table: dict, key: str, where: str) -> str | None:
    """An optional regular expression (a totals row, a footer)."""
    value = schema.text(table, key, where, MAX_TEXT, default="")
    try:
        re.compile(value)
    except re.error as error:
        raise SpecError(f"{where}: {key} '{value}' is geen geldige reguliere expressie "
                        f"({error})") from None
    return value or None


def _entries(data: dict, key: str, where: str, known: tuple[str, ...]) -> list[tuple[str, dict]]:
    """The tables of a section (``[kolommen]``, ``[kenmerken]``) with how a message names
    each, each checked for its keys."""
    section = schema.required(data, key, dict, where) if key == "kolommen" else \
        schema.optional(data, key, dict, where, {})
    if key == "kolommen" and not section:
        raise SpecError(f"{where}: [kolommen] noemt geen enkele kolom")
    entries = []
    for name, entry in section.items():
        at = f"{where}, {key}.{name}"
        schema.table(entry, at, f"een tabel zoals {{ {known[0]} = ..., type = ... }}")
        schema.known_keys(entry, known, at)
        entries.append((at, name, entry))
    return entries


def _parse(path: Path) -> Spec:
    where = f"specificatie {path.name}"
    try:
        data, _ = read_toml(path)
    except TomlFileError as error:
        raise SpecError(f"{where}: {error}") from None
    try:
        return _spec(data, path, where)
    except schema.SchemaError as error:
        raise SpecError(str(error)) from None


def _spec(data: dict, path: Path, where: str) -> Spec:
    schema.known_keys(data, TOP_KEYS, where)
    types = tuple(CONVERTERS)
    columns = tuple(
        Column(name=name, labels=schema.texts(c, "labels", at, MAX_TEXT),
               type=schema.choice(c, "type", types, at),
               required=schema.optional(c, "verplicht", bool, at, True),
               minimum=schema.optional(c, "minimum", int, at))
        for at, name, c in _entries(data, "kolommen", where, COLUMN_KEYS))
    metadata = tuple(
        Metadata(name=name, label=schema.text(m, "label", at, MAX_TEXT),
                 type=schema.choice(m, "type", types, at),
                 required=schema.optional(m, "verplicht", bool, at, True))
        for at, name, m in _entries(data, "kenmerken", where, METADATA_KEYS))
    totals = schema.optional(data, "totaalrij", dict, where, {})
    schema.known_keys(totals, ("patroon", "som"), f"{where}, totaalrij")
    spec = Spec(
        naam=schema.text(data, "naam", where, MAX_TEXT),
        bron=schema.choice(data, "bron", SOURCES, where), path=path,
        bestanden=schema.texts(data, "bestanden", where, MAX_TEXT),
        bladen=schema.texts(data, "bladen", where, MAX_TEXT),
        kolommen=columns, kenmerken=metadata,
        totaalrij=_pattern(totals, "patroon", f"{where}, totaalrij"),
        totaal_som=schema.texts(totals, "som", f"{where}, totaalrij", MAX_TEXT, default=()),
        voettekst=_pattern(data, "voettekst", where),
    )
    known = {c.name for c in spec.kolommen} | {m.name for m in spec.kenmerken}
    for name in spec.totaal_som:
        if name not in known:
            raise SpecError(f"{where}: '{name}' is geen kolom of kenmerk van deze specificatie")
    return spec


@cache
def load_specs(directory: Path = SPECS_DIR) -> tuple[Spec, ...]:
    """Every spec in the folder, sorted by file name."""
    return tuple(_parse(path) for path in sorted(directory.glob("*.toml")))
