"""The GS workbook's cover sheet: what the summary is about and the meaning of every column."""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from analysis.compute.berekening import Berekening
from analysis.compute.volledigheid import periode_status
from analysis.domain.periods import datum_tekst
from analysis.report.gs_samenvatting.opmaak import header, widths, write_row
from analysis.report.gs_samenvatting.signalen import EXPLAINED
from analysis.report.scenario import scenario

DEFINITIONS = {
    "Stand begin": "Voorsprong (positief) of achterstand (negatief) aan het begin van het "
                   "halfjaar.",
    "Taakstelling": "Aantal vergunninghouders dat de gemeente dit halfjaar moet huisvesten "
                    "(art. 29 Huisvestingswet 2014; de laatste versie voor de peildatum).",
    "Opgave": "Taakstelling plus achterstand (min voorsprong): wat er dit halfjaar gehuisvest "
              "moet worden.",
    "Realisatie": "Aantal gehuisveste vergunninghouders volgens COA, inclusief nareizigers en "
                  "correcties.",
    "Stand eind": "Stand begin + realisatie - taakstelling.",
    "% taakstelling": "Realisatie gedeeld door taakstelling.",
    "% totaalopgave": "Realisatie gedeeld door opgave.",
    "Taakstelling volgend halfjaar": "De taakstelling van het volgende halfjaar, voor zover "
                                     "bekend; anders 'nog niet bekend'.",
    "Opgave volgend halfjaar": "Taakstelling volgend halfjaar min de stand eind.",
    "Oordeel": "Volgens het beoordelingskader van de provincie.",
    "Trede": "Trede op de interventieladder zoals Gedeputeerde Staten die vastlegden, op de "
             "kennisdatum van deze samenvatting (leeg: geen besluit vastgelegd).",
    "Advies": "Advies volgens de regels van het beoordelingskader over de volgende stap op de "
              "interventieladder; een voorstel aan Gedeputeerde Staten, geen besluit.",
    "Reden": "Waarom: de conclusie, het oordeel, een verschoning, de vastgelegde trede en het "
             "advies.",
}
STATUS = {"definitief": "definitief: de afsluitende cijfers van COA zijn er",
          "voorlopig": "voorlopig: het afsluitende overzicht van het COA is voorlopig; de "
                       "cijfers kunnen nog wijzigen",
          "lopend": "voorlopig: het halfjaar loopt nog; geen stand eind en geen oordeel"}


def toelichting(sheet: Worksheet, result: Berekening, periode: str, provincie: str,
                versie: int | None, changed: bool) -> None:
    """The cover sheet: title, period, peildatum, kader, status, date of knowledge, version,
    and the meaning of every column of the overview."""
    sheet.title = "Toelichting"
    sheet["A1"] = f"Toezicht huisvesting vergunninghouders {provincie}: samenvatting"
    sheet["A1"].font = Font(bold=True, size=14)
    lines = [("Periode", periode),
             ("Peildatum", datum_tekst(result.kalender.peildatum(periode))),
             ("Beoordelingskader", f"{result.kader_naam}: {result.kader_toelichting}"),
             ("Leidende bron", result.leidende_bron),
             ("Status", STATUS[periode_status(result.table("stand"), periode)]),
             ("Kennisdatum", f"{datum_tekst(result.kennisdatum)}: alleen cijfers, "
              "taakstellingen en besluiten die op die dag bekend waren"),
             *((("Scenario", marked),) if (marked := scenario(result, provincie)) else ()),
             ("Gemaakt op", datum_tekst(dt.date.today())),
             *((("Versie", f"{versie}" + (f"; wat gewijzigd is ten opzichte van versie "
                                          f"{versie - 1}: blad Wijzigingen" if changed else "")
                 ),) if versie else ()),
             *((EXPLAINED,) if result.maandsignalen else ()),
             ("Bronnen", "elk bronbestand met de datum die het zelf noemt: blad Bronnen")]
    row = 3
    for label, value in lines:
        write_row(sheet, row, [label, value])
        sheet.cell(row=row, column=1).font = Font(bold=True)
        row += 1
    row += 1
    header(sheet, row, ["Kolom", "Betekenis"])
    for name, meaning in DEFINITIONS.items():
        row += 1
        write_row(sheet, row, [name, meaning])
    widths(sheet, {"A": 34, "B": 90})
    for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
