"""What ``bereken`` wrote, as every product reads it: the computed tables and their manifest.

A product asked for a kader other than the one the tables were computed with refuses, in Dutch,
and names the command that computes them afresh; so one kader's ratings never appear under
another's name. Tables whose inputs were replaced by a later ingest are refused the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import options, storage
from analysis.compute.kader import load_kader
from analysis.domain.telkalender import Telkalender
from analysis.problems import Refused


@dataclass
class Berekening:
    """The computed tables of one ``bereken`` and what made them."""

    folder: Path
    manifest: dict
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """A computed or ingested table of this folder, read once. Callers do not modify it."""
        if name not in self._tables:
            self._tables[name] = storage.read_table(self.folder, name)
        return self._tables[name]

    @property
    def kennisdatum(self) -> dt.date:
        """The day whose knowledge the tables hold (see :mod:`analysis.compute.kennisdatum`):
        the date of the letters made from them; the day of computing for an older manifest."""
        day = self.manifest.get("kennisdatum") or self.manifest["berekend_op"][:10]
        return dt.date.fromisoformat(day)

    @property
    def taakstelling(self) -> pd.DataFrame:
        """Every taakstelling version published on or before the date of knowledge: what a
        product may cite (a later revision was not yet known)."""
        table = self.table("taakstelling")
        return table[(table["versiedatum"] <= pd.Timestamp(self.kennisdatum)).to_numpy()]

    @property
    def kader_naam(self) -> str:
        return self.manifest["beoordelingskader"]["naam"]

    @property
    def kader_toelichting(self) -> str:
        return self.manifest["beoordelingskader"]["toelichting"]

    @property
    def norm(self) -> str:
        """What the kader judges: the taakstelling or the totaalopgave."""
        return str(self.manifest["beoordelingskader"].get("norm", "taakstelling"))

    @property
    def kader_provincie(self) -> str | None:
        """The province whose kader gave the ratings (None: the kader names none)."""
        return self.manifest["beoordelingskader"].get("provincie")

    @property
    def kader_vastgesteld(self) -> tuple[dt.date, str] | None:
        """Date and kenmerk of the GS decision that adopted the kader, where recorded."""
        adopted = self.manifest["beoordelingskader"].get("vastgesteld")
        return (dt.date.fromisoformat(adopted["datum"]), adopted["kenmerk"]) if adopted \
            else None

    def oordeel_teksten(self, code: str) -> dict[str, str]:
        """The label of a rating and the kader's sentences for it in a letter (``zin``, the
        verdict; ``toezicht``, what it means for the supervision; empty where it has none)."""
        texts = self.manifest["beoordelingskader"].get("oordelen", {}).get(code, {})
        return {"label": texts.get("label", ""), "zin": texts.get("zin", ""),
                "toezicht": texts.get("toezicht", "")}

    @property
    def maandsignalen(self) -> list[dict]:
        """The kader's checks inside a running half-year (code, label, maanden, regel, advies);
        empty for a kader without them, whose products show no signals at all."""
        return list(self.manifest["beoordelingskader"].get("maandsignalen", []))

    @property
    def cohorten(self) -> dict | None:
        """The kader's ``[cohorten]`` (``volgorde``, ``termijn_halfjaren``), None when it does
        not track the backlog per half-year of origin: then no product shows cohorts."""
        return self.manifest["beoordelingskader"].get("cohorten")

    @property
    def bij_verschoning(self) -> str:
        """What a verschoning does to the ladder in the kader (niet_opschalen, bevriezen,
        doorlopen)."""
        return str(self.manifest["beoordelingskader"].get("bij_verschoning", "niet_opschalen"))

    @property
    def treden(self) -> list[str]:
        """The rungs of the kader's interventieladder, lowest first."""
        return list(self.manifest["beoordelingskader"].get("treden", []))

    @property
    def kalender(self) -> Telkalender:
        """The kader's counting calendar, from the days after a half-year that still count for
        it (``uitloop_dagen`` in the manifest)."""
        return Telkalender(int(self.manifest.get("uitloop_dagen", 0)))

    @property
    def leidende_bron(self) -> str:
        return self.manifest["leidende_bron"]

    @property
    def periodes(self) -> list[str]:
        """Every period with a computed stand, in order."""
        return sorted(self.table("stand")["periode"].unique().tolist())

    @property
    def laatste_volledige(self) -> str | None:
        """The latest half-year whose closing figures are in the data (the default period)."""
        return self.manifest["periodes"]["laatste_volledige"]

    @property
    def gemeenten(self) -> list[str]:
        """The codes of every municipality with a computed stand."""
        return list(self.manifest["gemeenten"])

    def gemeenten_in(self, periode: str) -> list[str]:
        """The codes with a computed stand in ``periode``: not those that had gone up in another
        by a herindeling (their successor's stand carries theirs)."""
        stand = self.table("stand")
        return stand.loc[stand["periode"] == periode, "gemeente_code"].astype(str).unique(
        ).tolist()


def _refuse(processed: Path, message: str) -> Refused:
    return Refused(f"{processed / storage.MANIFEST}: {message}")


def load(processed: Path, kader: str | Path | None = None) -> Berekening:
    """The result in ``processed``; with ``kader``, only if it was computed with that kader."""
    if not storage.has_table(processed, "bestanden"):
        raise Refused(f"{processed}: verwerkte gegevens ontbreken; voer eerst 'python -m "
                      "analysis ingest' uit, en daarna 'python -m analysis bereken'")
    ingested = storage.read_table(processed, "bestanden")
    manifest = storage.read_manifest(processed)
    made_with = manifest["beoordelingskader"]
    if kader is not None:
        asked = load_kader(kader)
        if asked.sha256 != made_with["sha256"]:
            same_file = (asked.naam, asked.path.name) == (made_with["naam"], made_with["bestand"])
            why = (f"het beoordelingskader {asked.path.name} is gewijzigd sinds de berekening"
                   if same_file else
                   f"de berekende gegevens zijn gemaakt met beoordelingskader {made_with['naam']} "
                   f"({made_with['bestand']}), niet met {asked.naam} ({asked.path.name})")
            raise _refuse(processed, f"{why}; voer eerst 'python -m analysis bereken "
                                     f"{options.KADER} {kader}' uit, of laat {options.KADER} "
                                     "weg")
    current = ingested[["bron_bestand", "bestand_hash"]].to_dict("records")
    if current != manifest["invoer"]:
        raise _refuse(processed, "de berekende gegevens horen niet bij de ingelezen bestanden "
                                 "(er is daarna opnieuw ingelezen); voer eerst "
                                 "'python -m analysis bereken' uit")
    return Berekening(processed, manifest)
