"""The Excel summary for Gedeputeerde Staten, written with openpyxl.

Numbers are written as values, never as formulas; text from input files that starts with
``=``, ``+``, ``-`` or ``@`` is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from analysis.atomic import write_atomic
from analysis.compute.berekening import Berekening
from analysis.compute.volledigheid import periode_status
from analysis.domain.periods import datum_tekst, volgende_periode
from analysis.report import versies
from analysis.report.bronnen import MAAND, bron_datums
from analysis.report.kerncijfers import besluiten_van, kerncijfers
from analysis.report.scenario import scenario
from analysis.report.totalen import Totalen, totalen
from analysis.report.verantwoording import verantwoording, werkblad

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
                                     "bekend.",
    "Opgave volgend halfjaar": "Taakstelling volgend halfjaar min de stand eind.",
    "Oordeel": "Volgens het beoordelingskader van de provincie.",
    "Trede": "Trede op de interventieladder zoals Gedeputeerde Staten die vastlegden, op de "
             "kennisdatum van deze samenvatting (leeg: geen besluit vastgelegd).",
    "Advies": "Advies volgens de regels van het beoordelingskader over de volgende stap op de "
              "interventieladder; een voorstel aan Gedeputeerde Staten, geen besluit.",
    "Reden": "Waarom: de conclusie, het oordeel, een verschoning, de vastgelegde trede en het "
             "advies.",
}
OVERVIEW = ["Code", "Gemeente", "Stand begin", "Taakstelling", "Opgave", "Realisatie",
            "Stand eind", "% taakstelling", "% totaalopgave", "Taakstelling volgend halfjaar",
            "Opgave volgend halfjaar", "Oordeel", "Trede", "Advies", "Reden"]
PERCENT = {"% taakstelling", "% totaalopgave"}
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFF2CC")
HIGHLIGHT_FONT = Font(bold=True)
LINE_HEIGHT = 15  # points per line of 11-point text
EMPTY = "Geen meldingen."


def safe(value: object) -> object:
    """A cell value; NaN becomes empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _write_row(sheet, row: int, values: list[object]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=safe(value))
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"  # text, never a formula


