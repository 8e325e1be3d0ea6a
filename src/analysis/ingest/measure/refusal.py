"""How measuring refuses a workbook: :class:`WorkbookError` with its Dutch problem, and the
texts the measures and the readers share.
"""

from __future__ import annotations

from analysis.formatting import getal
from analysis.problems import Problem

NO_STORED_VALUE = "formule zonder opgeslagen waarde"
XML_BOMB = "werkmap bevat verboden XML-constructies (mogelijk een XML-bom); niet gelezen"


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; carries its Dutch problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def refuse(name: str, message: str, sheet: str | None = None) -> WorkbookError:
    return WorkbookError(Problem(bestand=name, blad=sheet, melding=message))


number = getal  # a count the Dutch way, 1.048.576, as the readers name it
