"""What the municipality page and the province overview share: the computed result read once
per kernel, the notebook parameters chosen as the CLI chooses them, the 'voorlopig' banner of
a running or provisional half-year, and the stand, decision and COA tables in the same columns on
both pages.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis import config, storage
from analysis.compute.berekening import Berekening, load
from analysis.compute.volledigheid import LOPEND, VOORLOPIG
from analysis.domain import gemeenten
from analysis.domain.gemeenten import kies_gemeente
from analysis.domain.periods import (
    MONTHS_NL,
    cijfers_tot_tekst,
    datum_tekst,
    kies_periode,
    periode_tekst,
)
from analysis.formatting import als_tekst
from analysis.problems import Refused
from analysis.report import toon
from analysis.report.kerncijfers import per_besluit
from analysis.report.paginavoet import STATUS, voet
from analysis.report.tabellen import Tabel

TABLE_COLUMNS = {
    "periode": "Periode", "stand_begin": "Stand begin", "taakstelling": "Taakstelling",
    "opgave": "Opgave", "realisatie": "Realisatie", "stand_eind": "Stand eind",
    "pct_taakstelling": "% taakstelling", "pct_totaalopgave": "% totaalopgave",
    "ontwikkeling": "Ontwikkeling", "oordeel_label": "Oordeel", "trede": "Trede",
    "advies_tekst": "Advies",
}
PERCENT = ("% taakstelling", "% totaalopgave")
DECISION_COLUMNS = {"datum": "Datum", "gemeente": "Gemeente", "soort": "Soort",
                    "kenmerk": "Kenmerk", "trede": "Trede", "reden": "Reden"}


@lru_cache(maxsize=4)
def _berekening(folder: Path, stamp: int) -> Berekening:
    return load(folder)


def berekening(processed: str | Path | None = None) -> Berekening:
    """The computed result, read once per kernel as long as it does not change (the runner
    executes many reports in one kernel). Callers filter its tables; they do not modify them."""
    folder = processed_dir(processed)
    manifest = folder / storage.MANIFEST
    return _berekening(folder, manifest.stat().st_mtime_ns if manifest.exists() else 0)


def processed_dir(processed: str | Path | None) -> Path:
    """The processed folder a notebook was given, or the project's own."""
    return Path(processed) if processed else config.PROCESSED_DIR


def kies(what: str, choose, *args) -> str:
    """A notebook parameter chosen as the CLI chooses it; its Dutch refusal names the
    parameter instead of the CLI's option."""
    try:
        return choose(*args)
    except Refused as error:
        raise Refused(f"{what}: {str(error).split(': ', 1)[-1]}") from None


def kies_periode_van(result: Berekening, periode: str) -> str:
    """``periode`` in any spelling ('1e helft 2024', '2024-H1'), checked against the data."""
    return kies("periode", kies_periode, periode or None, result.periodes,
                result.laatste_volledige)


def kies_gemeente_van(result: Berekening, gemeente: str) -> str:
    """The code of a municipality named or numbered any common way, checked against the data."""
    return kies("gemeente", kies_gemeente, gemeente, result.gemeenten)


def banner(status: str, pace: pd.Series | None) -> HTML | None:
    """'**Voorlopig, cijfers t/m september 2025.** Het halfjaar loopt nog ...' for a half-year
    still running (status ``lopend``), '**Voorlopig.** Het afsluitende overzicht ...' when COA's
    closing overview is marked voorlopig; nothing for a definitive half-year."""
    if status == VOORLOPIG:
        return toon.alinea(toon.vet("Voorlopig."), " Het afsluitende overzicht van het COA is "
                           "voorlopig: de cijfers en het oordeel kunnen nog wijzigen.")
    if status != LOPEND:
        return None
    until = ""
    if pace is not None:
        last = pd.Timestamp(pace["peildatum"]) - pd.offsets.MonthBegin(1)
        until = f", cijfers t/m {MONTHS_NL[last.month - 1]} {last.year}"
    return toon.alinea(toon.vet(f"Voorlopig{until}."), " Het halfjaar loopt nog: dit is het "
                       "tempo tot nu toe, geen oordeel.")


def identificatie(result: Berekening, provincie: str, periode: str, status: str,
                  onderwerp: str | None = None) -> HTML:
    """The line that dates and identifies a page, on screen under its heading and in print at
    the foot of every sheet: province, period, the last month with figures, status, the day it
    was made and the day whose knowledge it shows. ``onderwerp`` (a municipality) leads the
    printed line, which stands without the page's heading."""
    until = result.manifest.get("cijfers_tot")
    parts = [f"Provincie {provincie}", periode_tekst(periode)]
    month = cijfers_tot_tekst(dt.date.fromisoformat(until) if until else None, periode)
    parts += [f"cijfers t/m {month}"] if month else []
    parts += [STATUS[status], f"gemaakt op {datum_tekst(dt.date.today())}"]
    line = f"{' · '.join(parts)}, met wat bekend was op {datum_tekst(result.kennisdatum)}"
    printed = " · ".join([onderwerp, *parts] if onderwerp else parts)
    return HTML(f'<p class="identificatie">{toon.tekst(line)}</p>'
                f"<style>{voet(printed)}</style>")


def cijfers(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
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


def weergave(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as text: Dutch figures, percentages as '88 %'."""
    shown = data.copy()
    for column in PERCENT:
        if column in shown:
            shown[column] = shown[column].astype("Float64") / 100
    return als_tekst(shown, procenten=[c for c in PERCENT if c in shown])


def maand(stamp: pd.Timestamp) -> str:
    """'september 2025'."""
    return f"{MONTHS_NL[stamp.month - 1]} {stamp.year}"


def besluiten_tabel(decided: pd.DataFrame, naam: str, bijschrift: str, bestand: str,
                    met_gemeente: bool) -> Tabel:
    """Decisions with date, soort, kenmerk, trede and reden in full, and whom each is for: a
    decision for every municipality of the province is one row for "alle gemeenten"."""
    decided = per_besluit(decided).sort_values(["datum", "gemeente"], kind="stable")
    names = {**DECISION_COLUMNS, "gemeente": "Gemeente" if met_gemeente else "Geldt voor"}
    data = decided[list(DECISION_COLUMNS)].rename(columns=names).reset_index(drop=True)
    data = data.astype(object).where(data.notna(), None)
    data["Datum"] = pd.to_datetime(data["Datum"])
    return Tabel(naam, bijschrift, data, als_tekst(data), bestand)


def coa_tabel(rows: pd.DataFrame, bijschrift: str, bestand: str, met_gemeente: bool) -> Tabel:
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
