"""Vintages of COA's overview: COA may re-issue the overview of a peildatum (voorlopig, then
definitief). Every vintage stays in the data with its provenance; the latest one counts.

A file's vintage is read from its own metadata ("Versie", "Aangemaakt op") when the layout has
them, else from its name ("..._voorlopig.xlsx", "..._definitief.xlsx", "..._v2.xlsx"). Vintages
are ordered by word (voorlopig or concept, then unmarked, then definitief), then by number, then
by the date the file was made. Two files for one peildatum that this cannot order are refused:
which one counts would otherwise be a guess.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.formatting import datum
from analysis.problems import Problem

WORD_RANK = {"concept": 1, "voorlopig": 1, "definitief": 3}
UNMARKED = 2
_WORD = re.compile(r"(concept|voorlopig|definitief)", re.IGNORECASE)
_NUMBER = re.compile(r"(?:^|[^a-z])v(?:ersie)?[ _-]?(\d+)(?![0-9-])", re.IGNORECASE)


def _marker(text: object) -> tuple[str | None, int, int]:
    """(the marker as written, word rank, number) found in a version text or a file name."""
    if not isinstance(text, str) or not text.strip():
        return None, UNMARKED, 0
    word, number = _WORD.search(text), _NUMBER.search(text)
    shown = " ".join(m.group(1).lower() for m in (word, number) if m) or None
    return (shown, WORD_RANK[word.group(1).lower()] if word else UNMARKED,
            int(number.group(1)) if number else 0)


def mark_vintages(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The overview rows with ``versie`` (the marker as found), ``geldend`` (whether this
    row's vintage counts for its municipality and peildatum, as far as the data goes) and
    ``vintage`` (its place in the order of vintages of that peildatum, 0 first), and a
    problem for every pair of files for one peildatum whose order cannot be told."""
    frame = frame.assign(**{c: frame.get(c)
                            for c in ("versie", "aangemaakt")})
    frame["aangemaakt"] = pd.to_datetime(frame["aangemaakt"])
    files = frame.drop_duplicates("bron_bestand")[
        ["bron_bestand", "bron_blad", "peildatum", "versie", "aangemaakt"]].copy()
    own = files["versie"].map(_marker)
    by_name = files["bron_bestand"].str.rsplit("/", n=1).str[-1].map(_marker)
    marker = own.where(own.map(lambda m: m[0] is not None), by_name)
    files["versie"] = marker.map(lambda m: m[0])
    files["_rang"] = marker.map(lambda m: m[1])
    files["_nummer"] = marker.map(lambda m: m[2])
    order = ["peildatum", "_rang", "_nummer", "aangemaakt"]
    tied = files[files.duplicated(order, keep=False) & files["peildatum"].notna()]
    problems = [
        Problem(first.bron_bestand, f"{len(group) - 1} ander(e) overzicht(en) voor peildatum "
                f"{datum(first.peildatum)} zonder te onderscheiden versie "
                f"({', '.join(group['bron_bestand'].iloc[1:])}); geef elk bestand een versie "
                "(voorlopig/definitief of een versienummer in de naam) of 'Aangemaakt op'",
                first.bron_blad)
        for _, group in tied.groupby(order, dropna=False)
        for first in [group.iloc[0]]]
    ranked = frame.drop(columns="versie").merge(
        files[["bron_bestand", "versie", "_rang", "_nummer"]], on="bron_bestand", how="left")
    ranked = ranked.sort_values(["gemeente_code", *order, "bron_bestand"], kind="stable",
                                na_position="first")
    ranked["geldend"] = ~ranked.duplicated(["gemeente_code", "peildatum"], keep="last")
    # 0 for the first vintage of a peildatum, 1 for its first re-issue, ...: the computation
    # takes the latest vintage that existed on its date of knowledge
    ranked["vintage"] = ranked.groupby(["gemeente_code", "peildatum"], dropna=False).cumcount()
    return ranked.drop(columns=["_rang", "_nummer"]).sort_index(), problems
