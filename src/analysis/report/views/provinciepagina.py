"""The province overview: every municipality of the province in one half-year with the
province's totals, the pace within the half-year, the key figures for GS, the decisions of
the half-year, the differences with COA, the national comparison and the map."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from analysis.compute.berekening import Berekening
from analysis.compute.volledigheid import periode_status
from analysis.domain import gemeenten
from analysis.domain.gemeenten import kies_provincie, provincie_codes
from analysis.domain.periods import periode_tekst
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.formatting import als_tekst, getal, procent
from analysis.report import begrippen, charts, toon
from analysis.report.kaart import grenzen, stand_kaart
from analysis.report.kerncijfers import besluiten_van, kerncijfers
from analysis.report.scenario import scenario
from analysis.report.signalen import lopend_halfjaar, van
from analysis.report.tabellen import Tabel, excel, koppeling, navigatie
from analysis.report.totalen import FIGURES, totalen
from analysis.report.views.gedeeld import (
    DECISION_COLUMNS,
    PERCENT,
    TABLE_COLUMNS,
    banner,
    berekening,
    besluiten_tabel,
    cijfers,
    coa_tabel,
    identificatie,
    kies,
    kies_periode_van,
    maand,
    weergave,
)
from analysis.report.views.signalen import overzicht_tekst


@dataclass
class Provincie:
    """Everything the province overview shows."""

    naam: str
    periode: str
    beoordeling: pd.DataFrame  # every municipality and period: the stand and its assessment
    inwoners: pd.Series
    kader: str  # the beoordelingskader that gave the ratings
    tempo: pd.Series | None = None  # the latest pace in the period, for a running one
    kerncijfers: pd.DataFrame | None = None  # per rating and rung, totals (for GS)
    besluiten: pd.DataFrame | None = None  # the decisions about or dated in the period
    tempo_per_gemeente: pd.DataFrame = field(default_factory=pd.DataFrame)
    coa_verschillen: pd.DataFrame = field(default_factory=pd.DataFrame)
    landelijk: pd.Series | None = None  # the national figures the data has for the period
    grenzen: pd.DataFrame = field(default_factory=pd.DataFrame)  # municipality boundaries
    scenario: str | None = None  # why the ratings are a scenario (another province's kader)
    identificatie: HTML | None = None  # the line that dates and identifies the page
    # the municipalities with a monthly signal of the kader in the running half-year (this one
    # or the next); None without signals in the kader or without a running half-year
    signalen: HTML | None = None

    @property
    def _bestand(self) -> str:
        return f"{self.naam.lower()}-{periode_tekst(self.periode).replace(' ', '-')}"

    @property
    def _rows(self) -> pd.DataFrame:
        return self.beoordeling[self.beoordeling["periode"] == self.periode]

    @property
    def kop(self) -> HTML:
        """The overview's heading with the kader; for a running or provisional half-year the
        banner."""
        return toon.samen(toon.kop(f"{self.naam}, {periode_tekst(self.periode)}"),
                          self.identificatie,
                          banner(periode_status(self._rows, self.periode), self.tempo),
                          toon.alinea(toon.vet(self.scenario)) if self.scenario else None,
                          toon.alinea(f"Oordelen volgens het beoordelingskader {self.kader}."))

    @property
    def navigatie(self) -> HTML:
        return navigatie(koppeling("index.html", "Alle rapportages van deze periode"))

    def kaart(self) -> toon.Grafiek:
        """The stand per municipality on the map of the province when its boundaries were
        ingested, otherwise on the tile layout."""
        made = stand_kaart(self.beoordeling, self.grenzen, self.periode, self.naam)
        return made or charts.tegels(self.beoordeling, self.periode, self.naam)

    def tabel(self) -> Tabel:
        """All municipalities in the period with their numbers, rating, recorded rung, advice
        and verschoning, each name linking to its page, and the province's totals (no end
        stand or percentages while a municipality's half-year runs)."""
        rows = self._rows.sort_values("gemeente_naam")
        rows = rows.assign(trede=rows["trede_op_datum"])  # the rung on the report's date
        data = cijfers(rows, ["gemeente_naam", *[c for c in TABLE_COLUMNS if c != "periode"],
                              "volledig"]).drop(columns=["volledig"], errors="ignore")
        data = data.rename(columns={"gemeente_naam": "Gemeente"})
        excused = (rows["verschoond_personen"] if "verschoond_personen" in rows
                   else pd.Series(0, index=rows.index))
        data["Verschoning"] = [f"{getal(n)} personen" if n > 0 else None for n in excused]
        sums = totalen(rows)
        total = {"Gemeente": "Totaal provincie"}
        for column in FIGURES:
            name = TABLE_COLUMNS[column]
            if name in data and (sums.volledig or column != "stand_eind"):
                total[name] = getattr(sums, column)
        for name, value in zip(PERCENT, sums.percentages(), strict=True):
            if value is not None:
                total[name] = value
        data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
        data = data.astype(object).where(data.notna(), None)
        shown = weergave(data)
        pages = [koppeling(f"gemeente-{code}.html", name)
                 for code, name in zip(rows["gemeente_code"], rows["gemeente_naam"], strict=True)]
        shown["Gemeente"] = pd.Series([*pages, "Totaal provincie"], dtype=object,
                                      index=shown.index)  # object: the links stay links
        last = len(data) - 1
        return Tabel("Gemeenten", f"Alle gemeenten van {self.naam}, "
                     f"{periode_tekst(self.periode)}", data, shown,
                     f"gemeenten-{self._bestand}.csv",
                     lambda styler: styler.set_td_classes(pd.DataFrame(
                         np.where(np.arange(len(shown)) == last, "totaal", "")[:, None].repeat(
                             shown.shape[1], axis=1), index=shown.index,
                         columns=shown.columns)))

    def kerncijfers_tabel(self) -> Tabel:
        data = self.kerncijfers.reset_index() if self.kerncijfers is not None else pd.DataFrame()
        return Tabel("Kerncijfers", f"Kerncijfers van {self.naam}, "
                     f"{periode_tekst(self.periode)}", data, als_tekst(data),
                     f"kerncijfers-{self._bestand}.csv")

    def besluiten_tabel(self) -> Tabel:
        return besluiten_tabel(self.besluiten if self.besluiten is not None else
                               pd.DataFrame(columns=["gemeente_code", "besluit", "alle_gemeenten",
                                                       *DECISION_COLUMNS]),
                               "Besluiten", f"Besluiten over of in de "
                               f"{periode_tekst(self.periode)}",
                               f"besluiten-{self._bestand}.csv", met_gemeente=True)

    @property
    def _tempo_afgesloten(self) -> bool:
        """Whether the pace covers all six months of the half-year: its figures are final."""
        pace = self.tempo_per_gemeente
        return len(pace) > 0 and bool(pace["maanden"].eq(6).all())

    @property
    def tempo_uitleg(self) -> HTML:
        """What the pace table shows: for a half-year with all six months in, the realisation
        against the opgave (its end stand stands in the table above, not as a forecast)."""
        weg = ("bij een achterstand het halfjaar waarin die weg zou zijn bij het gemiddelde "
               "tempo van de laatste vier halfjaren: een prognose, geen oordeel.")
        if self._tempo_afgesloten:
            return toon.alinea("Alle zes maanden van het halfjaar zijn binnen. Per gemeente de "
                               "realisatie van het hele halfjaar tegen de opgave, en ", weg)
        return toon.alinea("Per gemeente de realisatie tot de laatste peildatum in het halfjaar "
                           "tegen het lineaire pad (na elke maand een zesde van de opgave), de "
                           "stand aan het eind als het tempo zo blijft, en ", weg)

    def tempo_tabel(self) -> Tabel:
        """Per municipality the realisation so far against the linear path, at the latest
        peildatum within the period; with all six months in, no projected end stand."""
        pace = self.tempo_per_gemeente
        closed = self._tempo_afgesloten
        data = pd.DataFrame({
            "Gemeente": gemeenten.naam(pace["gemeente_code"]) if len(pace) else [],
            "Cijfers t/m": [maand(pd.Timestamp(p) - pd.offsets.MonthBegin(1))
                            for p in pace.get("peildatum", [])],
            "Opgave": pace.get("opgave", []),
            "Realisatie" if closed else "Realisatie tot nu": pace.get("realisatie_tot_nu", []),
            "Lineair pad": pace.get("pad", pd.Series(dtype=float)).round(1),
            "Verschil met pad": pace.get("verschil_met_pad", pd.Series(dtype=float)).round(1),
            "Op schema": pace.get("op_schema", []),
            "Prognose stand eind": pace.get("prognose_stand_eind", []),
            "Achterstand weg in (prognose)": [periode_tekst(p) if isinstance(p, str) else None
                                              for p in pace.get("achterstand_weg_in", [])],
        }).reset_index(drop=True)
        if closed:
            data = data.drop(columns=["Prognose stand eind"])
        if len(data):
            data = data.sort_values("Gemeente", ignore_index=True)
        shown = als_tekst(data, decimalen={"Lineair pad": 1, "Verschil met pad": 1})
        return Tabel("Tempo", f"Tempo per gemeente in de {periode_tekst(self.periode)}", data,
                     shown, f"tempo-{self._bestand}.csv")

    def coa_tabel(self) -> Tabel:
        return coa_tabel(self.coa_verschillen, f"Berekende stand en stand volgens COA, "
                         f"{self.naam}", f"verschillen-coa-{self._bestand}.csv",
                         met_gemeente=True)

    @property
    def landelijk_tekst(self) -> HTML:
        """The province against the national total, as far as the data covers the country."""
        figures = self.landelijk
        if figures is None or pd.isna(figures.get("landelijk_totaal")):
            return toon.alinea("De gegevens noemen geen landelijke taakstelling voor dit "
                               "halfjaar.")
        national = int(figures["landelijk_totaal"])
        sums = totalen(self._rows)
        own = sums.taakstelling
        parts = [toon.alinea(
            f"De landelijke taakstelling voor de {periode_tekst(self.periode)} is ",
            toon.vet(getal(national)), f" personen; {self.naam} heeft daarvan ",
            toon.vet(getal(own)), f" ({procent(own / national, 1)}).")]
        covered = int(figures["taakstelling_in_gegevens"])
        if figures["heel_nederland"] and figures["volledig"] and covered > 0:
            parts.append(toon.alinea(
                "De gegevens bevatten elke gemeente van Nederland: landelijk is ",
                toon.vet(procent(figures["realisatie_in_gegevens"] / covered)),
                " van de taakstelling gerealiseerd; in ", self.naam, " ",
                procent(sums.realisatie / own if own else None), "."))
        else:
            parts.append(toon.alinea(
                f"De gegevens bevatten {getal(figures['gemeenten_in_gegevens'])} gemeenten, "
                f"samen {procent(covered / national, 1)} van de landelijke taakstelling; "
                "een landelijk percentage gerealiseerd volgt daar niet uit."))
        return toon.samen(*parts)

    def begrippen(self) -> Tabel:
        data = begrippen.begrippen()
        return Tabel("Begrippen", "Begrippen", data, data, "begrippen.csv")

    def tabellen(self) -> list[Tabel]:
        return [self.tabel(), self.tempo_tabel(), self.kerncijfers_tabel(),
                self.besluiten_tabel(), self.coa_tabel()]

    def excel(self) -> HTML:
        """Every table of the page as one Excel file."""
        return excel(self.tabellen(), f"{self._bestand}.xlsx")


