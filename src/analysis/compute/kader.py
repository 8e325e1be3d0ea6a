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
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute.afstemming import SOURCES
from analysis.compute.roll_forward import COLUMNS, rollforward
from analysis.config import KADERS_DIR

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


class KaderError(ValueError):
    """A beoordelingskader that does not make sense; the message is Dutch."""


@dataclass(frozen=True)
class Rule:
    """A parsed, checked expression over columns."""

    text: str
    tree: ast.Expression

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """The rule on every row, as a boolean array."""
        result = _evaluate(self.tree.body, frame)
        return np.broadcast_to(np.asarray(result, dtype=bool), (len(frame),)).copy()


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


def _evaluate(node: ast.AST, frame: pd.DataFrame):
    """Evaluate a checked expression tree on whole columns."""
    if isinstance(node, ast.Name):
        return frame[node.id].to_numpy()
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BoolOp):
        values = [np.asarray(_evaluate(v, frame), dtype=bool) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return combine.reduce(np.broadcast_arrays(*values))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, frame)
        return ~np.asarray(value, dtype=bool) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](_evaluate(node.left, frame), _evaluate(node.right, frame))
    if isinstance(node, ast.Compare):
        left, result = _evaluate(node.left, frame), True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, frame)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return result
    raise AssertionError(f"unchecked node {type(node).__name__}")


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
            ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, *_COMPARE, *_ARITHMETIC)


