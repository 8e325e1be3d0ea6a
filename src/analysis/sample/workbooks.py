"""The sample's files: each source written as a workbook in the layout its spec describes, with
the title rows that say it is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

from analysis.atomic import write_atomic
from analysis.domain.periods import (
    MONTHS_NL,
    datum_tekst,
    periode_tekst,
)
from analysis.formatting import getal
from analysis.ingest.specs import Spec, load_specs
from analysis.sample.figures import MUNICIPALITIES, NATIONAL_POPULATION, SYNTHETIC


def _workbook(title: str, sheet: str) -> tuple[openpyxl.Workbook, object]:
    book = openpyxl.Workbook()
    book.properties.creator = "analysis.sample (synthetisch)"
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 5)
    worksheet = book.active
    worksheet.title = sheet
    worksheet.append([title])
    worksheet.append([SYNTHETIC])
    return book, worksheet


def _spec(stem: str) -> Spec:
    """The layout spec (``ingest/specs/<stem>.toml``) a sample file is written in: its sheet
    names and labels are the ones ingest looks for."""
    return next(spec for spec in load_specs() if spec.path.stem == stem)


def _kenmerk(spec: Spec, name: str) -> str:
    """The label of a value above the header."""
    return next(m.label for m in spec.kenmerken if m.name == name)


def _column(spec: Spec, name: str, fill: str = "") -> str:
    """The header text of a column: its first accepted label, a trailing wildcard filled in
    with ``fill`` ('Inwoners*' and ' 1 januari 2023' give 'Inwoners 1 januari 2023')."""
    label = next(c.labels[0] for c in spec.kolommen if c.name == name)
    text = label.removesuffix("*") + fill if label.endswith("*") else label
    if any(sign in text for sign in "*?["):
        raise ValueError(f"{spec.path.name}: label {label!r} of {name} is no header text")
    return text


def _save(book: openpyxl.Workbook, path: Path) -> None:
    write_atomic(path, lambda temporary: book.save(temporary))


def _names() -> pd.Series:
    return MUNICIPALITIES.set_index("gemeente_code")["gemeente_naam"]


def write_taakstelling(table: pd.DataFrame, raw: Path) -> None:
    """One Bijlage A per half-year and per revision."""
    spec = _spec("taakstelling_bijlage_a")
    for (periode, versiedatum), rows in table.groupby(["periode", "versiedatum"], sort=True):
        first = rows.iloc[0]
        revised = (table["periode"].eq(periode) & table["versiedatum"].lt(versiedatum)).any()
        book, sheet = _workbook("Bijlage A bij de circulaire taakstelling huisvesting "
                                f"vergunninghouders {periode_tekst(periode)}", spec.bladen[0])
        half = "eerste" if periode.endswith("1") else "tweede"
        sheet.append([_kenmerk(spec, "periode"), f"{half} helft {periode[:4]}"])
        sheet.append([_kenmerk(spec, "landelijk_totaal"), int(first["landelijk_totaal"])])
        sheet.append(["Herkomst landelijk totaal", first["herkomst"]])
        sheet.append([_kenmerk(spec, "versiedatum"), versiedatum])
        sheet.append(["Inwoners per", f"1-1-{first['inwoners_peiljaar']}"])
        sheet.append([_kenmerk(spec, "inwoners_nederland"),
                      getal(NATIONAL_POPULATION[first["inwoners_peiljaar"]])])
        sheet.append([])
        sheet.append([_column(spec, "gemeente_code"), "Gemeente", "Provincie",
                      _column(spec, "inwoners", f" 1 januari {first['inwoners_peiljaar']}"),
                      _column(spec, "taakstelling")])
        for row in rows.itertuples():
            sheet.append([row.gemeente_code, row.gemeente_naam, "Drenthe", int(row.inwoners),
                          int(row.taakstelling)])
        inwoners_totaal = getal(int(rows["inwoners"].sum()))
        sheet.append(["Totaal", None, "Drenthe", inwoners_totaal, int(rows["taakstelling"].sum())])
        sheet.append([])
        sheet.append(["Bron: synthetisch, berekend met art. 29 Huisvestingswet 2014 "
                      "(naar boven afgerond)."])
        suffix = "_herzien" if revised else ""
        _save(book, raw / "taakstelling" / f"Bijlage_A_taakstelling_{periode}{suffix}.xlsx")


def write_coa(overviews: pd.DataFrame, raw: Path) -> None:
    """One COA overview per month; the layout changes from February 2024."""
    names = _names()
    v1_names = names.replace({"Borger-Odoorn": "Borger Odoorn"})
    columns = ["taakstelling", "stand_begin", "opgave", "gerealiseerd", "nog_te_realiseren"]
    v1, v2 = _spec("coa_maandoverzicht_2022"), _spec("coa_maandoverzicht_2024")
    for peildatum, rows in overviews.groupby("peildatum", sort=True):
        totals = [int(rows[c].sum()) for c in columns]
        if peildatum < dt.date(2024, 2, 1):
            book, sheet = _workbook("Realisatie taakstelling huisvesting vergunninghouders per "
                                    "gemeente", v1.bladen[0])
            sheet.append([f"{_kenmerk(v1, 'peildatum')} {datum_tekst(peildatum)}"])
            sheet.append(["Provincie: Drenthe"])
            sheet.append([])
            sheet.append([_column(v1, "gemeente_code"),
                          *(_column(v1, c, " 1/1 of 1/7" if c == "stand_begin" else "")
                            for c in columns)])
            for row in rows.itertuples():
                sheet.append([v1_names[row.gemeente_code], *(int(getattr(row, c))
                                                             for c in columns)])
            sheet.append(["Totaal Drenthe", *totals])
        else:
            book, sheet = _workbook("COA | Taakstelling vergunninghouders", v2.bladen[0])
            sheet.append([_kenmerk(v2, "peildatum"), peildatum])
            sheet.append([])
            sheet.append([_column(v2, "gemeente_code"), "Gemeentenaam",
                          *(_column(v2, c) for c in columns)])
            for row in rows.itertuples():
                sheet.append([int(row.gemeente_code[2:]), names[row.gemeente_code],
                              *(int(getattr(row, c)) for c in columns)])
            sheet.append(["Totaal", None, *(str(t) for t in totals)])
            notes = book.create_sheet("Toelichting")
            notes.append(["Gehuisvest: officieel bij het COA afgemelde vergunninghouders."])
            notes.sheet_state = "hidden"
        sheet.append([])
        sheet.append(["Bron: COA (synthetisch). Cijfers kunnen afwijken van die van gemeenten."])
        _save(book, raw / "coa" / f"COA_realisatie_taakstelling_{peildatum.isoformat()}.xlsx")


def write_tvs(people: pd.DataFrame, raw: Path) -> None:
    """The person-level export."""
    names = _names()
    spec = _spec("tvs_personen")
    book, sheet = _workbook("Taakstellingvolgsysteem - export gehuisveste vergunninghouders",
                            spec.bladen[0])
    sheet.append(["Exportdatum", dt.date(2026, 1, 5)])
    sheet.append([])
    sheet.append([_column(spec, "persoon_id"), _column(spec, "huishouden"), "Relatie",
                  "Geboortejaar", "Land van herkomst", "Gemeente", _column(spec, "gemeente_code"),
                  *(_column(spec, c) for c in ("datum", "nareiziger", "mutatie", "telling"))])
    for row in people.itertuples():
        sheet.append([row.persoon_id, row.huishouden, row.relatie, row.geboortejaar, row.land,
                      names[row.gemeente_code], row.gemeente_code, row.datum,
                      "Ja" if row.nareiziger else "Nee", row.mutatie, row.telling])
    _save(book, raw / "tvs" / "TVS_export_huisvestingen_2022-2025.xlsx")


def write_reports(reports: pd.DataFrame, raw: Path) -> None:
    """Emmen and Assen, each in its own layout."""
    emmen, spec = reports[reports["gemeente_code"] == "GM0114"], _spec("gemeente_emmen")
    book, sheet = _workbook("Gemeente Emmen - huisvesting vergunninghouders per maand",
                            spec.bladen[0])
    sheet.append([_kenmerk(spec, "gemeente_code"), "Emmen"])
    sheet.append([])
    sheet.append([_column(spec, "maand"), _column(spec, "realisatie"), "Opmerking"])
    for row in emmen.itertuples():
        sheet.append([row.maand, row.realisatie, None])
    sheet.append(["Totaal", int(emmen["realisatie"].sum())])
    _save(book, raw / "gemeenten" / "Emmen_huisvesting_vergunninghouders_2024-2025.xlsx")

    assen, spec = reports[reports["gemeente_code"] == "GM0106"], _spec("gemeente_assen")
    book, sheet = _workbook("Rapportage huisvesting statushouders", spec.bladen[0])
    sheet.append([])
    sheet.append([_column(spec, c) for c in ("gemeente_code", "maand", "realisatie")])
    for row in assen.itertuples():
        month = f"{MONTHS_NL[row.maand.month - 1]} {row.maand.year}"
        sheet.append(["gemeente Assen", month, row.realisatie])
    _save(book, raw / "gemeenten" / "Assen_rapportage_statushouders_2024-2025.xlsx")
