"""What the report notebooks show, prepared here so the notebooks stay thin.

Each function reads what ``bereken`` wrote (never raw exports, never a stand of its own) and
returns display-ready pieces: text in the letter's words (as HTML made by ``toon``, every text
from a file escaped), tables (:class:`tabellen.Tabel`: Dutch column names, figures the Dutch
way, downloadable), and the inputs of the charts. A report about a period shows the history up
to that period only; of the next period it shows only the taakstelling, as the letter does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from analysis import config, storage
from analysis.compute import resultaat
from analysis.compute.resultaat import Berekening
from analysis.domain import gemeenten
from analysis.domain.gemeenten import kies_gemeente, kies_provincie, provincie_codes
from analysis.domain.periods import (
    MONTHS_NL,
    datum_tekst,
    kies_periode,
    periode_einde,
    periode_tekst,
    volgende_periode,
)
from analysis.domain.resultaten import resultaten_block
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.problems import Refused
from analysis.report import begrippen, charts, toon
from analysis.report.getallen import als_tekst, getal, procent
from analysis.report.kaart import grenzen, stand_kaart
from analysis.report.kerncijfers import besluiten_van, kerncijfers
from analysis.report.tabellen import Tabel, excel, koppeling, navigatie

TABLE_COLUMNS = {
    "periode": "Periode", "stand_begin": "Stand begin", "taakstelling": "Taakstelling",
    "opgave": "Opgave", "realisatie": "Realisatie", "stand_eind": "Stand eind",
    "pct_taakstelling": "% taakstelling", "pct_totaalopgave": "% totaalopgave",
    "ontwikkeling": "Ontwikkeling", "oordeel_label": "Oordeel", "trede": "Trede",
    "advies_tekst": "Advies",
}
PERCENT = ("% taakstelling", "% totaalopgave")
FIGURES = ("stand_begin", "taakstelling", "opgave", "realisatie", "stand_eind")
DECISION_COLUMNS = {"datum": "Datum", "gemeente": "Gemeente", "soort": "Soort",
                    "kenmerk": "Kenmerk", "trede": "Trede", "reden": "Reden"}


@lru_cache(maxsize=4)
def _berekening(folder: Path, stamp: int) -> Berekening:
    return resultaat.load(folder)


def berekening(processed: str | Path | None = None) -> Berekening:
    """The computed result, read once per kernel as long as it does not change (the runner
    executes many reports in one kernel). Callers filter its tables; they do not modify them."""
    folder = processed_dir(processed)
    manifest = folder / storage.MANIFEST
    return _berekening(folder, manifest.stat().st_mtime_ns if manifest.exists() else 0)


def processed_dir(processed: str | Path | None) -> Path:
    """The processed folder a notebook was given, or the project's own."""
    return Path(processed) if processed else config.PROCESSED_DIR


def _kies(what: str, choose, *args) -> str:
    """A notebook parameter chosen as the CLI chooses it; its Dutch refusal names the
    parameter instead of the CLI's option."""
    try:
        return choose(*args)
    except Refused as error:
        raise Refused(f"{what}: {str(error).split(': ', 1)[-1]}") from None


def kies_periode_van(result: Berekening, periode: str) -> str:
    """``periode`` in any spelling ('1e helft 2024', '2024-H1'), checked against the data."""
    return _kies("periode", kies_periode, periode or None, result.periodes,
                 result.laatste_volledige)


def kies_gemeente_van(result: Berekening, gemeente: str) -> str:
    """The code of a municipality named or numbered any common way, checked against the data."""
    return _kies("gemeente", kies_gemeente, gemeente, result.gemeenten)


def _banner(running: bool, pace: pd.Series | None) -> HTML | None:
    """'**Voorlopig, cijfers t/m september 2025.** Het halfjaar loopt nog ...' for a half-year
    still running, else nothing."""
    if not running:
        return None
    until = ""
    if pace is not None:
        last = pd.Timestamp(pace["peildatum"]) - pd.offsets.MonthBegin(1)
        until = f", cijfers t/m {MONTHS_NL[last.month - 1]} {last.year}"
    return toon.alinea(toon.vet(f"Voorlopig{until}."), " Het halfjaar loopt nog: dit is het "
                       "tempo tot nu toe, geen oordeel.")


