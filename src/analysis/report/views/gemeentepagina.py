"""The municipality page: one municipality in one half-year, with its history up to that
half-year, its rating and rung, the decisions about it, where its figures differ from COA's
and from its own report, and a look ahead at the next half-year's taakstelling."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from analysis.domain.gemeenten import kies_gemeente, provincie
from analysis.domain.herindelingen import overgangen
from analysis.domain.periods import (
    datum_tekst,
    periode_einde,
    periode_of_dates,
    periode_start,
    periode_tekst,
    volgende_periode,
)
from analysis.domain.resultaten import resultaten_block
from analysis.domain.taakstelling_versies import volgende_taakstelling
from analysis.formatting import als_tekst, getal, opsomming
from analysis.problems import Refused
from analysis.report import begrippen, cohorttekst, toon
from analysis.report.scenario import scenario
from analysis.report.signalen import lopend_halfjaar, van
from analysis.report.tabellen import Tabel, excel, koppeling, navigatie
from analysis.report.verantwoording import verantwoording, zinnen
from analysis.report.views.gedeeld import (
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
from analysis.report.views.signalen import gemeente_tekst


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
    scenario: str | None = None  # why the ratings are a scenario (another province's kader)
    herkomst: list[str] = field(default_factory=list)  # where each figure comes from
    identificatie: HTML | None = None  # the line that dates and identifies the page
    # the kader's monthly signals for this municipality in the running half-year (this one or
    # the next), of its latest checked month; empty without signals in the kader
    signalen: pd.DataFrame = field(default_factory=pd.DataFrame)
    signalen_periode: str | None = None
    # the backlog per half-year of origin at this half-year's end; None: the kader does not
    # track it (then the page has no such section)
    cohorten: pd.DataFrame | None = None

    @property
    def _bestand(self) -> str:
        return f"{self.code.lower()}-{periode_tekst(self.periode).replace(' ', '-')}"

    @property
    def kop(self) -> HTML:
        """The report's heading; for a running or provisional half-year, the 'voorlopig' banner."""
        return toon.samen(toon.kop(f"{self.naam}, {periode_tekst(self.periode)}"),
                          self.identificatie,
                          banner(str(self.beoordeling["status"]), self.tempo),
            toon.alinea(toon.vet(self.scenario)) if self.scenario else None,
            *(toon.alinea(line) for line in self.herindelingen))

    @property
    def herindelingen(self) -> list[str]:
        """A sentence per herindeling by which the municipality took over a stand up to this
        half-year: from whom, on which day, how much; none where it took over none."""
        history = self.historie
        if "overgenomen" not in history:
            return []
        moved = history[history["overgenomen"].fillna(0).to_numpy() != 0]
        steps = overgangen()
        steps = steps[(steps["nieuw_code"] == self.code) & (steps["oud_code"] != self.code)]
        lines = []
        for row in moved.itertuples():
            start = periode_start(row.periode)
            these = steps[periode_of_dates(steps["datum"]).to_numpy() == row.periode]
            names = sorted(these["oud_naam"].astype(str))
            who = opsomming(names) or "haar voorgangers"
            day = these["datum"].min().date() if len(these) else start
            lines.append(f"Herindeling: {self.naam} nam op {datum_tekst(day)} de stand over van "
                         f"{who}, samen {getal(int(row.overgenomen))}; die zit in de stand op "
                         f"{datum_tekst(start)} ({getal(int(row.stand_begin))}).")
        return lines

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
        rung = (("trede op de interventieladder: ", toon.vet(row["trede_op_datum"]),
                 f" ({row['trede_op_datum_besluit']})") if row["trede_op_datum"]
                else ("geen trede op de interventieladder vastgelegd",))
        advice = ((f"; advies volgens het beoordelingskader: {row['advies_tekst']}",)
                  if row["advies_tekst"] else ())
        return toon.samen(
            toon.alinea(toon.vet(row["oordeel_label"]), f" (beoordelingskader {self.kader}), ",
                        *rung, *advice, "."),
            toon.alinea(row["reden"]))

    def tabel(self) -> Tabel:
        """The whole history up to this half-year, that half-year in bold on a light fill."""
        data = cijfers(self.historie, [*TABLE_COLUMNS, "volledig"]).drop(
            columns=["volledig"], errors="ignore")
        own = (data["Periode"] == periode_tekst(self.periode)).to_numpy()
        mark = "font-weight: bold; background-color: #FFF2CC"
        return Tabel("Historie", f"Stand per halfjaar van {self.naam}, tot en met "
                     f"{periode_tekst(self.periode)}", data, weergave(data),
                     f"historie-{self._bestand}.csv",
                     lambda styler: styler.apply(lambda column: np.where(own, mark, "")))

    def tabel_gemarkeerd(self) -> Tabel:
        """The history table (kept under its older name)."""
        return self.tabel()

    def verschillen_tabel(self) -> Tabel:
        """The months where the municipality's own report differs from COA's."""
        rows = self.verschillen
        data = pd.DataFrame({
            "Maand": [maand(pd.Timestamp(m)) for m in rows.get("Maand", [])],
            **{c: rows[c].to_numpy() for c in ("COA", "Gemeente", "Verschil", "Opvolgen")
               if c in rows}})
        return Tabel("Eigen rapportage", f"Verschillen tussen de eigen rapportage van "
                     f"{self.naam} en COA", data, als_tekst(data),
                     f"eigen-rapportage-{self._bestand}.csv")

    def besluiten_tabel(self) -> Tabel:
        """Every decision of the register about this municipality, up to this half-year."""
        return besluiten_tabel(self.besluiten, "Besluiten", f"Besluiten over {self.naam}, "
                               f"tot en met {periode_tekst(self.periode)}",
                               f"besluiten-{self._bestand}.csv", met_gemeente=False)

    def coa_tabel(self) -> Tabel:
        """Half-years where the computed closing stand differs from COA's."""
        return coa_tabel(self.coa_verschillen, f"Berekende stand en stand volgens COA van "
                         f"{self.naam}", f"verschillen-coa-{self._bestand}.csv",
                         met_gemeente=False)

    @property
    def signaal(self) -> HTML | None:
        """The kader's signal in this half-year while it runs, as an advies and no verdict;
        nothing when none fires or the half-year is complete."""
        return gemeente_tekst(self.signalen) if self.signalen_periode == self.periode else None

    @property
    def vooruitblik(self) -> HTML:
        """The next half-year: its taakstelling as known, which version, and the opgave it
        brings with this half-year's closing stand; while it runs, the kader's signal in it."""
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
        if self.signalen_periode == volgende_periode(self.periode):
            parts.append(gemeente_tekst(self.signalen))
        return toon.samen(*parts)

    def cohorten_tabel(self) -> Tabel:
        """The backlog per half-year of origin at this half-year's end: what each cohort
        started with, what was housed from it in this half-year, what is left, its deadline
        with its source, and its own rung where a decision set one."""
        rows = self.cohorten if self.cohorten is not None else pd.DataFrame()
        running = str(self.beoordeling["status"]) == "lopend"
        data = pd.DataFrame({
            "Halfjaar van ontstaan": [cohorttekst.halfjaar(r) for _, r in rows.iterrows()],
            "Ontstaan": rows.get("ontstaan", pd.Series(dtype="int64")).to_numpy(),
            "Ingelopen": rows.get("ingelopen", pd.Series(dtype="int64")).to_numpy(),
            "Resterend": rows.get("resterend", pd.Series(dtype="int64")).to_numpy(),
            "Termijn": [cohorttekst.termijn(r) for _, r in rows.iterrows()],
            "Bron termijn": [cohorttekst.termijn_bron(r) for _, r in rows.iterrows()],
            "Trede": rows.get("trede", pd.Series(dtype="string")).astype(object).to_numpy(),
            "Termijn verstreken": ["" if running else ("ja" if r["verlopen"] else "nee")
                                   for _, r in rows.iterrows()]})
        return Tabel("Cohorten", f"Achterstand van {self.naam} per halfjaar van ontstaan, "
                     f"{periode_tekst(self.periode)}", data, als_tekst(data),
                     f"cohorten-{self._bestand}.csv")

    @property
    def cohorten_sectie(self) -> HTML | None:
        """The section 'Achterstand per halfjaar van ontstaan': the table and a sentence per
        cohort with a remainder; None when the kader does not track cohorts."""
        if self.cohorten is None:
            return None
        running = str(self.beoordeling["status"]) == "lopend"
        left = self.cohorten[self.cohorten["resterend"] > 0]
        sentences = [toon.alinea(cohorttekst.pagina_zin(row, running))
                     for _, row in left.iterrows()]
        table = self.cohorten_tabel()
        return toon.samen(
            toon.kop("Achterstand per halfjaar van ontstaan", niveau=3),
            toon.alinea("Het deel van de achterstand dat in elk halfjaar ontstond, met de "
                        "termijn waarbinnen het moet zijn ingelopen: die van een besluit van "
                        "Gedeputeerde Staten over dat halfjaar, anders die van het "
                        "beoordelingskader. Een trede staat er alleen als een besluit die "
                        "vastlegde."),
            HTML(table._repr_html_()) if len(table) else toon.alinea(
                "Geen achterstand aan het eind van dit halfjaar."),
            *sentences)

    @property
    def verantwoording(self) -> HTML:
        """Where each figure of the block and each decision cited comes from, in words."""
        return toon.lijst(self.herkomst)

    def begrippen(self) -> Tabel:
        """The short glossary."""
        data = begrippen.begrippen(kort=True)
        return Tabel("Begrippen", "Begrippen", data, data, "begrippen.csv")

    def tabellen(self) -> list[Tabel]:
        cohorts = [self.cohorten_tabel()] if self.cohorten is not None else []
        return [self.tabel(), *cohorts, self.besluiten_tabel(), self.coa_tabel(),
                self.verschillen_tabel()]

    def excel(self) -> HTML:
        """Every table of the page as one Excel file."""
        return excel(self.tabellen(), f"{self._bestand}.xlsx")


