"""Versions of a published period: what a publication says, and what changed between two.

What a period folder says (per municipality its figures with their sources, rating, rung,
advice, the decisions cited and its letter's sentences; the period's status) is kept beside it
as ``inhoud.json``. A run whose publication would say the same as the published version
publishes nothing; one that would say anything else publishes the next version, and the
previous one stays beside it, every file unchanged, as ``<periode>.versie-<n>``. The list of
changes names per municipality and figure the old and the new value and the source or decision
that brought the change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.report.brieven.write import OPTIONAL_SENTENCES, SENTENCES, Brief
from analysis.report.verantwoording import bron_teksten, verantwoording

INHOUD = "inhoud.json"
ALLE = "(alle gemeenten)"  # how the list names a change of the whole period
COLUMNS = ["gemeente_code", "gemeente", "onderdeel", "was", "wordt", "oorzaak"]
HEADERS = {"gemeente": "Gemeente", "onderdeel": "Onderdeel", "was": "Was", "wordt": "Wordt",
           "oorzaak": "Oorzaak"}
NONE = "—"
# what the list calls each judgement of a municipality, in the order it lists them
JUDGEMENTS = {"oordeel": "Oordeel", "trede": "Trede op de interventieladder",
              "advies": "Advies volgens het beoordelingskader", "soort_brief": "Soort brief"}


def version_folder(final: Path, versie: int) -> Path:
    """Where version ``versie`` of the period folder ``final`` is kept once a later one is
    published: ``2024-H1.versie-1`` beside ``2024-H1``."""
    return final.with_name(f"{final.name}.versie-{versie}")


def read_inhoud(folder: Path) -> dict | None:
    """What the publication in ``folder`` says; None when it does not say (a folder made before
    versions were kept, or none)."""
    try:
        found = json.loads((folder / INHOUD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and "gemeenten" in found else None


def inhoud(result: Berekening, periode: str, codes: list[str], status: str,
           brieven: list[Brief] | None) -> dict:
    """What a publication of ``periode`` for ``codes`` says: per municipality each figure of
    the block with its value and source, its rating, rung and advice, the decisions cited and,
    where ``brieven`` plans its letter, the letter's kind, kenmerk and sentences."""
    trace = verantwoording(result, periode, codes)
    trace = trace.assign(bron_kort=bron_teksten(trace, bestanden=False),
                         afgeleid=trace["bron"] == "afgeleid")
    ratings = result.table("beoordeling")
    ratings = ratings[ratings["periode"] == periode].set_index("gemeente_code")
    letters = {letter.code: letter for letter in brieven or []}
    gemeenten = {}
    for code in codes:
        rows = trace[trace["gemeente_code"] == code]
        figures = rows[rows["onderdeel"] != "besluit"]
        rating = ratings.loc[code] if code in ratings.index else None
        gemeenten[code] = {
            "naam": str(rows["gemeente_naam"].iloc[0]) if len(rows) else code,
            "cijfers": [_figure(part) for _, part in figures.groupby("volgorde", sort=True)],
            "besluiten": rows.loc[rows["onderdeel"] == "besluit", "tekst"].tolist(),
            "oordeel": _text(rating, "oordeel_label"),
            "trede": _text(rating, "trede_op_datum"),
            "advies": _text(rating, "advies_tekst"),
            "brief": _letter(letters[code]) if code in letters else None,
        }
    return {"periode": periode, "status": status, "kennisdatum": result.kennisdatum.isoformat(),
            "beoordelingskader": result.kader_naam, "gemeenten": gemeenten}


def _text(row: pd.Series | None, column: str) -> str:
    if row is None or column not in row or pd.isna(row[column]):
        return ""
    return str(row[column])


def _figure(parts: pd.DataFrame) -> dict:
    """One figure of the block: its label, value (the sum of its parts), and sources."""
    values = parts["waarde"].dropna()
    return {"onderdeel": str(parts["onderdeel_tekst"].iloc[0]),
            "waarde": int(values.sum()) if len(values) else None,
            "bron": "; ".join(parts["tekst"]), "bron_kort": "; ".join(parts["bron_kort"]),
            "afgeleid": bool(parts["afgeleid"].all())}


def _letter(letter: Brief) -> dict:
    return {"soort": letter.soort, "kenmerk": letter.kenmerk, "bezwaren": letter.bezwaren,
            "zinnen": {key: str(letter.waarden[key]) for key in SENTENCES
                       if key in letter.waarden
                       and (key not in OPTIONAL_SENTENCES or letter.waarden[key])}}


def _shown(value: object) -> str:
    return NONE if value is None or value == "" else str(value)


