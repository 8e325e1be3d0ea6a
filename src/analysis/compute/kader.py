"""A province's beoordelingskader as configuration: ratings, their rules, and the ladder.

One TOML file per province in ``kaders/`` (or any path). Rules are small expressions over the
roll-forward's columns and the history columns (``gemist_op_rij``, ``achterstand_op_rij``),
written like Python (``stand_eind < 0 and not taakstelling_gehaald``). They are parsed once,
checked against the known columns and ratings, tried on a grid of every kind of half-year so that
overlapping or missing ratings are refused before anything is computed, and evaluated on whole
columns with numpy.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import operator
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute.afstemming import SOURCES
from analysis.compute.roll_forward import COLUMNS, ONTWIKKELINGEN, rollforward
from analysis.config import KADERS_DIR
from analysis.tomlfile import TomlFileError, read_toml, soort

HISTORY = ["gehaald", "gemist_op_rij", "achterstand_op_rij", "inwoners", "achterstand_per_10000",
           "cum_taakstelling", "cum_realisatie", "pct_cumulatief"]
NORMS = ("taakstelling", "totaalopgave")
# what the decision register says on the peildatum (see beoordeling.register_kolommen)
REGISTER_COLUMNS = ["plan_van_aanpak_status", "afspraak_aantal", "afspraak_verlopen"]
PLAN_STATUS = {"gevraagd": 1, "ontvangen": 2, "akkoord": 3}
RULE_COLUMNS = [c for c in COLUMNS if c not in ("gemeente_code", "periode")] + HISTORY + \
    REGISTER_COLUMNS
# the ladder rules may also use the rung GS recorded (-1 where none is recorded)
LADDER_COLUMNS = [*RULE_COLUMNS, "oordeel", "verschoond", "trede_nummer"]
# what a verschoning does to the advice: no escalation (the seed's "niet verder opschalen"),
# no step either way, or nothing
ON_EXCUSE = ("niet_opschalen", "bevriezen", "doorlopen")
MAX_UITLOOP = 62
# the columns that hold text (the rating's code); every other column is a number or a boolean
TEXT_COLUMNS = ("ontwikkeling", "oordeel")
# bounds that keep a rule cheap to check and a text fit for a report
MAX_RULE = 2_000  # characters
MAX_DEPTH = 50  # nesting of parentheses, not and operations
MAX_NUMBER = 1e12
MAX_PROBES = 2_000_000  # rows of the probe grid
LENGTHS = {"naam": 100, "toelichting": 2_000, "code": 40, "label": 200, "trede": 100}


class KaderError(ValueError):
    """A beoordelingskader that does not make sense; the message is Dutch."""


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


@dataclass(frozen=True)
class Oordeel:
    """A rating: a rule, or the rating given instead of others when a municipality is excused."""

    code: str
    label: str
    kleur: str
    regel: Rule | None
    bij_verschoning_van: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kader:
    """A province's beoordelingskader."""

    naam: str
    toelichting: str
    path: Path
    oordelen: tuple[Oordeel, ...]
    treden: tuple[str, ...]
    opschalen: Rule
    afschalen: Rule
    bij_verschoning: str
    leidende_bron: str = "COA"
    norm: str = "taakstelling"  # what 'gehaald' and the counters judge: see NORMS
    uitloop_dagen: int = 0  # realisatie this many days after a half-year still counts for it
    sha256: str = ""

    def oordeel(self, code: str) -> Oordeel:
        """The rating with this code."""
        return next(o for o in self.oordelen if o.code == code)


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


def _rule(text: object, where: str, columns: list[str], ratings: set[str] | None = None) -> Rule:
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
            raise KaderError(f"{where}: {names[0]} {_shown(value)} in regel '{text}' bestaat "
                             f"niet; bekend: {', '.join(sorted(values[names[0]]))}")


def boundaries(rules: list[Rule]) -> list[float]:
    """The numbers the rules compare with: where a rating can begin or end."""
    return sorted({float(node.value) for rule in rules for node in ast.walk(rule.tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, int | float)
                   and not isinstance(node.value, bool)})


