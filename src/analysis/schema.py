"""Checking the values of a settings file (a spec, a kader, the decisions register's entries,
the map settings, the letters' settings) with one Dutch wording for every way a value can
be wrong.

Each function takes a table (a dict from ``tomllib``), a key and ``where`` (how a message names
the place: 'beoordelingskader drenthe.toml, ladder'; empty when the caller prefixes it itself),
and returns the value checked or raises :class:`SchemaError`. A key is required unless a
``default`` is given. The caller turns the error into its own (``KaderError``, ``SpecError``, a
``Problem``), as with :class:`~analysis.tomlfile.TomlFileError`; a file that reports every
problem at once gathers them with :func:`collect`.

Why our own helper and not pydantic: pydantic's messages are English, so every error type
would need a Dutch translation and its ``loc`` a mapping to our 'file, block N, key' wording;
it is a dependency more and costs import time at every start; and our files are small and
flat, so that these few functions say everything the checkers need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from analysis.formatting import getal
from analysis.tomlfile import soort

T = TypeVar("T")
REQUIRED: object = object()  # the default of a key that must be there
TEXT = "tekst tussen aanhalingstekens"


class SchemaError(ValueError):
    """A value of a settings file that is missing or of the wrong kind; the message is Dutch
    and names the place (``where``) and the key, what was expected and what was found."""


def quote(value: object) -> str:
    """A value as a message quotes it: never longer than a line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _fail(where: str, message: str) -> SchemaError:
    return SchemaError(f"{where}: {message}" if where else message)


def _or(options: Sequence[str]) -> str:
    """'a, b of c'."""
    return f"{', '.join(options[:-1])} of {options[-1]}" if len(options) > 1 else options[0]


def required_keys(table: dict, keys: Sequence[str], where: str, hint: str = "") -> None:
    """Every one of ``keys`` is there; all missing ones are named at once."""
    missing = [key for key in keys if key not in table]
    if missing:
        names = ", ".join(f"'{key}'" for key in missing)
        verb = "verplichte sleutel" if len(missing) == 1 else "verplichte sleutels"
        ending = "ontbreekt" if len(missing) == 1 else "ontbreken"
        raise _fail(where, f"{verb} {names} {ending}" + (f" ({hint})" if hint else ""))


def known_keys(table: dict, known: Sequence[str], where: str, label: str = "bekend") -> None:
    """No key but the ``known`` ones: a typing error would otherwise go unnoticed."""
    unknown = sorted(set(table) - set(known), key=str)
    if unknown:
        raise _fail(where, f"onbekende sleutel {', '.join(map(quote, unknown))} ({label}: "
                           f"{', '.join(known)})")


def _is(value: object, kind: type) -> bool:
    """Whether a value is of ``kind``; true or false is not a number."""
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _value(table: dict, key: str, kind: type, where: str, default: object,
           expected: str | None) -> object:
    expected = expected or (soort(kind()) if kind is not object else "een waarde")
    if key not in table:
        if default is REQUIRED:
            required_keys(table, (key,), where, f"verwacht {expected}")
        return default
    value = table[key]
    if not _is(value, kind):
        raise _fail(where, f"{key} is {soort(value)}; verwacht {expected}")
    return value


def required(table: dict, key: str, kind: type, where: str, expected: str | None = None):
    """A key that must be there, of ``kind`` (``object``: any); ``expected`` says what it
    should be (default: the kind's Dutch name, 'een tabel [...]')."""
    return _value(table, key, kind, where, REQUIRED, expected)


def optional(table: dict, key: str, kind: type, where: str, default: object = None,
             expected: str | None = None):
    """A key that may be left out (then ``default``), of ``kind`` when given."""
    return _value(table, key, kind, where, default, expected)


def text(table: dict, key: str, where: str, max_len: int, default: object = REQUIRED,
         expected: str = TEXT):
    """Text that is not blank and at most ``max_len`` characters (a name, a label, a reason)."""
    value = _value(table, key, str, where, default, expected)
    if key in table and not 0 < len(value.strip()) <= max_len:
        found = len(value) if value.strip() else "leeg"
        raise _fail(where, f"{key} moet tekst zijn van 1 tot {max_len} tekens (nu {found})")
    return value


