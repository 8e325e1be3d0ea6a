"""The GS workbook's table sheets: key figures, history, differences, validation, the trace of
every figure, the sources and what changed against the previous version; each with the
sentence it shows when it has no rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl import Workbook

from analysis.compute.berekening import Berekening
from analysis.compute.uitruil import art29_meldingen
from analysis.domain import gemeenten
from analysis.report import versies
from analysis.report.bronnen import MAAND, bron_datums
from analysis.report.gs_samenvatting.opmaak import date, plain
from analysis.report.kerncijfers import kerncijfers
from analysis.report.verantwoording import verantwoording, werkblad


def wijzigingen(book: Workbook, changes: pd.DataFrame) -> None:
    """What changed against the previous version."""
    shown = versies.werkblad(changes)
    plain(book.create_sheet("Wijzigingen"), shown, list(shown.columns),
          empty="Geen wijzigingen ten opzichte van de vorige versie.",
          column_widths=[18, 30, 14, 14, 80])


def kerncijfers_blad(book: Workbook, result: Berekening, periode: str) -> None:
    """How many municipalities per rating and rung, the province's stand."""
    plain(book.create_sheet("Kerncijfers"),
          kerncijfers(result.table("beoordeling"), periode, result.treden),
          ["Onderwerp", "Aantal"], empty="Geen gemeenten in deze periode.",
          column_widths=[70, 12])


def historie(book: Workbook, result: Berekening, periode: str) -> None:
    """Every municipality and half-year up to the period, the period itself marked."""
    beoordeling = result.table("beoordeling")
    known = beoordeling[beoordeling["periode"] <= periode]  # nothing after the period
    history = known[["gemeente_code", "gemeente_naam", "periode", "stand_begin", "taakstelling",
                     "opgave", "realisatie", "stand_eind", "oordeel_label", "trede",
                     "advies_tekst", "reden"]]
    if "volledig" in known:  # no end stand for a half-year still running
        history = history.assign(stand_eind=history["stand_eind"].astype(object).where(
            known["volledig"].astype(bool), None))
    plain(book.create_sheet("Historie"), history.sort_values(["gemeente_naam", "periode"]),
          ["Code", "Gemeente", "Periode", "Stand begin", "Taakstelling", "Opgave", "Realisatie",
           "Stand eind", "Oordeel", "Trede", "Advies", "Reden"],
          empty="Geen halfjaren tot en met deze periode.", highlight=("periode", periode))


def verschillen(book: Workbook, result: Berekening, periode: str) -> None:
    """The months where a municipality's own report differs from COA's, up to the period,
    each municipality's name beside its code."""
    afstemming = result.table("afstemming")
    afstemming = afstemming[afstemming["periode"] <= periode]
    shown = afstemming[["gemeente_code", "periode", "maand", "coa", "gemeente", "verschil",
                        "leidend", "opvolgen"]].assign(maand=afstemming["maand"].dt.date)
    shown.insert(1, "naam", gemeenten.naam(afstemming["gemeente_code"]).astype(object))
    sheet = book.create_sheet("Verschillen")
    plain(sheet, shown,
          ["Code", "Gemeente", "Periode", "Maand", "Volgens COA", "Volgens gemeente",
           "Verschil", "Leidend", "Opvolgen"],
          empty="Geen verschillen, of de gemeenten leveren geen eigen rapportage.",
          column_widths=[9, 18, *[12] * 6, 70])
    for row in range(2, len(shown) + 2):
        sheet.cell(row=row, column=4).number_format = "MM-YYYY"  # the month


def validatie(book: Workbook, result: Berekening) -> None:
    """The ingest's warnings, and the Bijlage A rows that deviate from the art. 29 formula
    without a recorded agreement explaining them (checked by the computation, which knows the
    register)."""
    columns = ["bestand", "blad", "rij", "kolom", "melding"]
    deviating = pd.DataFrame([{c: getattr(w, c) for c in columns}
                              for w in art29_meldingen(result.table("art29_toets"))],
                             columns=columns)
    warnings = (pd.concat([result.table("validatie"), deviating], ignore_index=True)
                if len(deviating) else result.table("validatie"))
    plain(book.create_sheet("Validatie"), warnings,
          ["Bestand", "Blad", "Rij", "Kolom", "Melding"], empty="Geen meldingen.")


def verantwoording_blad(book: Workbook, result: Berekening, periode: str,
                        codes: list[str]) -> None:
    """Where every figure of each municipality's block and every decision cited comes from."""
    sheet = book.create_sheet("Verantwoording")
    trace = werkblad(verantwoording(result, periode, codes))
    plain(sheet, trace, list(trace.columns), empty="Geen cijfers of besluiten te verantwoorden.",
          column_widths=[9, 18, 26, 9, 70, 40, 22, 10, 10, 12, 8, 12, 12, 12, 10, 12, 18, 16])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"


def bronnen(book: Workbook, result: Berekening) -> None:
    """Every input file with the date its contents name and its SHA-256."""
    sheet = book.create_sheet("Bronnen")
    sources = bron_datums(result).merge(result.table("bestanden")[["bron_bestand",
                                                                    "bestand_hash"]])
    plain(sheet, sources.assign(datum=sources["datum"].map(date),
                                aangemaakt=sources["aangemaakt"].map(date)),
          ["Bronbestand", "Datum volgens het bestand", "Wat die datum is",
           "Aangemaakt volgens het bestand", "SHA-256"], empty="Geen bronbestanden ingelezen.",
          column_widths=[58, 16, 24, 16, 70])
    for row in sheet.iter_rows(min_row=2):
        row[1].number_format = "MM-YYYY" if row[2].value == MAAND else "DD-MM-YYYY"
        row[3].number_format = "DD-MM-YYYY"