def _header(sheet, row: int, names: list[str]) -> None:
    _write_row(sheet, row, names)
    for column in range(1, len(names) + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width


def overview_rows(beoordeling: pd.DataFrame, periode: str) -> pd.DataFrame:
    """One row per municipality for the period, with next half-year's taakstelling and opgave."""
    current = beoordeling[beoordeling["periode"] == periode].sort_values("gemeente_naam")
    following = volgende_periode(periode)
    nxt = beoordeling[beoordeling["periode"] == following].set_index("gemeente_code")
    frame = pd.DataFrame({
        "Code": current["gemeente_code"], "Gemeente": current["gemeente_naam"],
        "Stand begin": current["stand_begin"], "Taakstelling": current["taakstelling"],
        "Opgave": current["opgave"], "Realisatie": current["realisatie"],
        "Stand eind": current["stand_eind"], "% taakstelling": current["pct_taakstelling"],
        "% totaalopgave": current["pct_totaalopgave"],
        "Taakstelling volgend halfjaar": current["gemeente_code"].map(nxt["taakstelling"])
        if len(nxt) else pd.NA,
        "Oordeel": current["oordeel_label"], "Trede": current["trede_op_datum"],
        "Advies": current["advies_tekst"],
        "Reden": current["reden"], "_kleur": current["kleur"],
    })
    frame["Opgave volgend halfjaar"] = frame["Taakstelling volgend halfjaar"] - frame["Stand eind"]
    if "volledig" in current:  # a running half-year has no end stand yet, nor what follows it
        running = ~current["volledig"].astype(bool)
        ended = ["Stand eind", "% taakstelling", "% totaalopgave", "Opgave volgend halfjaar"]
        frame[ended] = frame[ended].astype(object).where(~running, None)
    return frame.reset_index(drop=True)


def write_summary(path: Path, result: Berekening, periode: str, provincie: str,
                  versie: int | None = None, wijzigingen: pd.DataFrame | None = None) -> Path:
    """Write ``GS-samenvatting-<periode>.xlsx`` from the computed result; as version
    ``versie`` of the period, with the sheet Wijzigingen where ``wijzigingen`` lists what
    changed against the previous version."""
    beoordeling = result.table("beoordeling")
    rows = overview_rows(beoordeling, periode)
    book = Workbook()
    _toelichting(book.active, result, periode, provincie, versie, wijzigingen is not None)
    _overzicht(book.create_sheet("Overzicht"), rows,
               totalen(beoordeling[beoordeling["periode"] == periode]))
    if wijzigingen is not None:
        changes = versies.werkblad(wijzigingen)
        _plain(book.create_sheet("Wijzigingen"), changes, list(changes.columns),
               widths=[18, 30, 14, 14, 80])
    _plain(book.create_sheet("Kerncijfers"), kerncijfers(beoordeling, periode, result.treden),
           ["Onderwerp", "Aantal"], widths=[70, 12])
    decided = besluiten_van(result.table("besluiten"), periode)
    _plain(book.create_sheet("Besluiten"),
           decided[["datum", "gemeente_code", "soort", "kenmerk", "periode", "trede", "personen",
                    "aantal", "termijn", "reden"]].assign(
               datum=decided["datum"].dt.date, termijn=decided["termijn"].dt.date),
           ["Datum", "Code", "Soort", "Kenmerk", "Periode", "Trede", "Personen", "Aantal",
            "Termijn", "Reden"])
    known = beoordeling[beoordeling["periode"] <= periode]  # nothing after the period
    history = known[["gemeente_code", "gemeente_naam", "periode", "stand_begin", "taakstelling",
                     "opgave", "realisatie", "stand_eind", "oordeel_label", "trede",
                     "advies_tekst", "reden"]]
    if "volledig" in known:  # no end stand for a half-year still running
        history = history.assign(stand_eind=history["stand_eind"].astype(object).where(
            known["volledig"].astype(bool), None))
    _plain(book.create_sheet("Historie"), history.sort_values(["gemeente_naam", "periode"]),
           ["Code", "Gemeente", "Periode", "Stand begin", "Taakstelling", "Opgave", "Realisatie",
            "Stand eind", "Oordeel", "Trede", "Advies", "Reden"], highlight=("periode", periode))
    afstemming = result.table("afstemming")
    afstemming = afstemming[afstemming["periode"] <= periode]
    _plain(book.create_sheet("Verschillen"),
           afstemming[["gemeente_code", "periode", "maand", "coa", "gemeente", "verschil",
                       "leidend", "opvolgen"]].assign(maand=afstemming["maand"].dt.date),
           ["Code", "Periode", "Maand", "COA", "Gemeente", "Verschil", "Leidend", "Opvolgen"])
    validatie = result.table("validatie")
    _plain(book.create_sheet("Validatie"), validatie,
           ["Bestand", "Blad", "Rij", "Kolom", "Melding"])
    trace = werkblad(verantwoording(result, periode, rows["Code"].tolist()))
    _plain(book.create_sheet("Verantwoording"), trace, list(trace.columns),
           widths=[9, 18, 26, 9, 70, 40, 22, 10, 10, 12, 8, 12, 12, 12, 10, 12, 18, 16])
    for row in book["Verantwoording"].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
    sources = bron_datums(result).merge(result.table("bestanden")[["bron_bestand",
                                                                    "bestand_hash"]])
    _plain(book.create_sheet("Bronnen"),
           sources.assign(datum=sources["datum"].map(_date),
                          aangemaakt=sources["aangemaakt"].map(_date)),
           ["Bronbestand", "Datum volgens het bestand", "Wat die datum is",
            "Aangemaakt volgens het bestand", "SHA-256"], widths=[58, 16, 24, 16, 70])
    for row in book["Bronnen"].iter_rows(min_row=2):
        row[1].number_format = "MM-YYYY" if row[2].value == MAAND else "DD-MM-YYYY"
        row[3].number_format = "DD-MM-YYYY"
    for sheet in book.worksheets:
        _fit_rows(sheet)
        _page_setup(sheet, provincie, periode)
    write_atomic(path, lambda temporary: book.save(temporary))
    return path


STATUS = {"definitief": "definitief: de afsluitende cijfers van COA zijn er",
          "voorlopig": "voorlopig: het afsluitende overzicht van het COA is voorlopig; de "
                       "cijfers kunnen nog wijzigen",
          "lopend": "voorlopig: het halfjaar loopt nog; geen stand eind en geen oordeel"}


def _toelichting(sheet, result: Berekening, periode: str, provincie: str,
                 versie: int | None, changed: bool) -> None:
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
             ("Bronnen", "elk bronbestand met de datum die het zelf noemt: blad Bronnen")]
    row = 3
    for label, value in lines:
        _write_row(sheet, row, [label, value])
        sheet.cell(row=row, column=1).font = Font(bold=True)
        row += 1
    row += 1
    _header(sheet, row, ["Kolom", "Betekenis"])
    for name, meaning in DEFINITIONS.items():
        row += 1
        _write_row(sheet, row, [name, meaning])
    _widths(sheet, {"A": 34, "B": 90})
    for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")


