"""What the report notebooks show, prepared here so the notebooks stay thin.

Each function reads what ``bereken`` wrote (never raw exports, never a stand of its own) and
returns display-ready pieces: text in the letter's words (as HTML made by ``toon``, every text
from a file escaped), tables with Dutch column names, and the inputs of the charts. A report
about a period shows the history up to that period only; of the next period it shows only the
taakstelling, as the letter does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from analysis import config, storage
from analysis.compute import resultaat
from analysis.compute.resultaat import Berekening
from analysis.domain import gemeenten
from analysis.domain.gemeenten import provincie_codes
from analysis.domain.periods import MONTHS_NL
from analysis.domain.resultaten import resultaten_block
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.report import toon
from analysis.report.kerncijfers import besluiten_van, kerncijfers

TABLE_COLUMNS = {
    "periode": "Periode", "stand_begin": "Stand begin", "taakstelling": "Taakstelling",
    "opgave": "Opgave", "realisatie": "Realisatie", "stand_eind": "Stand eind",
    "pct_taakstelling": "% taakstelling", "pct_totaalopgave": "% totaalopgave",
    "ontwikkeling": "Ontwikkeling", "oordeel_label": "Oordeel", "trede": "Trede",
    "advies_tekst": "Advies",
}


@lru_cache(maxsize=4)
def _berekening(folder: Path, stamp: int) -> Berekening:
    return resultaat.load(folder)


def berekening(processed: str | Path | None = None) -> Berekening:
    """The computed result, read once per kernel as long as it does not change (the runner
    executes many reports in one kernel). Callers filter its tables; they do not modify them."""
    folder = processed_dir(processed)
    manifest = folder / storage.MANIFEST
    return _berekening(folder, manifest.stat().st_mtime_ns if manifest.exists() else 0)


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


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Percentages as '88%' (blank where undefined), for display; a running half-year has no
    end stand, percentages or development yet."""
    frame = frame.copy()
    for column in ("pct_taakstelling", "pct_totaalopgave"):
        frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    running = ~frame["volledig"].astype(bool) if "volledig" in frame else None
    if running is not None and running.any():
        for column in ("stand_eind", "pct_taakstelling", "pct_totaalopgave", "ontwikkeling"):
            if column in frame:
                frame[column] = frame[column].astype(object).where(~running, "")
    return frame.drop(columns=["volledig"], errors="ignore")


def processed_dir(processed: str | Path | None) -> Path:
    """The processed folder a notebook was given, or the project's own."""
    return Path(processed) if processed else config.PROCESSED_DIR


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

    @property
    def kop(self) -> HTML:
        """The report's heading; for a half-year still running, with the 'voorlopig' banner."""
        return toon.samen(toon.kop(f"{self.naam}, {self.periode}"), _banner(
            not self.beoordeling.get("volledig", True), self.tempo))

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

    def tabel(self) -> pd.DataFrame:
        """The whole history, with Dutch column names and percentages as text."""
        frame = _as_text(self.historie[[c for c in [*TABLE_COLUMNS, "volledig"]
                                        if c in self.historie]])
        return frame.rename(columns=TABLE_COLUMNS).set_index("Periode")

    def tabel_gemarkeerd(self) -> Styler:
        """The history table with the report's own half-year in bold on a light fill."""
        table = self.tabel()
        own = table.index == self.periode
        mark = "font-weight: bold; background-color: #FFF2CC"
        return (toon.tabel(table).set_uuid("historie")  # a fixed id: the same inputs, the same HTML
                .apply(lambda column: np.where(own, mark, ""))
                .apply_index(lambda index: np.where(index == self.periode, mark, "")))


def gemeente(code: str, periode: str, processed: str | Path | None = None) -> Gemeente:
    """The municipality report's contents for one period."""
    result = berekening(processed)
    beoordeling = result.table("beoordeling")
    history = beoordeling[beoordeling["gemeente_code"] == code].sort_values("periode")
    if history.empty:
        raise KeyError(f"geen gegevens voor gemeente {code}")
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
    return Gemeente(
        code=code, naam=naam, periode=periode, historie=history[history["periode"] <= periode],
        beoordeling=row,
        blok=resultaten_block(history, code, naam, periode), maanden=months,
        tempo=pace.iloc[-1] if len(pace) else None,
        verschillen=differences[["maand", "coa", "gemeente", "verschil", "opvolgen"]].rename(
            columns={"maand": "Maand", "coa": "COA", "gemeente": "Gemeente",
                     "verschil": "Verschil", "opvolgen": "Opvolgen"}),
        kader=result.kader_naam,
    )


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

    @property
    def kop(self) -> HTML:
        """The overview's heading with the kader; for a running half-year the banner."""
        rows = self.beoordeling[self.beoordeling["periode"] == self.periode]
        running = "volledig" in rows and not rows["volledig"].all()
        return toon.samen(toon.kop(f"{self.naam}, {self.periode}"), _banner(running, self.tempo),
                          toon.alinea(f"Oordelen volgens het beoordelingskader {self.kader}."))

    def tabel(self) -> pd.DataFrame:
        """All municipalities in the period, with their numbers and ratings."""
        rows = self.beoordeling[self.beoordeling["periode"] == self.periode]
        columns = ["gemeente_naam", *[c for c in [*TABLE_COLUMNS, "volledig"]
                                      if c != "periode" and c in rows]]
        frame = _as_text(rows[columns].sort_values("gemeente_naam"))
        return frame.rename(columns={**TABLE_COLUMNS, "gemeente_naam": "Gemeente"}).set_index(
            "Gemeente")


def provincie(naam: str, periode: str, processed: str | Path | None = None) -> Provincie:
    """The province overview's contents for one period."""
    result = berekening(processed)
    beoordeling = result.table("beoordeling")
    beoordeling = beoordeling[beoordeling["gemeente_code"].isin(provincie_codes(naam))
                              & (beoordeling["periode"] <= periode)]
    taakstelling = result.table("taakstelling")
    known = nieuwste_versie(taakstelling[taakstelling["periode"] <= periode])
    inwoners = known.groupby("gemeente_code")["inwoners"].last()
    pace = result.table("tempo")
    pace = pace[pace["periode"] == periode].sort_values("peildatum")
    return Provincie(naam=naam, periode=periode, beoordeling=beoordeling, inwoners=inwoners,
                     kader=result.kader_naam, tempo=pace.iloc[-1] if len(pace) else None,
                     kerncijfers=kerncijfers(beoordeling, periode, result.treden).set_index(
                         "Onderwerp"), besluiten=_besluiten(result, naam, periode))


def _besluiten(result: Berekening, provincie: str, periode: str) -> pd.DataFrame:
    """The period's decisions for the province's municipalities, with Dutch column names."""
    decided = besluiten_van(result.table("besluiten"), periode)
    decided = decided[decided["gemeente_code"].isin(provincie_codes(provincie))]
    decided = decided.assign(gemeente=gemeenten.naam(decided["gemeente_code"])).sort_values(
        ["datum", "gemeente"])
    shown = decided.assign(datum=decided["datum"].dt.strftime("%d-%m-%Y"))
    return shown[["datum", "gemeente", "soort", "kenmerk", "trede", "reden"]].rename(columns={
        "datum": "Datum", "gemeente": "Gemeente", "soort": "Soort", "kenmerk": "Kenmerk",
        "trede": "Trede", "reden": "Reden"}).fillna("").set_index("Datum")