def probe_frame(norm: str = "taakstelling", edges: list[float] = (), register: bool = False,
                where: str = "beoordelingskader") -> pd.DataFrame:
    """Every kind of half-year: the roll-forward's columns for a grid of stands, targets and
    realisations, with histories of every length, judged on the kader's ``norm``. Around every
    number a rule compares with (``edges``) the grid holds the values just below, at and just
    above it, for stands and counts, and for percentages (at a taakstelling of 100), so a gap or
    overlap between ratings cannot fall between the probes."""
    near = {int(np.floor(edge)) + step for edge in edges for step in (-1, 0, 1)}
    shares = {round(edge * 100) + step for edge in edges if 0 < abs(edge) < 10
              for step in (-1, 0, 1)}
    begins = sorted({-20, -5, 0, 5, 20, *near})
    targets = sorted({0, 10, 100, *(n for n in near if n >= 0)})
    realised = sorted({0, 5, 10, 30, *(n for n in near | shares if n >= 0)})
    streaks = sorted({0, 1, 4, *(n for n in near if 0 <= n <= 20)})
    deals = sorted({0, 10, *(n for n in near if n >= 0)})
    size = len(begins) * len(targets) * len(realised) * len(streaks) * (
        (len(PLAN_STATUS) + 1) * len(deals) * 2 if register else 1)
    if size > MAX_PROBES:
        raise KaderError(f"{where}: de regels vergelijken met te veel verschillende getallen "
                         f"({len(edges)}) om elk geval na te gaan; gebruik er minder")
    grid = list(itertools.product(begins, targets, realised, streaks))
    codes = [f"P{i:05d}" for i in range(len(grid))]
    flows = pd.DataFrame({"gemeente_code": codes, "periode": "2024-H1",
                          "taakstelling": [g[1] for g in grid], "realisatie": [g[2] for g in grid]})
    opening = pd.DataFrame({"gemeente_code": codes, "periode": "2024-H1",
                            "stand": [g[0] for g in grid]})
    frame = rollforward(flows, opening)
    streak = np.array([g[3] for g in grid])
    frame["gehaald"] = frame[f"{norm}_gehaald"]
    frame["gemist_op_rij"] = np.where(frame["gehaald"], 0, np.maximum(streak, 1))
    frame["achterstand_op_rij"] = np.where(frame["stand_eind"] < 0, np.maximum(streak, 1), 0)
    frame["inwoners"] = 10_000  # so that the backlog per 10,000 is the backlog itself
    frame = add_cumulative(frame)
    if not register:
        return frame.assign(plan_van_aanpak_status=0, afspraak_aantal=0, afspraak_verlopen=False)
    # every state of the register the rules name, for every kind of half-year
    states = np.array(list(itertools.product(range(len(PLAN_STATUS) + 1), deals, (0, 1))))
    tiled = np.tile(states, (len(frame), 1))
    frame = frame.loc[frame.index.repeat(len(states))].reset_index(drop=True)
    return frame.assign(plan_van_aanpak_status=tiled[:, 0], afspraak_aantal=tiled[:, 1],
                        afspraak_verlopen=tiled[:, 2].astype(bool))