def provincie(naam: str, periode: str, processed: str | Path | None = None) -> Provincie:
    """The province overview's contents for one period; ``periode`` spelled any common way."""
    result = berekening(processed)
    naam, codes = kies("provincie", kies_provincie, naam, result.gemeenten)
    periode = kies_periode_van(result, periode)
    beoordeling = result.table("beoordeling")
    beoordeling = beoordeling[beoordeling["gemeente_code"].isin(codes)
                              & (beoordeling["periode"] <= periode)]
    taakstelling = result.taakstelling
    known = nieuwste_versie(taakstelling[taakstelling["periode"] <= periode])
    inwoners = known.groupby("gemeente_code")["inwoners"].last()
    pace = result.table("tempo")
    pace = pace[pace["periode"] == periode].sort_values("peildatum")
    latest = pace[pace["peildatum"] == pace["peildatum"].max()] if len(pace) else pace
    coa = result.table("coa_verschillen")
    running = lopend_halfjaar(result, periode)
    signals = van(result, running)
    return Provincie(naam=naam, periode=periode, beoordeling=beoordeling, inwoners=inwoners,
                     kader=result.kader_naam, tempo=pace.iloc[-1] if len(pace) else None,
                     kerncijfers=kerncijfers(beoordeling, periode, result.treden).set_index(
                         "Onderwerp"), besluiten=_besluiten(result, codes, periode),
                     tempo_per_gemeente=latest[latest["gemeente_code"].isin(codes)],
                     coa_verschillen=coa[coa["gemeente_code"].isin(codes)
                                         & (coa["periode"] <= periode)],
                     landelijk=_landelijk(result, known, periode),
                     grenzen=grenzen(result.folder), scenario=scenario(result, naam),
                     identificatie=identificatie(
                         result, naam, periode, periode_status(beoordeling, periode)),
                     signalen=overzicht_tekst(signals[signals["gemeente_code"].isin(codes)],
                                              running))


