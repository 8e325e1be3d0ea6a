"""The words a beoordelingskader is written in: the columns its rules (and its monthly signals'
rules) may use, its norms, what a verschoning does to the advice, and the error a kader that does
not make sense raises.

Kept apart so that the rule language, the probe grid and the reading of the TOML share one
vocabulary without importing each other.
"""

from __future__ import annotations

import re

from analysis import schema
from analysis.compute.roll_forward import COLUMNS
from analysis.problems import Refused
from analysis.schema import quote

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
# what a maandsignaal's rule may use: the pace table's monthly columns within a running
# half-year (analysis.compute.signalen), never a figure or rating of the whole half-year
SIGNAL_COLUMNS = ["maanden", "maand", "stand_begin", "achterstand_begin", "taakstelling",
                  "opgave", "realisatie_maand", "realisatie_tot_nu", "pad", "verschil_met_pad",
                  "op_schema", "nog_te_realiseren", "prognose_stand_eind"]
# in which order housing clears a municipality's backlog cohorts ([cohorten] volgorde)
COHORT_ORDERS = ("oudste_eerst", "nieuwste_eerst")
MAX_TERMIJN_HALFJAREN = 20  # ten years: a longer default deadline is a typing error
# the columns that hold text (the rating's code); every other column is a number or a boolean
TEXT_COLUMNS = ("ontwikkeling", "oordeel")


class KaderError(Refused, ValueError):
    """A beoordelingskader that does not make sense; the message is Dutch."""



def code_word(block: dict, where: str, length: int) -> str:
    """A block's ``code``: one word of letters, digits, _ or -, as rules and products name it."""
    code = schema.text(block, "code", where, length)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        raise KaderError(f"{where}: code {quote(code)} moet een woord zijn van letters, "
                         f"cijfers, _ of - (hoogstens {length} tekens)")
    return code
