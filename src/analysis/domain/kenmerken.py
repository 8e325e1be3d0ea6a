"""The kenmerken of the letters in brieven.toml: ``[kenmerken.<periode>]`` (ours: per
municipality, and a numbering ``schema`` for the others) and ``[uw_kenmerken.<periode>]`` (the
municipality's own kenmerk of what a letter answers, per municipality), checked with a Dutch
message for each entry.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import pandas as pd

from analysis import schema
from analysis.domain import gemeenten

MAX_KENMERK = 100
MAX_TEXT = 5_000


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


def is_text(value: object) -> bool:
    """Whether a setting is text that is not blank and not too long."""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_TEXT


def kenmerken(rule: object) -> Kenmerken:
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
    per_gemeente = per_gemeente_kenmerk(
        {key: value for key, value in rule.items() if key not in ("schema", "eerste")})
    if len(set(per_gemeente.values())) < len(per_gemeente):
        raise ValueError("twee brieven met hetzelfde kenmerk")
    return Kenmerken(per_gemeente, numbering, first)


def uw_kenmerken(rule: object) -> dict[str, str]:
    """A period's uw kenmerk per municipality code: a table of municipality = kenmerk."""
    if not isinstance(rule, dict):
        raise ValueError("verwacht per gemeente het kenmerk van de gemeente, bijvoorbeeld "
                         "\"De Wolden\" = \"Z.2024-0123\"")
    return per_gemeente_kenmerk(rule)


def per_gemeente_kenmerk(named: dict[str, object]) -> dict[str, str]:
    """Kenmerk per municipality code of a table of municipality (name or code) = kenmerk; an
    unknown municipality, a kenmerk that is no short text, or a municipality named twice is a
    ValueError with a Dutch message."""
    codes = gemeenten.resolve(pd.Series(list(named), dtype=object))
    per_gemeente: dict[str, str] = {}
    spelled: dict[str, str] = {}  # code -> the key that named it
    for (key, value), code in zip(named.items(), codes, strict=True):
        if pd.isna(code):
            raise ValueError(gemeenten.onbekend(key))
        if not is_text(value) or len(value) > MAX_KENMERK:
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
    return per_gemeente


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