def texts(table: dict, key: str, where: str, max_len: int, default: object = REQUIRED, *,
          min_items: int = 1, max_items: int | None = None, noun: str = "teksten",
          example: str = "") -> tuple[str, ...]:
    """A list of texts, each as :func:`text`, of ``min_items`` to ``max_items`` items; ``noun``
    and ``example`` say what they are ('oordeelcodes', '["onvoldoende"]')."""
    hint = f", bijvoorbeeld {example}" if example else ""
    values = _value(table, key, list, where, default, f"een lijst van {noun}{hint}")
    if key not in table:
        return values
    fits = min_items <= len(values) <= (max_items or len(values)) and all(
        isinstance(v, str) and 0 < len(v.strip()) <= max_len for v in values)
    if not fits:
        count = (f", minstens {min_items}" if min_items > 1 else "") + (
            f", hoogstens {max_items}" if max_items else "") + ("; nu leeg" if not values else "")
        raise _fail(where, f"{key} moet een lijst van {noun} zijn (elk 1 tot {max_len} tekens"
                           f"{count}){hint}")
    return tuple(values)


def _span(low: int | None, high: int | None) -> str:
    """'van 0 tot en met 62', 'van 1 of meer'."""
    if low is not None and high is not None:
        return f"van {getal(low)} tot en met {getal(high)}"
    if low is not None:
        return f"van {getal(low)} of meer"
    return f"van hoogstens {getal(high)}" if high is not None else ""


def integer(table: dict, key: str, where: str, low: int | None = None, high: int | None = None,
            default: object = REQUIRED):
    """A whole number from ``low`` to ``high`` (either may be open); true or false is none."""
    span = _span(low, high)
    if key not in table:
        return _value(table, key, int, where, default, f"een geheel getal {span}".strip())
    value = table[key]
    if not _is(value, int) or (low is not None and value < low) or (
            high is not None and value > high):
        raise _fail(where, f"{key} '{str(value)[:40]}' is geen geheel getal {span}".strip())
    return value


def choice(table: dict, key: str, options: Sequence[str], where: str,
           default: object = REQUIRED, hint: str = ""):
    """One of ``options`` (a source, a norm, a kind of decision); ``hint`` explains them."""
    if key not in table:
        return _value(table, key, object, where, default, f"{_or(options)}")
    value = table[key]
    if not isinstance(value, str) or value not in options:
        raise _fail(where, f"{key} {quote(value)} bestaat niet; kies {_or(options)}"
                           + (f" ({hint})" if hint else ""))
    return value


def table(value: object, where: str, expected: str) -> dict:
    """A value that must be a table (a block of an array, an entry of a section)."""
    if not isinstance(value, dict):
        raise _fail(where, f"verwacht {expected}, gevonden {soort(value)}")
    return value


def tables(data: dict, key: str, where: str, label: str, fields: str = "",
           default: object = REQUIRED) -> list[tuple[str, dict]]:
    """The blocks of an array ``[[key]]``, each a table, with how a message names it:
    ``(f"{where}, {label} {number}", block)``, numbered from 1; ``fields`` names their keys
    for the message of a block that is no table."""
    blocks = _value(data, key, list, where, default, f"blokken [[{key}]]")
    expected = f"een blok [[{key}]]" + (f" met {fields}" if fields else "")
    places = [f"{where}, {label} {n}" if where else f"{label} {n}"
              for n in range(1, len(blocks) + 1)]
    return [(at, table(block, at, expected)) for at, block in zip(places, blocks, strict=True)]


def collect(errors: list[SchemaError], check: Callable[[], T], fallback: T) -> T:
    """``check()``, or ``fallback`` with its error added to ``errors``: for a file whose
    problems are reported all at once rather than the first only."""
    try:
        return check()
    except SchemaError as error:
        errors.append(error)
        return fallback
