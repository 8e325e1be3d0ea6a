"""The one computation: from the ingested tables to every table the products read.

Load inputs once (the ingested tables with the province's decisions, its beoordelingskader), process
them (roll forward, compare with COA, assess, reconcile, pace, monthly signals) as pure functions
of frames, and save the tables together with a manifest that records what made them: the kader
and its file hash, the leading source, the input files with their hashes, the period range, the
date up to which there are figures, and the package version. Every product reads this result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import __version__, hergebruik, options, storage
from analysis.compute import uitruil
from analysis.compute.afstemming import gemeenten_tegen_coa
from analysis.compute.beoordeling import beoordeel
from analysis.compute.coa_verschillen import coa_verschillen, telling_verschillen
from analysis.compute.cohorten import cohorten
from analysis.compute.herkomst import herkomst
from analysis.compute.kader import Kader
from analysis.compute.kennisdatum import bekend_op, besluiten_bekend
from analysis.compute.overgang import crosswalk, openingen, vouw
from analysis.compute.register import cohortbereik, load_register, load_verdelingen
from analysis.compute.roll_forward import rollforward
from analysis.compute.signalen import signalen
from analysis.compute.stromen import (
    coa_telling,
    geldende_overzichten,
    openingsstand,
    periode_realisatie,
    persoon_maanden,
    realisatie_bronnen,
    realisatie_maand,
    stromen,
)
from analysis.compute.tempo import tempo
from analysis.compute.volledigheid import laatste_volledige, status, volledig
from analysis.domain import briefinstellingen
from analysis.domain.besluiten import Register
from analysis.domain.gemeenten import naam
from analysis.domain.periods import datum_tekst
from analysis.domain.taakstelling_versies import geldende_taakstelling
from analysis.problems import Refused

INPUT_TABLES = ("taakstelling", "coa_overzicht", "realisatie_dag", "gemeente_rapportage",
                "bestanden", "besluiten_bron", "brieven_bron")
SETTINGS_TABLES = ("bestanden", "besluiten_bron", "brieven_bron")  # not counted as sources


@dataclass(frozen=True)
class Invoer:
    """Everything the computation reads, loaded once."""

    tables: dict[str, pd.DataFrame]
    # where the tables were read from, to record what a later 'bereken' may reuse
    # (analysis.hergebruik); None for tables held only in memory
    processed: Path | None = None

    @classmethod
    def from_folder(cls, processed: Path) -> Invoer:
        """The ingested tables, the decisions register among them, from the processed folder
        (and the letters' settings, whose hashes the manifest records)."""
        return cls({name: storage.read_table(processed, name) for name in INPUT_TABLES},
                   processed)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def register(self) -> Register | None:
        """The decisions file ingest stored, None when there was none."""
        table = self.tables.get("besluiten_bron")
        return None if table is None else Register.from_table(table)


def bereken(invoer: Invoer, kader: Kader, kennisdatum: dt.date) -> dict[str, pd.DataFrame]:
    """Every computed table, as a pure function of the inputs and the kader, from what was
    known on ``kennisdatum`` (see :mod:`analysis.compute.kennisdatum`)."""
    kalender = kader.kalender
    known = bekend_op(invoer.tables, kennisdatum)
    if known["taakstelling"].empty and not invoer["taakstelling"].empty:
        first = invoer["taakstelling"]["versiedatum"].min()
        raise Refused(f"{options.DATUM}: op {datum_tekst(kennisdatum)} was nog geen "
                      "taakstelling bekend (de eerste in de gegevens is gepubliceerd op "
                      f"{datum_tekst(first.date())}); kies een latere datum")
    overviews = geldende_overzichten(known["coa_overzicht"], kalender)
    person_months = persoon_maanden(known["realisatie_dag"], kalender)
    counted = coa_telling(person_months, overviews, kalender)
    months = realisatie_maand(counted, known["gemeente_rapportage"], kader.leidende_bron)
    realised = periode_realisatie(months, overviews, kader.leidende_bron, kalender)
    flows = geldende_taakstelling(stromen(known["taakstelling"], realised), kalender)
    overgang = crosswalk(flows["gemeente_code"], load_verdelingen(invoer.register))
    opening = openingen(openingsstand(overviews, months, kalender), overgang)
    folded = vouw(flows, overgang)
    # the half-years a decision may be about: those of the inputs, also the ones not known yet
    # on the kennisdatum (a later decision about them is checked, then left out as unknown)
    periodes = sorted(set(folded["periode"].astype(str))
                      | set(invoer["taakstelling"]["periode"].astype(str)))
    register = besluiten_bekend(load_register(
        invoer.register, sorted(folded["gemeente_code"].unique()), kader.treden, kalender,
        periodes, cohortbereik(periodes) if kader.cohorten else None), kennisdatum)
    # an art. 29(2) agreement moves persons between taakstellingen (the sum stays the same)
    stand = rollforward(uitruil.pas_toe(folded, known["taakstelling"], register, kalender),
                        opening, overgang)
    stand.insert(1, "gemeente_naam", naam(stand["gemeente_code"]))
    closing = pd.DatetimeIndex(kalender.peildatum_cutoff(stand["periode"]))
    stand["peildatum_begin"], stand["peildatum_eind"] = closing - pd.DateOffset(months=6), closing
    stand["volledig"] = volledig(stand, overviews, kalender, per_dag=len(person_months) > 0)
    stand["status"] = status(stand, overviews, kalender)
    stand["realisatie_bron"] = realisatie_bronnen(stand, months)
    # a running half-year that no source covers yet has no figure, not 0
    stand["realisatie_bekend"] = stand["volledig"].to_numpy(bool) | (
        stand["realisatie_bron"] != "").to_numpy()
    pace = tempo(stand, months)
    return {
        "realisatie_maand": months.reset_index(drop=True),
        "stand": stand,
        "coa_verschillen": coa_verschillen(stand, overviews, kalender),
        "telling_verschillen": telling_verschillen(person_months, overviews, kalender),
        "beoordeling": beoordeel(stand, kader, register, kennisdatum),
        "besluiten": register,
        "afstemming": gemeenten_tegen_coa(counted, known["gemeente_rapportage"],
                                          kader.leidende_bron),
        "tempo": pace,
        # the kader's checks inside a running half-year: an advice, never a rating
        "signalen": signalen(pace, stand, kader.maandsignalen, kennisdatum),
        "art29_toets": uitruil.art29_toets(known["taakstelling"], register),
        "cohorten": cohorten(stand, overgang, register, kader),
        "herkomst": herkomst(stand, known["taakstelling"], overviews, months,
                             known["realisatie_dag"], known["gemeente_rapportage"], opening,
                             kader.leidende_bron, kalender),
    }


def manifest(invoer: Invoer, kader: Kader, tables: dict[str, pd.DataFrame],
             kennisdatum: dt.date) -> dict:
    """What made the computed tables, for every product that reads them."""
    stand, pace = tables["stand"], tables["tempo"]
    figures_until = pace["peildatum"].max().date() if len(pace) else None
    decisions = invoer.register
    letters = invoer.tables.get("brieven_bron", briefinstellingen.empty_table())[
        ["rol", "bron_bestand", "bestand_hash"]].rename(
        columns={"bron_bestand": "bestand", "bestand_hash": "sha256"})  # settings, templates
    return {
        "pakket": {"naam": "analysis", "versie": __version__},
        "berekend_op": dt.datetime.now().isoformat(timespec="seconds"),
        "kennisdatum": kennisdatum.isoformat(),
        "beoordelingskader": {"naam": kader.naam, "toelichting": kader.toelichting,
                              "bestand": kader.path.name, "pad": str(kader.path.resolve()),
                              "sha256": kader.sha256,
                              "treden": list(kader.treden), "norm": kader.norm,
                              "bij_verschoning": kader.bij_verschoning,
                              "provincie": kader.provincie,
                              "oordelen": {o.code: {"label": o.label, "zin": o.zin,
                                                    "toezicht": o.toezicht}
                                           for o in kader.oordelen},
                              "vastgesteld": ({"datum": kader.vastgesteld.datum.isoformat(),
                                               "kenmerk": kader.vastgesteld.kenmerk}
                                              if kader.vastgesteld else None),
                              # only a kader that has them: the others' manifests stay as
                              # they were
                              **({"maandsignalen": [
                                  {"code": s.code, "label": s.label, "maanden": list(s.maanden),
                                   "regel": s.regel.text, "advies": s.advies}
                                  for s in kader.maandsignalen]} if kader.maandsignalen else {}),
                              "cohorten": ({"volgorde": kader.cohorten.volgorde,
                                            "termijn_halfjaren":
                                                kader.cohorten.termijn_halfjaren}
                                           if kader.cohorten else None)},
        "leidende_bron": kader.leidende_bron,
        "uitloop_dagen": kader.kalender.uitloop_dagen,
        "periodes": {"eerste": str(stand["periode"].min()),
                     "laatste": str(stand["periode"].max()),
                     "alle": sorted(stand["periode"].astype(str).unique().tolist()),
                     "laatste_volledige": laatste_volledige(stand)},
        "cijfers_tot": figures_until.isoformat() if figures_until else None,
        "gemeenten": sorted(stand["gemeente_code"].unique().tolist()),
        "bronnen": {name: len(invoer[name]) for name in INPUT_TABLES
                    if name not in SETTINGS_TABLES},
        "invoer": invoer["bestanden"][["bron_bestand", "bestand_hash"]].to_dict("records"),
        "besluiten": ({"bestand": decisions.naam, "sha256": decisions.sha256}
                      if decisions is not None else None),
        "brieven": letters.to_dict("records") or None,
        # what a later 'bereken' compares to reuse these tables (analysis.hergebruik)
        "vingerafdruk": None if invoer.processed is None else hergebruik.herkomst(
            invoer.processed, kader.sha256),
    }


def bereken_en_bewaar(invoer: Invoer, kader: Kader, processed: Path,
                      kennisdatum: dt.date) -> tuple[dict[str, pd.DataFrame], dict]:
    """Compute and save (the command ``bereken``); returns the tables and their manifest."""
    tables = bereken(invoer, kader, kennisdatum)
    record = manifest(invoer, kader, tables, kennisdatum)
    storage.write_computed(tables, record, processed)
    return tables, record