def _landelijk(result: Berekening, known: pd.DataFrame, periode: str) -> pd.Series | None:
    """The national taakstelling of the period and how much of the country the data covers:
    the municipalities with a stand, their taakstelling and realisation, and whether they are
    every municipality of the country (all of the reference's, or their taakstelling adds up
    to the national total)."""
    rows = known[known["periode"] == periode]
    if rows.empty or rows["landelijk_totaal"].isna().all():
        return None
    national = int(rows["landelijk_totaal"].dropna().iloc[0])
    stand = result.table("stand")
    stand = stand[stand["periode"] == periode]
    data = totalen(stand)  # every municipality in the data, not only the province's
    return pd.Series({"landelijk_totaal": national, "taakstelling_in_gegevens": data.taakstelling,
                      "realisatie_in_gegevens": data.realisatie,
                      "gemeenten_in_gegevens": data.gemeenten,
                      "heel_nederland": data.taakstelling >= national or set(
                          provincie_codes("Nederland")) <= set(stand["gemeente_code"]),
                      "volledig": data.volledig})


def _besluiten(result: Berekening, codes: list[str], periode: str) -> pd.DataFrame:
    """The period's decisions for the province's municipalities (``codes``), oldest first."""
    decided = besluiten_van(result.table("besluiten"), periode)
    return decided[decided["gemeente_code"].isin(codes)]
