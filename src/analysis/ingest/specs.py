"""Declarative descriptions of source layouts, one TOML file per layout in ``specs/``.

A spec says which files it reads (glob patterns under the raw folder), which sheet, how to find the
header row by its labels, which columns to take and how to type them, which metadata sits above
the header, and how totals and footer rows look. A new layout of a known source is a new file here.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.config import SPECS_DIR
from analysis.ingest.cells import CONVERTERS

SOURCES = ("taakstelling", "coa_overzicht", "tvs_personen", "gemeente_rapportage")


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


class SpecError(ValueError):
    """A spec file that does not make sense."""


def _parse(path: Path) -> Spec:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    where = f"specificatie {path.name}"
    try:
        columns = tuple(
            Column(name=name, labels=tuple(c["labels"]), type=c["type"],
                   required=c.get("verplicht", True), minimum=c.get("minimum"))
            for name, c in data["kolommen"].items()
        )
        metadata = tuple(
            Metadata(name=name, label=m["label"], type=m["type"],
                     required=m.get("verplicht", True))
            for name, m in data.get("kenmerken", {}).items()
        )
        totals = data.get("totaalrij", {})
        spec = Spec(
            naam=data["naam"], bron=data["bron"], path=path,
            bestanden=tuple(data["bestanden"]), bladen=tuple(data["bladen"]),
            kolommen=columns, kenmerken=metadata,
            totaalrij=totals.get("patroon"), totaal_som=tuple(totals.get("som", ())),
            voettekst=data.get("voettekst"),
        )
    except KeyError as missing:
        raise SpecError(f"{where}: verplichte sleutel {missing} ontbreekt") from None
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