def add_cumulative(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns rules may use beyond one half-year: cumulative taakstelling and realisatie
    per municipality over the periods so far, their ratio, and the backlog per 10,000
    inhabitants (rows sorted by municipality and period)."""
    group = frame.groupby("gemeente_code", sort=False)
    frame["cum_taakstelling"] = group["taakstelling"].cumsum()
    frame["cum_realisatie"] = group["realisatie"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["pct_cumulatief"] = np.where(frame["cum_taakstelling"] > 0, frame["cum_realisatie"]
                                           / frame["cum_taakstelling"], np.nan)
        people = frame["inwoners"].astype("float64") if "inwoners" in frame else np.nan
        frame["achterstand_per_10000"] = np.maximum(-frame["stand_eind"], 0) / people * 10_000
    return frame


def _check_ratings(oordelen: tuple[Oordeel, ...], where: str, norm: str) -> None:
    """Exactly one rule-based rating must hold for every kind of half-year."""
    ruled = [o for o in oordelen if o.regel is not None]
    rules = [o.regel for o in ruled]
    names = {node.id for rule in rules for node in ast.walk(rule.tree)
             if isinstance(node, ast.Name)}
    frame = probe_frame(norm, boundaries(rules), bool(names & set(REGISTER_COLUMNS)), where)
    hits = np.column_stack([o.regel.evaluate(frame) for o in ruled])
    counts = hits.sum(axis=1)
    shown = ["stand_begin", "taakstelling", "realisatie", "stand_eind", "gemist_op_rij"]
    if (counts == 0).any():
        row = frame.iloc[int(np.argmax(counts == 0))]
        example = ", ".join(f"{c}={row[c]}" for c in shown)
        raise KaderError(f"{where}: geen enkel oordeel geldt bijvoorbeeld bij {example}; de "
                         "regels moeten samen elk geval dekken")
    if (counts > 1).any():
        index = int(np.argmax(counts > 1))
        row = frame.iloc[index]
        both = [o.code for o, hit in zip(ruled, hits[index], strict=True) if hit]
        example = ", ".join(f"{c}={row[c]}" for c in shown)
        raise KaderError(f"{where}: de oordelen {' en '.join(repr(b) for b in both)} gelden "
                         f"allebei bij {example}; de regels mogen niet overlappen")


TOP_KEYS = ("naam", "toelichting", "leidende_bron", "norm", "uitloop_dagen", "oordelen",
            "ladder")
RATING_KEYS = ("code", "label", "kleur", "regel", "bij_verschoning_van")
LADDER_KEYS = ("treden", "opschalen", "afschalen", "bij_verschoning")


def load_kader(name: str | Path) -> Kader:
    """A beoordelingskader by province name (``drenthe``) or path, checked completely."""
    path = Path(name)
    if not path.suffix:
        path = KADERS_DIR / f"{str(name).strip().lower().replace(' ', '-')}.toml"
    where = f"beoordelingskader {path.name}"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in KADERS_DIR.glob("*.toml")))
        raise KaderError(f"{where} niet gevonden (meegeleverd: {known})")
    try:
        data, content = read_toml(path)
    except TomlFileError as error:
        raise KaderError(f"{where}: {error}") from None
    raw_ratings = _required(data, "oordelen", list, where, "blokken [[oordelen]]")
    ladder = _required(data, "ladder", dict, where, "een tabel [ladder]")
    oordelen = tuple(_oordeel(item, f"{where}, oordeel {number}")
                     for number, item in enumerate(raw_ratings, start=1))
    codes = [o.code for o in oordelen]
    if len(set(codes)) != len(codes):
        raise KaderError(f"{where}: oordeelcodes komen dubbel voor: {', '.join(codes)}")
    for o in oordelen:
        unknown = set(o.bij_verschoning_van) - set(codes)
        if unknown:
            raise KaderError(f"{where}: oordeel '{o.code}' verwijst naar onbekend oordeel "
                             f"{', '.join(sorted(unknown))}")
    treden = _required(ladder, "treden", list, f"{where}, ladder", "een lijst van treden")
    if not all(_short_text(t, "trede") for t in treden):
        raise KaderError(f"{where}, ladder.treden: elke trede is tekst van hoogstens "
                         f"{LENGTHS['trede']} tekens")
    if len(treden) < 2 or len(set(treden)) != len(treden):
        raise KaderError(f"{where}: de ladder heeft minstens twee verschillende treden nodig")
    on_excuse = ladder.get("bij_verschoning", "niet_opschalen")
    if not isinstance(on_excuse, str) or on_excuse not in ON_EXCUSE:
        raise KaderError(f"{where}: bij_verschoning {_shown(on_excuse)} bestaat niet; kies "
                         f"{' of '.join(ON_EXCUSE)}")
    _known_keys(data, TOP_KEYS, where)
    _known_keys(ladder, LADDER_KEYS, f"{where}, [ladder]")
    kader = Kader(
        naam=_text_field(data, "naam", where, required=True),
        toelichting=_text_field(data, "toelichting", where), path=path,
        oordelen=oordelen, treden=tuple(treden),
        opschalen=_rule(_required(ladder, "opschalen", object, f"{where}, ladder", "een regel"),
                        f"{where}, ladder.opschalen", LADDER_COLUMNS, set(codes)),
        afschalen=_rule(_required(ladder, "afschalen", object, f"{where}, ladder", "een regel"),
                        f"{where}, ladder.afschalen", LADDER_COLUMNS, set(codes)),
        bij_verschoning=on_excuse,
        leidende_bron=_leading(data.get("leidende_bron", "COA"), where),
        norm=_norm(data.get("norm", "taakstelling"), where),
        uitloop_dagen=_uitloop(data.get("uitloop_dagen", 0), data.get("leidende_bron", "COA"),
                               where),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    if not any(o.regel for o in oordelen):
        raise KaderError(f"{where}: geen enkel oordeel heeft een regel")
    _check_ratings(oordelen, where, kader.norm)
    return kader


def _shown(value: object) -> str:
    """A value as a message quotes it: never longer than a line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _required(table: dict, key: str, kind: type, where: str, expected: str):
    """A key that must be there, with a value of the kind expected."""
    if key not in table:
        raise KaderError(f"{where}: verplichte sleutel '{key}' ontbreekt (verwacht {expected})")
    if not isinstance(table[key], kind):
        raise KaderError(f"{where}: {key} is {soort(table[key])}; verwacht {expected}")
    return table[key]


def _known_keys(table: dict, known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise KaderError(f"{where}: onbekende sleutel {', '.join(map(_shown, unknown))} "
                         f"(bekend: {', '.join(known)})")


def _short_text(value: object, field: str) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= LENGTHS[field]


def _text_field(table: dict, key: str, where: str, required: bool = False) -> str:
    """Text a report shows (a name, a label, an explanation), not longer than it needs."""
    if key not in table and not required:
        return ""
    value = _required(table, key, str, where, "tekst")
    if not _short_text(value, key) and (required or value):
        raise KaderError(f"{where}: {key} moet tekst zijn van 1 tot {LENGTHS[key]} tekens (nu "
                         f"{len(value)})")
    return value


def _leading(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in SOURCES:
        raise KaderError(f"{where}: leidende_bron {_shown(value)} bestaat niet; kies "
                         f"{' of '.join(SOURCES)}")
    return str(value)


def _norm(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in NORMS:
        raise KaderError(f"{where}: norm {_shown(value)} bestaat niet; kies {' of '.join(NORMS)} "
                         "(taakstelling: de opgave gehuisvest; totaalopgave: de stand eindigt op "
                         "0 of hoger)")
    return str(value)


def _uitloop(value: object, leading: object, where: str) -> int:
    """Days after a half-year's end that still count for it: a whole number from 0 to
    ``MAX_UITLOOP``; counting per day needs COA (municipalities report per month)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UITLOOP:
        raise KaderError(f"{where}: uitloop_dagen '{str(value)[:40]}' is geen geheel getal van "
                         f"0 tot en met {MAX_UITLOOP} (24 betekent: de telling sluit op 25 "
                         "januari en 25 juli)")
    if value and leading != "COA":
        raise KaderError(f"{where}: uitloop_dagen vraagt een telling per dag en kan niet samen met "
                         f"leidende_bron '{leading}' (gemeenten rapporteren per maand)")
    return value


def _oordeel(item: object, where: str) -> Oordeel:
    """One [[oordelen]] block; ``where`` names the file and the block's number."""
    if not isinstance(item, dict):
        raise KaderError(f"{where}: verwacht een blok [[oordelen]] met code, label, kleur en "
                         f"regel, gevonden {soort(item)}")
    code = _required(item, "code", str, where, "tekst")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code) or len(code) > LENGTHS["code"]:
        raise KaderError(f"{where}: code {_shown(code)} moet een woord zijn van letters, "
                         f"cijfers, _ of - (hoogstens {LENGTHS['code']} tekens)")
    where = f"{where.rsplit(', oordeel ', 1)[0]}, oordeel '{code}'"
    _known_keys(item, RATING_KEYS, where)
    label = _text_field(item, "label", where, required=True)
    kleur = item.get("kleur", "")
    if not isinstance(kleur, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", kleur):
        raise KaderError(f"{where} heeft geen kleur als '#rrggbb'")
    excused = item.get("bij_verschoning_van", [])
    if not isinstance(excused, list) or not all(isinstance(c, str) for c in excused):
        raise KaderError(f"{where}: bij_verschoning_van moet een lijst van oordeelcodes zijn, "
                         "bijvoorbeeld [\"onvoldoende\"]")
    if ("regel" in item) == bool(excused):
        raise KaderError(f"{where} heeft óf een regel óf bij_verschoning_van nodig, niet "
                         "allebei of geen van beide")
    rule = _rule(item["regel"], where, RULE_COLUMNS) if "regel" in item else None
    return Oordeel(code=code, label=label, kleur=kleur, regel=rule,
                   bij_verschoning_van=tuple(excused))