def gemeente(code: str, periode: str, processed: str | Path | None = None) -> Gemeente:
    """The municipality report's contents for one period; ``code`` may be a name or a number
    ('De Wolden', 'GM1690', '1690'), ``periode`` spelled any common way."""
    result = berekening(processed)
    code = kies("gemeente_code", kies_gemeente, str(code), result.gemeenten)
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
    province = str(provincie(pd.Series([code])).iloc[0])
    register = result.table("besluiten")
    # every decision known on the date of knowledge, but those about a later half-year
    about = register["periode"].fillna("")
    decided = register[(register["gemeente_code"] == code)
                       & ((about == "") | (about <= periode)).to_numpy()]
    coa = result.table("coa_verschillen")
    coa = coa[(coa["gemeente_code"] == code) & (coa["periode"] <= periode)]
    running = lopend_halfjaar(result, periode)
    signals = van(result, running)
    return Gemeente(
        code=code, naam=naam, periode=periode, historie=history[history["periode"] <= periode],
        beoordeling=row,
        blok=resultaten_block(history, code, naam, periode), maanden=months,
        tempo=pace.iloc[-1] if len(pace) else None,
        verschillen=differences[["maand", "coa", "gemeente", "verschil", "opvolgen"]].rename(
            columns={"maand": "Maand", "coa": "COA", "gemeente": "Gemeente",
                     "verschil": "Verschil", "opvolgen": "Opvolgen"}),
        kader=result.kader_naam,
        scenario=scenario(result, province),
        identificatie=identificatie(result, province, periode, str(row["status"]), naam),
        besluiten=decided.sort_values(["datum", "besluit"], kind="stable"),
        coa_verschillen=coa,
        # the next half-year's taakstelling as the letter's block knows it, in the version
        # known on the date of knowledge
        volgende=volgende_taakstelling(history, result.taakstelling, code, periode,
                                       result.kennisdatum),
        herkomst=zinnen(verantwoording(result, periode, [code]), bestanden=False),
        signalen=signals[signals["gemeente_code"] == code], signalen_periode=running,
        cohorten=(cohorttekst.van_periode(result.table("cohorten"), code, periode)
                  if result.cohorten else None),
    )
