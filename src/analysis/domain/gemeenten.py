"""Municipalities: resolve codes and names, spelled any common way, to CBS codes (``GM0106``).

The reference table ``reference/gemeenten.csv`` is versioned (``geldig_vanaf``/``geldig_tot``);
aliases for names that normalisation cannot bridge live in ``reference/gemeente_aliassen.csv``.
Matching is on normalised keys, never on exact names, and codes are always text.
"""

from __future__ import annotations

import difflib
from functools import cache

import pandas as pd

from analysis import options
from analysis.config import REFERENCE_DIR
from analysis.problems import Refused

_CODE_PATTERN = r"^(?:gm)?\s*0*(\d{1,4})(?:\.0+)?$"


@cache
def reference() -> pd.DataFrame:
    """The versioned reference table of municipalities."""
    return pd.read_csv(
        REFERENCE_DIR / "gemeenten.csv",
        dtype={"gemeente_code": "string", "gemeente_naam": "string", "provincie": "string"},
        parse_dates=["geldig_vanaf", "geldig_tot"],
    )


def name_key(names: pd.Series) -> pd.Series:
    """Normalised matching key: no accents, case, prefix 'Gemeente', punctuation or spaces;
    'Wolden, De' becomes 'dewolden' like 'De Wolden'."""
    keys = (
        names.astype("string")
        .str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.lower()
        .str.strip()
        .str.replace(r"^(?:gemeente|gem\.)\s+", "", regex=True)
        .str.replace(r"^(.*?),\s*(de|den|het|'s|'t)$", r"\2 \1", regex=True)
        .str.replace(r"[^a-z0-9]", "", regex=True)
    )
    return keys


@cache
def _lookup() -> pd.Series:
    """The code of every name key (and alias), as a Series: mapping by it looks up the keys
    without turning a dict into a Series on every call."""
    table = reference()
    aliases = pd.read_csv(REFERENCE_DIR / "gemeente_aliassen.csv", dtype="string")
    keys = pd.concat([name_key(table["gemeente_naam"]), name_key(aliases["alias"])])
    codes = pd.concat([table["gemeente_code"], aliases["gemeente_code"]])
    return pd.Series(dict(zip(keys, codes, strict=True)))


@cache
def _known() -> pd.Series:
    """Every code in the reference table, mapped to itself (to keep known codes only)."""
    codes = reference()["gemeente_code"].drop_duplicates().to_numpy()
    return pd.Series(codes, index=codes)


# Resolved texts, kept across calls: sixty exports name the same dozen municipalities, and the
# string operations below cost far more per call than per value. Bounded, as inputs are not.
# Beside the dict the Series that mapping by it makes, made again only when it grows.
_RESOLVED: dict[str, object] = {}
_RESOLVED_MAX = 100_000
_LOOKUP: list[pd.Series] = []


def resolve(values: pd.Series) -> pd.Series:
    """CBS code for every value (a code as text or number, or a name); <NA> where unknown."""
    text = values.astype("string")
    new = [value for value in text.dropna().unique() if value not in _RESOLVED]
    if new or not _LOOKUP:
        if len(_RESOLVED) + len(new) > _RESOLVED_MAX:
            _RESOLVED.clear()
        _RESOLVED.update(zip(new, _resolve(pd.Series(new, dtype="string")).tolist(),
                             strict=True))
        _LOOKUP[:] = [pd.Series(_RESOLVED)]
    return text.map(_LOOKUP[0]).astype("string")


def _resolve(values: pd.Series) -> pd.Series:
    """:func:`resolve` of distinct texts."""
    text = values.str.strip()
    digits = text.str.lower().str.extract(_CODE_PATTERN, expand=False)
    by_code = ("GM" + digits.str.zfill(4)).where(digits.notna())
    by_code = by_code.map(_known()).astype("string")
    by_name = name_key(text).map(_lookup()).astype("string")
    return by_code.fillna(by_name)


def naam(codes: pd.Series) -> pd.Series:
    """Official name for every CBS code."""
    names = reference().set_index("gemeente_code")["gemeente_naam"]
    return codes.map(names).astype("string")


def provincie(codes: pd.Series) -> pd.Series:
    """The province of every CBS code (for an ended code, the one it lay in)."""
    provinces = reference().set_index("gemeente_code")["provincie"]
    return codes.map(provinces).astype("string")


def provincie_codes(provincie: str) -> list[str]:
    """Codes of a province's municipalities, sorted by name ("Nederland": all of them)."""
    table = reference()
    name = provincie.strip().lower()
    selected = table if name == "nederland" else table[table["provincie"].str.lower() == name]
    return selected.sort_values("gemeente_naam")["gemeente_code"].tolist()


def provincies() -> list[str]:
    """The names of the provinces in the reference table."""
    return sorted(reference()["provincie"].dropna().unique().tolist())


def naaste_naam(value: object) -> str | None:
    """The known municipality name nearest to ``value`` when it is close ('De Wolde': De
    Wolden), else None; for the message of a name that is not known."""
    names = reference()["gemeente_naam"].dropna().unique().tolist()
    by_key = {name.lower(): name for name in names}
    found = difflib.get_close_matches(str(value).strip().lower(), list(by_key), n=1, cutoff=0.8)
    return by_key[found[0]] if found else None


def onbekend(value: object) -> str:
    """"onbekende gemeente 'De Wolde' (bedoelt u De Wolden?)": a name or code not known, with
    the nearest known name where one is close."""
    nearest = naaste_naam(value)
    return f"onbekende gemeente '{value}'" + (f" (bedoelt u {nearest}?)" if nearest else "")


def buiten(codes: list[str], provincies: set[str]) -> dict[str, str]:
    """Of ``codes``, those of a municipality in another province than ``provincies``, with the
    province it lies (or lay) in, as "Groningen (GM0014) hoort bij de provincie Groningen"."""
    found = provincie(pd.Series(codes, dtype="string"))
    names = naam(pd.Series(codes, dtype="string"))
    return {code: f"gemeente {name} ({code}) hoort bij de provincie {where}"
            for code, name, where in zip(codes, names, found, strict=True)
            if not pd.isna(where) and where not in provincies}


def kies_provincie(value: str, in_gegevens: list[str] | None = None) -> tuple[str, list[str]]:
    """A province by name in any case ("Nederland" for all), and the codes of its
    municipalities, limited to those ``in_gegevens`` when given. Raises :class:`Refused`
    with a Dutch message for an unknown province or one without municipalities in the data."""
    known = {name.lower(): name for name in [*provincies(), "Nederland"]}
    name = known.get(value.strip().lower())
    if name is None:
        raise Refused(f"{options.PROVINCIE}: '{value}' is geen provincie (bekend: "
                      f"{', '.join(provincies())}, of Nederland)")
    codes = provincie_codes(name)
    if in_gegevens is not None:
        codes = [code for code in codes if code in set(in_gegevens)]
        if not codes:
            raise Refused(f"{options.PROVINCIE}: geen gemeenten van {name} in de gegevens")
    return name, codes


def kies_gemeente(value: str, in_gegevens: list[str]) -> str:
    """The CBS code of a municipality named or numbered any common way, checked against the
    municipalities in the data. Raises :class:`Refused` with a Dutch message otherwise."""
    code = resolve(pd.Series([value], dtype=object)).iloc[0]
    if pd.isna(code) or code not in set(in_gegevens):
        raise Refused(f"{options.GEMEENTE}: '{value}' is geen gemeente in de gegevens")
    return str(code)
