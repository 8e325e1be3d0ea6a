"""Problems found in input files, reported in Dutch with file, sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file; ``rij`` is the Excel row number (1-based)."""

    bestand: str
    melding: str
    blad: str | None = None
    rij: int | None = None
    kolom: str | None = None

    def __str__(self) -> str:
        where = [self.bestand]
        if self.blad is not None:
            where.append(f"blad '{self.blad}'")
        if self.rij is not None:
            where.append(f"rij {self.rij}")
        if self.kolom is not None:
            where.append(f"kolom {self.kolom}")
        return f"{', '.join(where)}: {self.melding}"


class InputError(Exception):
    """Input that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} probleem/problemen in de invoer")
        self.problems = problems

    def report(self) -> str:
        """The Dutch report a user reads."""
        count = len(self.problems)
        head = f"Inlezen afgebroken: {count} {'probleem' if count == 1 else 'problemen'} gevonden."
        lines = [head, *(f"- {problem}" for problem in self.problems)]
        lines.append("Er is niets weggeschreven; de vorige verwerkte gegevens zijn ongewijzigd.")
        return "\n".join(lines)


class Refused(Exception):
    """A command that cannot do what was asked (a bad argument, a missing or mismatching
    result); the message is Dutch and says why and what to do instead."""


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