def _rule(text: object, where: str, columns: list[str], ratings: set[str] | None = None) -> Rule:
    """Parse and check a rule: only known columns, literals, comparisons, and/or/not."""
    if not isinstance(text, str) or not text.strip():
        raise KaderError(f"{where}: verwacht een regel als tekst, bijvoorbeeld 'stand_eind >= 0'")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise KaderError(f"{where}: regel '{text}' is niet leesbaar") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise KaderError(f"{where}: '{ast.unparse(node)}' is niet toegestaan in een regel "
                             "(alleen kolommen, getallen, vergelijkingen, and/or/not)")
        if isinstance(node, ast.Name) and node.id not in columns:
            raise KaderError(f"{where}: onbekende kolom '{node.id}' in regel '{text}'; bekend: "
                             f"{', '.join(columns)}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ratings is not None \
                and node.value not in ratings:
            raise KaderError(f"{where}: oordeel '{node.value}' in regel '{text}' bestaat niet; "
                             f"bekend: {', '.join(sorted(ratings))}")
    return Rule(text.strip(), tree)


def boundaries(rules: list[Rule]) -> list[float]:
    """The numbers the rules compare with: where a rating can begin or end."""
    return sorted({float(node.value) for rule in rules for node in ast.walk(rule.tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, int | float)
                   and not isinstance(node.value, bool)})


def probe_frame(norm: str = "taakstelling", edges: list[float] = (), register: bool = False
                ) -> pd.DataFrame:
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
    deals = sorted({0, 10, *(n for n in near if n >= 0)})
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
    frame = probe_frame(norm, boundaries(rules), register=bool(names & set(REGISTER_COLUMNS)))
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


def load_kader(name: str | Path) -> Kader:
    """A beoordelingskader by province name (``drenthe``) or path, checked completely."""
    path = Path(name)
    if not path.suffix:
        path = KADERS_DIR / f"{str(name).strip().lower().replace(' ', '-')}.toml"
    where = f"beoordelingskader {path.name}"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in KADERS_DIR.glob("*.toml")))
        raise KaderError(f"{where} niet gevonden (meegeleverd: {known})")
    content = path.read_bytes()
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise KaderError(f"{where}: geen geldige TOML ({error})") from None
    try:
        raw_ratings, ladder = data["oordelen"], data["ladder"]
        oordelen = tuple(_oordeel(item, where) for item in raw_ratings)
        codes = [o.code for o in oordelen]
        if len(set(codes)) != len(codes):
            raise KaderError(f"{where}: oordeelcodes komen dubbel voor: {', '.join(codes)}")
        for o in oordelen:
            unknown = set(o.bij_verschoning_van) - set(codes)
            if unknown:
                raise KaderError(f"{where}: oordeel '{o.code}' verwijst naar onbekend oordeel "
                                 f"{', '.join(sorted(unknown))}")
        treden = tuple(ladder["treden"])
        if len(treden) < 2 or len(set(treden)) != len(treden):
            raise KaderError(f"{where}: de ladder heeft minstens twee verschillende treden nodig")
        on_excuse = ladder.get("bij_verschoning", "niet_opschalen")
        if on_excuse not in ON_EXCUSE:
            raise KaderError(f"{where}: bij_verschoning '{on_excuse}' bestaat niet; kies "
                             f"{' of '.join(ON_EXCUSE)}")
        kader = Kader(
            naam=data["naam"], toelichting=data.get("toelichting", ""), path=path,
            oordelen=oordelen, treden=treden,
            opschalen=_rule(ladder["opschalen"], f"{where}, ladder.opschalen", LADDER_COLUMNS,
                            set(codes)),
            afschalen=_rule(ladder["afschalen"], f"{where}, ladder.afschalen", LADDER_COLUMNS,
                            set(codes)),
            bij_verschoning=on_excuse,
            leidende_bron=_leading(data.get("leidende_bron", "COA"), where),
            norm=_norm(data.get("norm", "taakstelling"), where),
            uitloop_dagen=_uitloop(data.get("uitloop_dagen", 0), data.get("leidende_bron", "COA"),
                                   where),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    except KeyError as missing:
        raise KaderError(f"{where}: verplichte sleutel {missing} ontbreekt") from None
    if not any(o.regel for o in oordelen):
        raise KaderError(f"{where}: geen enkel oordeel heeft een regel")
    _check_ratings(oordelen, where, kader.norm)
    return kader


def _leading(value: object, where: str) -> str:
    if value not in SOURCES:
        raise KaderError(f"{where}: leidende_bron '{value}' bestaat niet; kies "
                         f"{' of '.join(SOURCES)}")
    return str(value)


def _norm(value: object, where: str) -> str:
    if value not in NORMS:
        raise KaderError(f"{where}: norm '{value}' bestaat niet; kies {' of '.join(NORMS)} "
                         "(taakstelling: de opgave gehuisvest; totaalopgave: de stand eindigt op "
                         "0 of hoger)")
    return str(value)


def _uitloop(value: object, leading: object, where: str) -> int:
    """Days after a half-year's end that still count for it: a whole number from 0 to
    ``MAX_UITLOOP``; counting per day needs COA (municipalities report per month)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UITLOOP:
        raise KaderError(f"{where}: uitloop_dagen '{value}' is geen geheel getal van 0 tot en met "
                         f"{MAX_UITLOOP} (24 betekent: de telling sluit op 25 januari en 25 juli)")
    if value and leading != "COA":
        raise KaderError(f"{where}: uitloop_dagen vraagt een telling per dag en kan niet samen met "
                         f"leidende_bron '{leading}' (gemeenten rapporteren per maand)")
    return value


def _oordeel(item: dict, where: str) -> Oordeel:
    code = item["code"]
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(item.get("kleur", ""))):
        raise KaderError(f"{where}: oordeel '{code}' heeft geen kleur als '#rrggbb'")
    excused = tuple(item.get("bij_verschoning_van", ()))
    if ("regel" in item) == bool(excused):
        raise KaderError(f"{where}: oordeel '{code}' heeft óf een regel óf bij_verschoning_van "
                         "nodig, niet allebei of geen van beide")
    rule = _rule(item["regel"], f"{where}, oordeel '{code}'", RULE_COLUMNS) \
        if "regel" in item else None
    return Oordeel(code=code, label=item["label"], kleur=item["kleur"], regel=rule,
                   bij_verschoning_van=excused)