def _figures(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The stand columns with Dutch names, percentages as whole numbers (88 for 88 %), periods
    as the letter writes them; a running half-year has no end stand, percentages or
    development yet (left empty)."""
    frame = rows[[c for c in columns if c in rows]].copy()
    for column in ("pct_taakstelling", "pct_totaalopgave"):
        if column in frame:
            frame[column] = (frame[column] * 100).round(1)
    if "periode" in frame:
        frame["periode"] = frame["periode"].map(periode_tekst)
    if "trede" in frame:
        frame["trede"] = frame["trede"].astype(object).where(frame["trede"].fillna("") != "",
                                                             "geen")
    if "volledig" in rows and not rows["volledig"].astype(bool).all():
        running = ~rows["volledig"].astype(bool)
        for column in ("stand_eind", "pct_taakstelling", "pct_totaalopgave", "ontwikkeling"):
            if column in frame:
                frame[column] = frame[column].astype(object).where(~running, None)
    frame = frame.rename(columns=TABLE_COLUMNS)
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame.reset_index(drop=True)


def _display(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as text: Dutch figures, percentages as '88 %'."""
    shown = data.copy()
    for column in PERCENT:
        if column in shown:
            shown[column] = shown[column].astype("Float64") / 100
    return als_tekst(shown, procenten=[c for c in PERCENT if c in shown])


def _maand(stamp: pd.Timestamp) -> str:
    return f"{MONTHS_NL[stamp.month - 1]} {stamp.year}"


def _besluiten_tabel(decided: pd.DataFrame, naam: str, bijschrift: str, bestand: str,
                     met_gemeente: bool) -> Tabel:
    """Decisions with date, soort, kenmerk, trede and reden in full."""
    decided = decided.assign(gemeente=gemeenten.naam(decided["gemeente_code"])).sort_values(
        ["datum", "gemeente"] if met_gemeente else ["datum"], kind="stable")
    columns = [c for c in DECISION_COLUMNS if met_gemeente or c != "gemeente"]
    data = decided[columns].rename(columns=DECISION_COLUMNS).reset_index(drop=True)
    data = data.astype(object).where(data.notna(), None)
    data["Datum"] = pd.to_datetime(data["Datum"])
    return Tabel(naam, bijschrift, data, als_tekst(data), bestand)


def _coa_tabel(rows: pd.DataFrame, bijschrift: str, bestand: str,
               met_gemeente: bool) -> Tabel:
    """Where the computed closing stand differs from the stand COA published."""
    rows = rows.sort_values(["periode", "gemeente_code"]).assign(
        gemeente=gemeenten.naam(rows["gemeente_code"]) if len(rows) else pd.Series(dtype=object))
    data = pd.DataFrame({
        **({"Gemeente": rows["gemeente"]} if met_gemeente else {}),
        "Periode": rows["periode"].map(periode_tekst),
        "Peildatum COA": pd.to_datetime(rows["peildatum"]),
        "Berekende stand": rows["stand_eind"], "Stand volgens COA": rows["coa_stand_eind"],
        "Verschil": rows["verschil"], "Bron": rows["bron_bestand"]}).reset_index(drop=True)
    return Tabel("Verschillen met COA", bijschrift, data, als_tekst(data), bestand)


@dataclass
class Gemeente:
    """Everything the municipality report shows."""

    code: str
    naam: str
    periode: str
    historie: pd.DataFrame
    beoordeling: pd.Series
    blok: str
    maanden: pd.DataFrame
    tempo: pd.Series | None
    verschillen: pd.DataFrame
    kader: str  # the beoordelingskader that gave the ratings
    besluiten: pd.DataFrame = field(default_factory=pd.DataFrame)  # the register, up to now
    coa_verschillen: pd.DataFrame = field(default_factory=pd.DataFrame)
    volgende: pd.Series | None = None  # the next taakstelling as known, and its version

    @property
    def _bestand(self) -> str:
        return f"{self.code.lower()}-{periode_tekst(self.periode).replace(' ', '-')}"

    @property
    def kop(self) -> HTML:
        """The report's heading; for a half-year still running, with the 'voorlopig' banner."""
        return toon.samen(toon.kop(f"{self.naam}, {periode_tekst(self.periode)}"), _banner(
            not self.beoordeling.get("volledig", True), self.tempo))

    @property
    def navigatie(self) -> HTML:
        """Links to the province overview and to the period's index."""
        return navigatie(koppeling("overzicht.html", "Overzicht van de provincie"),
                         koppeling("index.html", "Alle rapportages van deze periode"))

    @property
    def oordeel_tekst(self) -> HTML:
        """The rating, the rung GS recorded and the kader's advice (named as advice), then the
        reason; rating and rung in bold."""
        row = self.beoordeling
        rung = (("trede op de interventieladder: ", toon.vet(row["trede"]),
                 f" ({row['trede_besluit']})") if row["trede"]
                else ("geen trede op de interventieladder vastgelegd",))
        advice = ((f"; advies volgens het beoordelingskader: {row['advies_tekst']}",)
                  if row["advies_tekst"] else ())
        return toon.samen(
            toon.alinea(toon.vet(row["oordeel_label"]), f" (beoordelingskader {self.kader}), ",
                        *rung, *advice, "."),
            toon.alinea(row["reden"]))

    def tabel(self) -> Tabel:
        """The whole history up to this half-year, that half-year in bold on a light fill."""
        data = _figures(self.historie, [*TABLE_COLUMNS, "volledig"]).drop(
            columns=["volledig"], errors="ignore")
        own = (data["Periode"] == periode_tekst(self.periode)).to_numpy()
        mark = "font-weight: bold; background-color: #FFF2CC"
        return Tabel("Historie", f"Stand per halfjaar van {self.naam}, tot en met "
                     f"{periode_tekst(self.periode)}", data, _display(data),
                     f"historie-{self._bestand}.csv",
                     lambda styler: styler.apply(lambda column: np.where(own, mark, "")))

    def tabel_gemarkeerd(self) -> Tabel:
        """The history table (kept under its older name)."""
        return self.tabel()

    def verschillen_tabel(self) -> Tabel:
        """The months where the municipality's own report differs from COA's."""
        rows = self.verschillen
        data = pd.DataFrame({
            "Maand": [_maand(pd.Timestamp(m)) for m in rows.get("Maand", [])],
            **{c: rows[c].to_numpy() for c in ("COA", "Gemeente", "Verschil", "Opvolgen")
               if c in rows}})
        return Tabel("Eigen rapportage", f"Verschillen tussen de eigen rapportage van "
                     f"{self.naam} en COA", data, als_tekst(data),
                     f"eigen-rapportage-{self._bestand}.csv")

    def besluiten_tabel(self) -> Tabel:
        """Every decision of the register about this municipality, up to this half-year."""
        return _besluiten_tabel(self.besluiten, "Besluiten", f"Besluiten over {self.naam}, "
                                f"tot en met {periode_tekst(self.periode)}",
                                f"besluiten-{self._bestand}.csv", met_gemeente=False)

    def coa_tabel(self) -> Tabel:
        """Half-years where the computed closing stand differs from COA's."""
        return _coa_tabel(self.coa_verschillen, f"Berekende stand en stand volgens COA van "
                          f"{self.naam}", f"verschillen-coa-{self._bestand}.csv",
                          met_gemeente=False)

    @property
    def vooruitblik(self) -> HTML:
        """The next half-year: its taakstelling as known, which version, and the opgave it
        brings with this half-year's closing stand."""
        following = periode_tekst(volgende_periode(self.periode))
        nxt = self.volgende
        if nxt is None:
            return toon.alinea(f"De taakstelling voor de {following} is nog niet bekend.")
        version = ""
        if pd.notna(nxt.get("versiedatum")):
            version = (f" (volgens de taakstellingstabel van "
                       f"{datum_tekst(pd.Timestamp(nxt['versiedatum']).date())})")
        parts = [toon.alinea("Taakstelling ", following, ": ",
                             toon.vet(getal(nxt["taakstelling"])), version, ".")]
        row = self.beoordeling
        if row.get("volledig", True) and pd.notna(row.get("stand_eind")):
            stand = int(row["stand_eind"])
            opgave = int(nxt["taakstelling"]) - stand
            end = datum_tekst(pd.Timestamp(row["peildatum_eind"]).date()) if pd.notna(
                row.get("peildatum_eind")) else datum_tekst(periode_einde(self.periode))
            parts.append(toon.alinea(
                f"Met de stand op {end} ({getal(stand)}) wordt de opgave voor de {following} ",
                toon.vet(getal(max(opgave, 0))),
                f" (resterende voorsprong {getal(-opgave)})." if opgave < 0 else "."))
        else:
            parts.append(toon.alinea(f"De opgave voor de {following} volgt uit de stand aan het "
                                     "eind van dit halfjaar."))
        return toon.samen(*parts)

    def begrippen(self) -> Tabel:
        """The short glossary."""
        data = begrippen.begrippen(kort=True)
        return Tabel("Begrippen", "Begrippen", data, data, "begrippen.csv")

    def tabellen(self) -> list[Tabel]:
        return [self.tabel(), self.besluiten_tabel(), self.coa_tabel(),
                self.verschillen_tabel()]

    def excel(self) -> HTML:
        """Every table of the page as one Excel file."""
        return excel(self.tabellen(), f"{self._bestand}.xlsx")


def gemeente(code: str, periode: str, processed: str | Path | None = None) -> Gemeente:
    """The municipality report's contents for one period; ``code`` may be a name or a number
    ('De Wolden', 'GM1690', '1690'), ``periode`` spelled any common way."""
    result = berekening(processed)
    code = _kies("gemeente_code", kies_gemeente, str(code), result.gemeenten)
    periode = kies_periode_van(result, periode)
    beoordeling = result.table("beoordeling")
    history = beoordeling[beoordeling["gemeente_code"] == code].sort_values("periode")
    if periode not in set(history["periode"]):
        raise Refused(f"geen gegevens voor gemeente {code} in {periode_tekst(periode)}")
    row = history.set_index("periode").loc[periode]
    naam = str(row["gemeente_naam"])
    pace = result.table("tempo")
    pace = pace[(pace["gemeente_code"] == code) & (pace["periode"] == periode)].sort_values(
        "peildatum")
    so_far = pace["realisatie_tot_nu"]
    months = pd.DataFrame({"maand": pace["peildatum"] - pd.offsets.MonthBegin(1),
                           "realisatie": so_far - so_far.shift(1, fill_value=0)})
    differences = result.table("afstemming")
    differences = differences[(differences["gemeente_code"] == code)
                              & (differences["periode"] <= periode)]
    register = result.table("besluiten")
    closing = pd.Timestamp(row["peildatum_eind"]) if pd.notna(row.get("peildatum_eind")) \
        else pd.Timestamp(periode_einde(periode))
    decided = register[(register["gemeente_code"] == code)
                       & ((register["datum"] <= closing) | (register["periode"] <= periode))]
    coa = result.table("coa_verschillen")
    coa = coa[(coa["gemeente_code"] == code) & (coa["periode"] <= periode)]
    return Gemeente(
        code=code, naam=naam, periode=periode, historie=history[history["periode"] <= periode],
        beoordeling=row,
        blok=resultaten_block(history, code, naam, periode), maanden=months,
        tempo=pace.iloc[-1] if len(pace) else None,
        verschillen=differences[["maand", "coa", "gemeente", "verschil", "opvolgen"]].rename(
            columns={"maand": "Maand", "coa": "COA", "gemeente": "Gemeente",
                     "verschil": "Verschil", "opvolgen": "Opvolgen"}),
        kader=result.kader_naam,
        besluiten=decided.sort_values(["datum", "besluit"], kind="stable"),
        coa_verschillen=coa, volgende=_volgende(result, history, code, periode, closing),
    )


def _volgende(result: Berekening, history: pd.DataFrame, code: str, periode: str,
              closing: pd.Timestamp) -> pd.Series | None:
    """The next half-year's taakstelling as the letter's block knows it (the stand's row for
    that half-year), with the version of the taakstelling table it comes from."""
    following = volgende_periode(periode)
    rows = history[history["periode"] == following]
    if rows.empty:
        return None
    taakstelling = result.table("taakstelling")
    value = int(rows.iloc[0]["taakstelling"])
    versions = taakstelling[(taakstelling["gemeente_code"] == code)
                            & (taakstelling["periode"] == following)
                            & (taakstelling["taakstelling"] == value)].sort_values("versiedatum")
    known = versions[versions["versiedatum"] <= closing]  # the version known at the peildatum
    found = (known.iloc[-1] if len(known) else versions.iloc[0] if len(versions)
             else pd.Series(dtype=object))
    return pd.Series({"taakstelling": value, "versiedatum": found.get("versiedatum")})


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

    @property
    def _bestand(self) -> str:
        return f"{self.naam.lower()}-{periode_tekst(self.periode).replace(' ', '-')}"

    @property
    def _rows(self) -> pd.DataFrame:
        return self.beoordeling[self.beoordeling["periode"] == self.periode]

    @property
    def kop(self) -> HTML:
        """The overview's heading with the kader; for a running half-year the banner."""
        rows = self._rows
        running = "volledig" in rows and not rows["volledig"].all()
        return toon.samen(toon.kop(f"{self.naam}, {periode_tekst(self.periode)}"),
                          _banner(running, self.tempo),
                          toon.alinea(f"Oordelen volgens het beoordelingskader {self.kader}."))

    @property
    def navigatie(self) -> HTML:
        return navigatie(koppeling("index.html", "Alle rapportages van deze periode"))

    def kaart(self) -> toon.Grafiek:
        """The stand per municipality on the map of the province when its boundaries were
        ingested, otherwise on the tile layout."""
        made = stand_kaart(self.beoordeling, self.grenzen, self.periode, self.naam)
        if made is None:
            return charts.tegels(self.beoordeling, self.periode, self.naam)
        return toon.Grafiek(made.figuur, made.alt)

    def tabel(self) -> Tabel:
        """All municipalities in the period with their numbers, rating, recorded rung, advice
        and verschoning, each name linking to its page, and the province's totals."""
        rows = self._rows.sort_values("gemeente_naam")
        data = _figures(rows, ["gemeente_naam", *[c for c in TABLE_COLUMNS if c != "periode"],
                               "volledig"]).drop(columns=["volledig"], errors="ignore")
        data = data.rename(columns={"gemeente_naam": "Gemeente"})
        excused = (rows["verschoond_personen"] if "verschoond_personen" in rows
                   else pd.Series(0, index=rows.index))
        data["Verschoning"] = [f"{getal(n)} personen" if n > 0 else None for n in excused]
        total = {"Gemeente": "Totaal provincie"}
        complete = "volledig" not in rows or rows["volledig"].astype(bool).all()
        for column in FIGURES:
            name = TABLE_COLUMNS[column]
            if name in data and (complete or column != "stand_eind"):
                total[name] = int(rows[column].sum())
        if complete and rows["taakstelling"].sum() > 0:
            total["% taakstelling"] = round(100 * rows["realisatie"].sum()
                                            / rows["taakstelling"].sum(), 1)
        if complete and rows["opgave"].clip(lower=0).sum() > 0:
            total["% totaalopgave"] = round(100 * rows["realisatie"].sum()
                                            / rows["opgave"].clip(lower=0).sum(), 1)
        data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
        data = data.astype(object).where(data.notna(), None)
        shown = _display(data)
        pages = [koppeling(f"gemeente-{code}.html", name)
                 for code, name in zip(rows["gemeente_code"], rows["gemeente_naam"], strict=True)]
        shown["Gemeente"] = pd.Series([*pages, "Totaal provincie"], dtype=object,
                                      index=shown.index)  # object: the links stay links
        last = len(data) - 1
        return Tabel("Gemeenten", f"Alle gemeenten van {self.naam}, "
                     f"{periode_tekst(self.periode)}", data, shown,
                     f"gemeenten-{self._bestand}.csv",
                     lambda styler: styler.apply(lambda column: np.where(
                         np.arange(len(column)) == last, "font-weight: bold", ""), axis=0))

    def kerncijfers_tabel(self) -> Tabel:
        data = self.kerncijfers.reset_index() if self.kerncijfers is not None else pd.DataFrame()
        return Tabel("Kerncijfers", f"Kerncijfers van {self.naam}, "
                     f"{periode_tekst(self.periode)}", data, als_tekst(data),
                     f"kerncijfers-{self._bestand}.csv")

    def besluiten_tabel(self) -> Tabel:
        return _besluiten_tabel(self.besluiten if self.besluiten is not None else
                                pd.DataFrame(columns=["gemeente_code", *DECISION_COLUMNS]),
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
            "Cijfers t/m": [_maand(pd.Timestamp(p) - pd.offsets.MonthBegin(1))
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
        return _coa_tabel(self.coa_verschillen, f"Berekende stand en stand volgens COA, "
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
        own = int(self._rows["taakstelling"].sum())
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
                procent(self._rows["realisatie"].sum() / own if own else None), "."))
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
    naam, codes = _kies("provincie", kies_provincie, naam, result.gemeenten)
    periode = kies_periode_van(result, periode)
    beoordeling = result.table("beoordeling")
    beoordeling = beoordeling[beoordeling["gemeente_code"].isin(codes)
                              & (beoordeling["periode"] <= periode)]
    taakstelling = result.table("taakstelling")
    known = nieuwste_versie(taakstelling[taakstelling["periode"] <= periode])
    inwoners = known.groupby("gemeente_code")["inwoners"].last()
    pace = result.table("tempo")
    pace = pace[pace["periode"] == periode].sort_values("peildatum")
    latest = pace[pace["peildatum"] == pace["peildatum"].max()] if len(pace) else pace
    coa = result.table("coa_verschillen")
    return Provincie(naam=naam, periode=periode, beoordeling=beoordeling, inwoners=inwoners,
                     kader=result.kader_naam, tempo=pace.iloc[-1] if len(pace) else None,
                     kerncijfers=kerncijfers(beoordeling, periode, result.treden).set_index(
                         "Onderwerp"), besluiten=_besluiten(result, naam, periode),
                     tempo_per_gemeente=latest[latest["gemeente_code"].isin(codes)],
                     coa_verschillen=coa[coa["gemeente_code"].isin(codes)
                                         & (coa["periode"] <= periode)],
                     landelijk=_landelijk(result, known, periode),
                     grenzen=grenzen(result.folder))


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
    covered = int(stand["taakstelling"].sum())
    return pd.Series({"landelijk_totaal": national, "taakstelling_in_gegevens": covered,
                      "realisatie_in_gegevens": int(stand["realisatie"].sum()),
                      "gemeenten_in_gegevens": int(stand["gemeente_code"].nunique()),
                      "heel_nederland": covered >= national or set(
                          provincie_codes("Nederland")) <= set(stand["gemeente_code"]),
                      "volledig": bool(stand["volledig"].all()) if "volledig" in stand
                      else True})


def _besluiten(result: Berekening, provincie: str, periode: str) -> pd.DataFrame:
    """The period's decisions for the province's municipalities, oldest first."""
    decided = besluiten_van(result.table("besluiten"), periode)
    return decided[decided["gemeente_code"].isin(provincie_codes(provincie))]