def wijzigingen(old: dict, new: dict) -> pd.DataFrame:
    """What changed from the publication ``old`` to ``new``: per municipality and figure (and
    rating, rung, advice, decision, letter) the old and the new value and what caused it. Empty
    when the two say the same; dates of knowledge, sources that give the same figures, and
    kenmerken do not count as a change."""
    rows: list[dict] = []
    if old.get("status") != new.get("status"):
        causes = sorted({cause for code, municipality in new["gemeenten"].items()
                         for cause in _new_sources(old["gemeenten"].get(code), municipality)})
        rows.append(_row("", ALLE, "Status", old.get("status"), new.get("status"),
                         "; ".join(causes) or "de afsluitende overzichten van het COA"))
    for code in dict.fromkeys([*old["gemeenten"], *new["gemeenten"]]):
        rows += _municipality(code, old["gemeenten"].get(code), new["gemeenten"].get(code),
                              old.get("beoordelingskader") != new.get("beoordelingskader")
                              and new.get("beoordelingskader"))
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(code: str, naam: str, onderdeel: str, was: object, wordt: object,
         oorzaak: str) -> dict:
    return {"gemeente_code": code, "gemeente": naam, "onderdeel": onderdeel, "was": _shown(was),
            "wordt": _shown(wordt), "oorzaak": oorzaak}


def _new_sources(old: dict | None, new: dict) -> list[str]:
    """The sources (files, vintages, versions) a municipality's figures cite now and did not
    before: what brought a change."""
    before = {figure["bron_kort"] for figure in (old or {}).get("cijfers", [])}
    return [figure["bron_kort"] for figure in new["cijfers"]
            if not figure["afgeleid"] and figure["bron_kort"] not in before]


def _municipality(code: str, old: dict | None, new: dict | None,
                  kader: str | bool) -> list[dict]:
    """The changes of one municipality."""
    naam = (new or old or {}).get("naam", code)
    if old is None or new is None:
        return [_row(code, naam, "Gemeente", NONE if old is None else "in deze periode",
                     NONE if new is None else "in deze periode",
                     "de gemeenten van de provincie in de gegevens")]
    rows = []
    before = {figure["onderdeel"]: figure for figure in old["cijfers"]}
    for figure in new["cijfers"]:
        was = before.get(figure["onderdeel"], {}).get("waarde")
        if was != figure["waarde"]:
            why = f"volgt uit {figure['bron_kort']}" if figure["afgeleid"] else figure[
                "bron_kort"]
            rows.append(_row(code, naam, figure["onderdeel"], was, figure["waarde"], why))
    added = [text for text in new["besluiten"] if text not in old["besluiten"]]
    removed = [text for text in old["besluiten"] if text not in new["besluiten"]]
    rows += [_row(code, naam, "Besluit", None, text, "nieuw in het besluitenregister")
             for text in added]
    rows += [_row(code, naam, "Besluit", text, None, "niet meer in het besluitenregister")
             for text in removed]
    causes = "; ".join(_new_sources(old, new) + [f"besluit: {text}" for text in added]) or (
        f"beoordelingskader {kader}" if kader else "")
    if not causes and rows:
        causes = "de gewijzigde cijfers hierboven"
    was, wordt = _judgements(old), _judgements(new)
    for key, label in JUDGEMENTS.items():
        if was[key] != wordt[key] and not (key == "soort_brief" and None in (was[key],
                                                                              wordt[key])):
            rows.append(_row(code, naam, label, was[key], wordt[key],
                             causes or "gewijzigde teksten van het beoordelingskader"))
    if not rows and old["brief"] and new["brief"]:
        sentences = old["brief"]["zinnen"], new["brief"]["zinnen"]
        rows += [_row(code, naam, f"Brief: {key}", sentences[0].get(key), value,
                      "gewijzigde teksten van het beoordelingskader of de brieven")
                 for key, value in sentences[1].items() if sentences[0].get(key) != value]
    return rows


def _judgements(municipality: dict) -> dict[str, str | None]:
    """Rating, rung, advice and the kind of letter (None without a letter) of a municipality."""
    return {"oordeel": municipality["oordeel"], "trede": municipality["trede"],
            "advies": municipality["advies"],
            "soort_brief": (municipality["brief"] or {}).get("soort")}


def read_changes(folder: Path) -> tuple[int | None, pd.DataFrame | None]:
    """The version a period folder holds and what changed in it against the previous one
    (None for version 1, or a folder made before versions were kept)."""
    found = read_inhoud(folder)
    if found is None:
        return None, None
    listed = found.get("wijzigingen")
    return found.get("versie"), None if listed is None else pd.DataFrame(listed,
                                                                          columns=COLUMNS)


def per_gemeente(changes: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """One line per change of each municipality, as a herziene brief lists them: 'Realisatie
    1e helft 2024: was 23, is nu 24 (COA-overzicht per 1 juli 2024 (heruitgave 1))'."""
    own = changes[changes["gemeente_code"] != ""]
    lines = own["onderdeel"] + ": was " + own["was"] + ", is nu " + own["wordt"] + " (" \
        + own["oorzaak"] + ")"
    return {str(code): tuple(group) for code, group in lines.groupby(own["gemeente_code"],
                                                                      sort=False)}


def werkblad(changes: pd.DataFrame) -> pd.DataFrame:
    """The list of changes as the workbook's sheet Wijzigingen shows it."""
    return changes.drop(columns="gemeente_code").rename(columns=HEADERS)
