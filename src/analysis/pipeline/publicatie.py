"""Which version a run publishes of a period, and what it writes into it.

Nothing published yet: version 1. A published period whose publication would say the same (see
:mod:`analysis.report.versies`): nothing new is published. Otherwise the next version, with the
list of what changed; the published folder is kept beside it as it is. Once the period's letters
are recorded as sent (``[verzonden]`` in the letters' settings), a new version writes a herziene
brief only to each municipality whose figures, rating, rung or decisions changed, citing the
letter that stands; the others' letters are not rewritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.compute.volledigheid import is_volledig
from analysis.domain.briefinstellingen import Adressering
from analysis.domain.periods import datum_tekst
from analysis.report import versies
from analysis.report.brieven.write import NO_KENMERK, Brief, Herziening, plan_brieven
from analysis.report.index import RECORD, read_record
from analysis.report.scenario import scenario


@dataclass
class Publicatie:
    """What a run publishes of a period: ``versie`` (None: nothing, the published one says the
    same), where the previous version is kept, what changed, and the herziene brieven."""

    versie: int | None
    inhoud: dict
    vorige: dict | None = None  # the published folder's run.json
    bewaar_als: Path | None = None
    wijzigingen: pd.DataFrame | None = None  # None: version 1, or the previous cannot say
    herzien: dict[str, Herziening] | None = None  # sent letters: the herziene brieven
    verzonden: dt.date | None = None
    vorige_versies: list[dict] = field(default_factory=list)  # kept versions, newest first


def letters_due(result: Berekening, periode: str, provincie: str, datum: dt.date) -> str | None:
    """Why no letters go out about ``periode`` (a scenario, a half-year still running); None
    when they do."""
    marked = scenario(result, provincie)
    if marked:
        return f"brieven niet gemaakt: {marked}"
    closing = result.kalender.peildatum(periode)
    if not is_volledig(result.table("stand"), periode) or datum < closing:
        return (f"brieven niet gemaakt: {periode} loopt nog (het COA-overzicht van de "
                f"peildatum {datum_tekst(closing)} ontbreekt)")
    return None


def plan(final: Path, result: Berekening, periode: str, codes: list[str], provincie: str,
         status: str, adressering: Adressering | None) -> Publicatie:
    """The publication of ``periode`` into ``final`` (``reports/<periode>``)."""
    due = adressering is not None and letters_due(result, periode, provincie,
                                                  result.kennisdatum) is None
    letters = plan_brieven(result, periode, codes, adressering) if due else None
    new = versies.inhoud(result, periode, codes, status, letters)
    _date_letters(new, letters, result.kennisdatum)
    record = read_record(final) if (final / RECORD).is_file() else None
    if record is None and not final.is_dir():
        return Publicatie(1, new | {"versie": 1})
    previous = int((record or {}).get("versie") or 1)
    old = versies.read_inhoud(final)
    changes = versies.wijzigingen(old, new) if old is not None else None
    if changes is not None and changes.empty:
        return Publicatie(None, old, record)
    sent = adressering.verzonden.get(periode) if adressering is not None else None
    herzien = None
    if sent is not None and due:
        herzien = _revisions(old, changes)
        _keep_sent_letters(new, old, herzien)
        revised = plan_brieven(result, periode, codes, adressering, herzien)
        for letter in revised:
            new["gemeenten"][letter.code]["brief"] |= {"kenmerk": letter.kenmerk,
                                                       "herziening": True}
    kept = [{"versie": previous, "map": versies.version_folder(final, previous).name,
             "kennisdatum": (record or {}).get("kennisdatum")}]
    listed = None if changes is None else changes.to_dict("records")
    return Publicatie(previous + 1, new | {"versie": previous + 1, "wijzigingen": listed}, record,
                      versies.version_folder(final, previous), changes, herzien, sent,
                      kept + list((record or {}).get("vorige_versies", [])))


def _date_letters(new: dict, letters: list[Brief] | None, datum: dt.date) -> None:
    """Note in the publication the date of each letter it writes."""
    for letter in letters or []:
        entry = new["gemeenten"][letter.code]["brief"]
        entry["datum"] = None if letter.bezwaren else datum.isoformat()


def _revisions(old: dict | None, changes: pd.DataFrame | None) -> dict[str, Herziening]:
    """A herziene brief to each municipality with a change, citing the letter that stands."""
    if old is None or changes is None:
        return {}
    revisions = {}
    for code, lines in versies.per_gemeente(changes).items():
        standing = (old["gemeenten"].get(code) or {}).get("brief") or {}
        if not standing.get("datum"):
            continue  # no letter was written to it, so none was sent
        revisions[code] = Herziening(dt.date.fromisoformat(standing["datum"]),
                                     standing.get("kenmerk") or NO_KENMERK, lines)
    return revisions


def _keep_sent_letters(new: dict, old: dict | None, herzien: dict[str, Herziening]) -> None:
    """The letter that stands for each municipality without a herziene brief is the one sent:
    the new publication carries it over, so that a later revision cites it."""
    for code, municipality in new["gemeenten"].items():
        if code not in herzien:
            municipality["brief"] = ((old or {}).get("gemeenten", {}).get(code) or {}).get(
                "brief")
