"""A province's beoordelingskader as configuration: ratings, their rules, and the ladder.

One TOML file per province in ``kaders/`` (or any path). Rules are small expressions over the
roll-forward's columns and the history columns (``gemist_op_rij``, ``achterstand_op_rij``),
written like Python (``stand_eind < 0 and not taakstelling_gehaald``). They are parsed once,
checked against the known columns and ratings, tried on a grid of every kind of half-year so that
overlapping or missing ratings are refused before anything is computed, and evaluated on whole
columns with numpy.

The parts, each with one job: :mod:`.terms` (the columns and words a kader uses, and
:class:`KaderError`), :mod:`.rules` (the rule language), :mod:`.model` (the :class:`Kader` and
its ratings), :mod:`.probes` (the grid that checks the ratings fit together),
:mod:`.maandsignalen` (the checks inside a running half-year on the monthly figures) and
:mod:`.load` (reading and checking the TOML). This package re-exports what the rest of the
tool imports.
"""

from analysis.compute.kader.load import (
    LADDER_KEYS,
    LENGTHS,
    RATING_KEYS,
    TOP_KEYS,
    load_kader,
)
from analysis.compute.kader.maandsignalen import HALF_YEAR_COLUMNS, SIGNAL_KEYS
from analysis.compute.kader.model import Kader, Maandsignaal, Oordeel
from analysis.compute.kader.probes import MAX_PROBES, add_cumulative, check_ratings, probe_frame
from analysis.compute.kader.rules import (
    MAX_DEPTH,
    MAX_NUMBER,
    MAX_RULE,
    Rule,
    boundaries,
    parse_rule,
)
from analysis.compute.kader.terms import (
    HISTORY,
    LADDER_COLUMNS,
    MAX_UITLOOP,
    NORMS,
    ON_EXCUSE,
    PLAN_STATUS,
    REGISTER_COLUMNS,
    RULE_COLUMNS,
    SIGNAL_COLUMNS,
    TEXT_COLUMNS,
    KaderError,
)

__all__ = [
    "HALF_YEAR_COLUMNS",
    "HISTORY",
    "LADDER_COLUMNS",
    "LADDER_KEYS",
    "LENGTHS",
    "MAX_DEPTH",
    "MAX_NUMBER",
    "MAX_PROBES",
    "MAX_RULE",
    "MAX_UITLOOP",
    "NORMS",
    "ON_EXCUSE",
    "PLAN_STATUS",
    "RATING_KEYS",
    "REGISTER_COLUMNS",
    "RULE_COLUMNS",
    "SIGNAL_COLUMNS",
    "SIGNAL_KEYS",
    "TEXT_COLUMNS",
    "TOP_KEYS",
    "Kader",
    "KaderError",
    "Maandsignaal",
    "Oordeel",
    "Rule",
    "add_cumulative",
    "boundaries",
    "check_ratings",
    "load_kader",
    "parse_rule",
    "probe_frame",
]