def _date(value: object) -> dt.date | None:
    """A timestamp as a date cell; empty where the file names none."""
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _overzicht(sheet, rows: pd.DataFrame, sums: Totalen) -> None:
    """The overview sheet: a row per municipality and the province's totals (the end stand
    over the municipalities whose half-year is complete)."""
    _header(sheet, 1, OVERVIEW)
    for number, record in enumerate(rows.itertuples(index=False), start=2):
        values = dict(zip(rows.columns, record, strict=True))
        _write_row(sheet, number, [values[name] for name in OVERVIEW])
        colour = str(values["_kleur"]).lstrip("#").upper()
        sheet.cell(row=number, column=OVERVIEW.index("Oordeel") + 1).fill = PatternFill(
            "solid", fgColor=colour)
        for column, name in enumerate(OVERVIEW, start=1):
            sheet.cell(row=number, column=column).alignment = Alignment(
                wrap_text=name in ("Oordeel", "Trede", "Advies", "Reden"), vertical="top")
    last = len(rows) + 1
    figures = ([sums.stand_begin, sums.taakstelling, sums.opgave, sums.realisatie,
                sums.stand_eind_afgesloten] if len(rows) else [None] * 5)
    totals = ["", "Totaal", *figures, None, None,
              pd.to_numeric(rows["Taakstelling volgend halfjaar"]).sum(min_count=1),
              pd.to_numeric(rows["Opgave volgend halfjaar"]).sum(min_count=1), None, None, None,
              None]
    _write_row(sheet, last + 1, totals)
    for column in range(1, len(OVERVIEW) + 1):
        sheet.cell(row=last + 1, column=column).font = Font(bold=True)
    for column, name in enumerate(OVERVIEW, start=1):
        for row in range(2, last + 2):
            cell = sheet.cell(row=row, column=column)
            if name in PERCENT:
                cell.number_format = "0%"
            elif 3 <= column <= 11:
                cell.number_format = "#,##0;-#,##0"
    table = Table(displayName="Overzicht", ref=f"A1:{get_column_letter(len(OVERVIEW))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "C2"
    _widths(sheet, {"A": 9, "B": 18, **{get_column_letter(c): 12 for c in range(3, 12)},
                    "L": 24, "M": 18, "N": 24, "O": 80})


def _plain(sheet, frame: pd.DataFrame, names: list[str],
           highlight: tuple[str, object] | None = None,
           widths: list[float] | None = None) -> None:
    """A table sheet; rows whose ``highlight`` column holds its value (the report's own
    half-year) in bold on a light fill; 'Geen meldingen.' when there are no rows."""
    _header(sheet, 1, names)
    marked = (frame[highlight[0]] == highlight[1]).to_numpy() if highlight else None
    for number, record in enumerate(frame.itertuples(index=False), start=2):
        _write_row(sheet, number, list(record))
        if marked is not None and marked[number - 2]:
            for cell in sheet[number]:
                cell.font, cell.fill = HIGHLIGHT_FONT, HIGHLIGHT_FILL
    sheet.freeze_panes = "A2"
    if len(frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(frame) + 1}"
    else:
        sheet.cell(row=2, column=1, value=EMPTY)
    widths = widths or [16] * (len(names) - 1) + [70]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > widths[cell.column - 1]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit_rows(sheet) -> None:
    """Row heights that hold every wrapped cell's lines, so that no line runs into the next
    row (LibreOffice does not grow rows by itself)."""
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = sheet.column_dimensions[cell.column_letter].width or 10
            per_line = max(1, int(width * 1.1) - 2)  # characters of 11-point text per line
            lines = max(lines, sum(-(-max(1, len(part)) // per_line)
                                   for part in str(cell.value).split("\n")))
        bold = any(cell.font and cell.font.sz and cell.font.sz > 12 for cell in row)
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + (6 if bold else 0)


def _page_setup(sheet, provincie: str, periode: str) -> None:
    """A4 landscape, one page wide, the header row on every page, and who made it."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = sheet.title != "Toelichting"
    if sheet.title != "Toelichting":
        sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = (f"Toezicht huisvesting vergunninghouders {provincie}, "
                                   f"{periode}: {sheet.title}")
    sheet.oddFooter.left.text = "Gedeputeerde Staten, samenvatting"
    sheet.oddFooter.right.text = "Pagina &P van &N"
