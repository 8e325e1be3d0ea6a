"""The rule language of a beoordelingskader: small expressions over columns, written like Python
(``stand_eind < 0 and not taakstelling_gehaald``), parsed once, checked against the known columns
and ratings, and evaluated on whole columns with numpy.

Only names, numbers, comparisons, arithmetic and and/or/not are allowed, so a rule from a
province's TOML file can never run code or take long to check.
"""

from __future__ import annotations

import ast
import itertools
import operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute.kader.terms import TEXT_COLUMNS, KaderError
from analysis.compute.roll_forward import ONTWIKKELINGEN
from analysis.schema import quote

# bounds that keep a rule cheap to check
MAX_RULE = 2_000  # characters
MAX_DEPTH = 50  # nesting of parentheses, not and operations
MAX_NUMBER = 1e12


@dataclass(frozen=True)
class Rule:
    """A parsed, checked expression over columns."""

    text: str
    tree: ast.Expression

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """The rule on every row, as a boolean array."""
        with np.errstate(all="ignore"):
            result = _truth(_evaluate(self.tree.body, frame))
        return np.broadcast_to(result, (len(frame),)).copy()


_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv}


def _truth(value) -> np.ndarray:
    """A value as a condition: a number holds when it is not 0; an unknown number (NaN, as a
    percentage of a taakstelling of 0, or 0 / 0) does not hold."""
    value = np.asarray(value, dtype="float64")
    return (value != 0) & ~np.isnan(value)


def _evaluate(node: ast.AST, frame: pd.DataFrame):
    """Evaluate a checked expression tree on whole columns, as float64 so that no integer can
    overflow and booleans count as 0 and 1. Dividing by 0 gives infinity (0 / 0: NaN, which
    every comparison but != calls false), never an error."""
    if isinstance(node, ast.Name):
        if node.id in TEXT_COLUMNS:
            return frame[node.id].astype(str).to_numpy()
        return frame[node.id].to_numpy(dtype="float64", na_value=np.nan)
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else np.float64(node.value)
    if isinstance(node, ast.BoolOp):
        values = [_truth(_evaluate(v, frame)) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return combine.reduce(np.broadcast_arrays(*values)).astype("float64")
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, frame)
        return (~_truth(value)).astype("float64") if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](_evaluate(node.left, frame), _evaluate(node.right, frame))
    if isinstance(node, ast.Compare):
        left, result = _evaluate(node.left, frame), True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, frame)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return np.asarray(result, dtype="float64")  # a condition, as 1 or 0
    raise AssertionError(f"unchecked node {type(node).__name__}")


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
            ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, *_COMPARE, *_ARITHMETIC)


def parse_rule(text: object, where: str, columns: list[str],
               ratings: set[str] | None = None) -> Rule:
    """Parse and check a rule: only known columns, numbers, comparisons, arithmetic and
    and/or/not; text only compared with a column that holds text (``ontwikkeling``, and in a
    ladder rule ``oordeel``, with ``ratings`` its values)."""
    if not isinstance(text, str) or not text.strip():
        raise KaderError(f"{where}: verwacht een regel als tekst, bijvoorbeeld 'stand_eind >= 0'")
    if len(text) > MAX_RULE:
        raise KaderError(f"{where}: de regel is {len(text)} tekens lang; hoogstens {MAX_RULE}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise KaderError(f"{where}: regel '{text}' is niet leesbaar") from None
    if _depth(tree) > MAX_DEPTH:
        raise KaderError(f"{where}: de regel is te diep genest (meer dan {MAX_DEPTH} haakjes, "
                         "'not' of bewerkingen in elkaar); schrijf hem eenvoudiger")
    values = {"ontwikkeling": set(ONTWIKKELINGEN), "oordeel": ratings or set()}
    for parent in ast.walk(tree):
        for node in (parent, *ast.iter_child_nodes(parent)):
            if not isinstance(node, _ALLOWED):
                shown = node if isinstance(node, ast.expr) else parent  # an operator: its use
                raise KaderError(f"{where}: '{ast.unparse(shown)}' is niet toegestaan in een "
                                 "regel (alleen kolommen, getallen, vergelijkingen, + - * /, "
                                 "and/or/not)")
        if isinstance(parent, ast.Name) and parent.id not in columns:
            raise KaderError(f"{where}: onbekende kolom '{parent.id}' in regel '{text}'; bekend: "
                             f"{', '.join(columns)}")
        if isinstance(parent, ast.Constant):
            _literal(parent.value, where, text)
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Div) and isinstance(
                parent.right, ast.Constant) and parent.right.value == 0:
            raise KaderError(f"{where}: regel '{text}' deelt door 0")
    if _kind(tree.body, where, text, values) != "getal":
        raise KaderError(f"{where}: regel '{text}' is geen voorwaarde (tekst zonder "
                         "vergelijking; bijvoorbeeld oordeel == 'op_orde')")
    return Rule(text.strip(), tree)


