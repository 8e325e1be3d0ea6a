"""Reading a kader's ``[[maandsignalen]]``: checks inside a running half-year on the monthly
figures, each with a Dutch message naming the file and ``maandsignaal '<code>'`` when it is wrong.

A monthly signal gives an advice for a half-year that is still running, never a verdict on it;
so its rule may use the pace table's monthly columns only (:data:`SIGNAL_COLUMNS`), not a
rating or a figure of the whole half-year.
"""

from __future__ import annotations

import ast

from analysis import schema
from analysis.compute.kader.model import Maandsignaal
from analysis.compute.kader.rules import MAX_RULE, parse_rule
from analysis.compute.kader.terms import (
    LADDER_COLUMNS,
    SIGNAL_COLUMNS,
    KaderError,
    code_word,
)
from analysis.schema import quote

SIGNAL_KEYS = ("code", "label", "maanden", "regel", "advies")
MONTHS = tuple(range(1, 13))
# what a rule about the whole half-year may use but a monthly signal may not
HALF_YEAR_COLUMNS = tuple(c for c in LADDER_COLUMNS if c not in SIGNAL_COLUMNS)
LENGTHS = {"code": 40, "label": 200, "advies": 2_000}


def maandsignalen(data: dict, where: str) -> tuple[Maandsignaal, ...]:
    """Every ``[[maandsignalen]]`` block of a kader's content (none: an empty tuple)."""
    blocks = schema.tables(data, "maandsignalen", where, "maandsignaal",
                           "code, label, regel en advies", default=[])
    signals = tuple(_signal(block, at) for at, block in blocks)
    codes = [signal.code for signal in signals]
    double = sorted({code for code in codes if codes.count(code) > 1})
    if double:
        raise KaderError(f"{where}: maandsignaal {', '.join(map(repr, double))} komt dubbel voor; "
                         "elk maandsignaal heeft een eigen code")
    return signals


def _signal(block: dict, where: str) -> Maandsignaal:
    """One block; ``where`` names the file and the block's number until its code is known."""
    code = code_word(block, where, LENGTHS["code"])
    where = f"{where.rsplit(', maandsignaal ', 1)[0]}, maandsignaal '{code}'"
    schema.known_keys(block, SIGNAL_KEYS, where)
    return Maandsignaal(code=code, label=schema.text(block, "label", where, LENGTHS["label"]),
                        maanden=_months(block, where),
                        regel=_rule(schema.required(block, "regel", object, where, "een regel"),
                                    where),
                        advies=schema.text(block, "advies", where, LENGTHS["advies"]))


def _months(block: dict, where: str) -> tuple[int, ...]:
    """The calendar months after whose figures the rule is checked; all twelve when absent."""
    if "maanden" not in block:
        return MONTHS
    value = block["maanden"]
    fits = isinstance(value, list) and value and all(
        isinstance(m, int) and not isinstance(m, bool) and m in MONTHS for m in value) \
        and len(set(value)) == len(value)
    if not fits:
        raise KaderError(f"{where}: maanden {quote(value)} is geen lijst van maandnummers van 1 "
                         "(januari) tot en met 12 (december), elk één keer; bijvoorbeeld [1] of "
                         "[1, 7] (zonder maanden: na elke maand)")
    return tuple(sorted(value))


def _rule(text: object, where: str):
    """The rule over the monthly columns; a column of the whole half-year (a rating, the end
    stand) is refused with its reason rather than as merely unknown."""
    try:
        return parse_rule(text, where, SIGNAL_COLUMNS)
    except KaderError:
        named = _names(text)
        whole = [name for name in HALF_YEAR_COLUMNS if name in named]
        if whole:
            raise KaderError(
                f"{where}: regel '{str(text).strip()}' gebruikt {', '.join(whole)}: een oordeel "
                "of cijfer over het hele halfjaar; een maandsignaal geeft een advies in een "
                "lopend halfjaar en rekent alleen met de maandcijfers (bekend: "
                f"{', '.join(SIGNAL_COLUMNS)})") from None
        raise


def _names(text: object) -> set[str]:
    """The names a rule's text uses, when it can be read at all."""
    if not isinstance(text, str) or len(text) > MAX_RULE:
        return set()
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