def _depth(tree: ast.AST) -> int:
    """How deep the expression nests (without recursion: the tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _literal(value: object, where: str, text: str) -> None:
    """A literal in a rule: text, a boolean, or a number of sensible size."""
    if isinstance(value, str | bool):
        return
    if not isinstance(value, int | float) or not abs(value) <= MAX_NUMBER:
        raise KaderError(f"{where}: '{value!r:.40}' in regel '{text}' is geen getal van hoogstens "
                         f"{MAX_NUMBER:.0e} (toegestaan: getallen, true, false en tekst in een "
                         "vergelijking met oordeel of ontwikkeling)")


def _kind(node: ast.AST, where: str, text: str, values: dict[str, set[str]]) -> str:
    """'getal' or 'tekst': what an expression gives. Text (a column that holds text, or text
    between quotes) may only be compared with == or != with text, and a text between quotes
    must be one of the column's values; everything else works on numbers."""
    if isinstance(node, ast.Name):
        return "tekst" if node.id in TEXT_COLUMNS else "getal"
    if isinstance(node, ast.Constant):
        return "tekst" if isinstance(node.value, str) else "getal"
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
        kinds = [_kind(part, where, text, values) for part in parts]
        for op, pair, pair_kinds in zip(node.ops, itertools.pairwise(parts),
                                        itertools.pairwise(kinds), strict=True):
            if len(set(pair_kinds)) > 1 or (
                    pair_kinds[0] == "tekst" and not isinstance(op, ast.Eq | ast.NotEq)):
                raise KaderError(f"{where}: regel '{text}' vergelijkt tekst met een getal of "
                                 "ordent tekst; vergelijk oordeel of ontwikkeling alleen met == "
                                 "of != met tekst, bijvoorbeeld oordeel == 'op_orde'")
            if pair_kinds[0] == "tekst":
                _text_pair(pair, where, text, values)
        return "getal"
    children = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
    if any(_kind(child, where, text, values) == "tekst" for child in children):
        raise KaderError(f"{where}: regel '{text}' rekent met tekst of gebruikt tekst als "
                         "voorwaarde; vergelijk oordeel of ontwikkeling met == of != met tekst")
    return "getal"


def _text_pair(pair: tuple[ast.expr, ast.expr], where: str, text: str,
               values: dict[str, set[str]]) -> None:
    """Text compared with text: a column with one of its values (or two text columns)."""
    names = [node.id for node in pair if isinstance(node, ast.Name)]
    quoted = [node.value for node in pair if isinstance(node, ast.Constant)]
    if not names:
        raise KaderError(f"{where}: regel '{text}' vergelijkt twee teksten; vergelijk een kolom "
                         "(oordeel, ontwikkeling) met tekst")
    for value in quoted:
        if value not in values[names[0]]:
            raise KaderError(f"{where}: {names[0]} {quote(value)} in regel '{text}' bestaat "
                             f"niet; bekend: {', '.join(sorted(values[names[0]]))}")


def boundaries(rules: list[Rule]) -> list[float]:
    """The numbers the rules compare with: where a rating can begin or end."""
    return sorted({float(node.value) for rule in rules for node in ast.walk(rule.tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, int | float)
                   and not isinstance(node.value, bool)})

