"""The sample's files, for any province: each source written as a workbook in the layout its
spec describes, with the title rows that say it is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

from analysis.atomic import write_atomic
from analysis.domain.periods import datum_tekst, periode_tekst
from analysis.formatting import getal
from analysis.ingest.specs import Spec, load_specs
from analysis.sample.voorbeeld import Voorbeeld


def workbook(v: Voorbeeld, title: str, sheet: str) -> tuple[openpyxl.Workbook, object]:
    """A new workbook whose first sheet opens with ``title`` and the line that says the file is
    synthetic."""
    book = openpyxl.Workbook()
    book.properties.creator = "analysis.sample (synthetisch)"
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 5)
    worksheet = book.active
    worksheet.title = sheet
    worksheet.append([title])
    worksheet.append([v.synthetisch])
    return book, worksheet


def layout(stem: str) -> Spec:
    """The layout spec (``ingest/specs/<stem>.toml``) a sample file is written in: its sheet
    names and labels are the ones ingest looks for."""
    return next(found for found in load_specs() if found.path.stem == stem)


def kenmerk(spec: Spec, name: str) -> str:
    """The label of a value above the header."""
    return next(m.label for m in spec.kenmerken if m.name == name)


def column(spec: Spec, name: str, fill: str = "") -> str:
    """The header text of a column: its first accepted label, a trailing wildcard filled in
    with ``fill`` ('Inwoners*' and ' 1 januari 2023' give 'Inwoners 1 januari 2023')."""
    label = next(c.labels[0] for c in spec.kolommen if c.name == name)
    text = label.removesuffix("*") + fill if label.endswith("*") else label
    if any(sign in text for sign in "*?["):
        raise ValueError(f"{spec.path.name}: label {label!r} of {name} is no header text")
    return text


def save(book: openpyxl.Workbook, path: Path) -> None:
    write_atomic(path, lambda temporary: book.save(temporary))


def write_taakstelling(v: Voorbeeld, table: pd.DataFrame, raw: Path) -> None:
    """One Bijlage A per half-year and per revision."""
    spec = layout("taakstelling_bijlage_a")
    for (periode, versiedatum), rows in table.groupby(["periode", "versiedatum"], sort=True):
        first = rows.iloc[0]
        revised = (table["periode"].eq(periode) & table["versiedatum"].lt(versiedatum)).any()
        book, sheet = workbook(v, "Bijlage A bij de circulaire taakstelling huisvesting "
                                f"vergunninghouders {periode_tekst(periode)}", spec.bladen[0])
        half = "eerste" if periode.endswith("1") else "tweede"
        sheet.append([kenmerk(spec, "periode"), f"{half} helft {periode[:4]}"])
        sheet.append([kenmerk(spec, "landelijk_totaal"), int(first["landelijk_totaal"])])
        sheet.append(["Herkomst landelijk totaal", first["herkomst"]])
        sheet.append([kenmerk(spec, "versiedatum"), versiedatum])
        sheet.append(["Inwoners per", f"1-1-{first['inwoners_peiljaar']}"])
        sheet.append([kenmerk(spec, "inwoners_nederland"),
                      getal(v.inwoners_nederland[first["inwoners_peiljaar"]])])
        sheet.append([])
        sheet.append([column(spec, "gemeente_code"), "Gemeente", "Provincie",
                      column(spec, "inwoners", f" 1 januari {first['inwoners_peiljaar']}"),
                      column(spec, "taakstelling")])
        for row in rows.itertuples():
            sheet.append([row.gemeente_code, row.gemeente_naam, v.provincie, int(row.inwoners),
                          int(row.taakstelling)])
        inwoners_totaal = getal(int(rows["inwoners"].sum()))
        sheet.append(["Totaal", None, v.provincie, inwoners_totaal,
                      int(rows["taakstelling"].sum())])
        sheet.append([])
        sheet.append(["Bron: synthetisch, berekend met art. 29 Huisvestingswet 2014 "
                      "(naar boven afgerond)."])
        suffix = "_herzien" if revised else ""
        save(book, raw / "taakstelling" / f"Bijlage_A_taakstelling_{periode}{suffix}.xlsx")


def write_coa(v: Voorbeeld, overviews: pd.DataFrame, raw: Path) -> None:
    """One COA overview per month; the layout changes from February 2024."""
    names = v.namen()
    v1_names = names.replace(v.coa_spelling)
    columns = ["taakstelling", "stand_begin", "opgave", "gerealiseerd", "nog_te_realiseren"]
    v1, v2 = layout("coa_maandoverzicht_2022"), layout("coa_maandoverzicht_2024")
    for peildatum, rows in overviews.groupby("peildatum", sort=True):
        totals = [int(rows[c].sum()) for c in columns]
        if peildatum < dt.date(2024, 2, 1):
            book, sheet = workbook(v, "Realisatie taakstelling huisvesting vergunninghouders per "
                                    "gemeente", v1.bladen[0])
            sheet.append([f"{kenmerk(v1, 'peildatum')} {datum_tekst(peildatum)}"])
            sheet.append([f"Provincie: {v.provincie}"])
            sheet.append([])
            sheet.append([column(v1, "gemeente_code"),
                          *(column(v1, c, " 1/1 of 1/7" if c == "stand_begin" else "")
                            for c in columns)])
            for row in rows.itertuples():
                sheet.append([v1_names[row.gemeente_code], *(int(getattr(row, c))
                                                             for c in columns)])
            sheet.append([f"Totaal {v.provincie}", *totals])
        else:
            book, sheet = workbook(v, "COA | Taakstelling vergunninghouders", v2.bladen[0])
            sheet.append([kenmerk(v2, "peildatum"), peildatum])
            sheet.append([])
            sheet.append([column(v2, "gemeente_code"), "Gemeentenaam",
                          *(column(v2, c) for c in columns)])
            for row in rows.itertuples():
                sheet.append([int(row.gemeente_code[2:]), names[row.gemeente_code],
                              *(int(getattr(row, c)) for c in columns)])
            sheet.append(["Totaal", None, *(str(t) for t in totals)])
            notes = book.create_sheet("Toelichting")
            notes.append(["Gehuisvest: officieel bij het COA afgemelde vergunninghouders."])
            notes.sheet_state = "hidden"
        sheet.append([])
        sheet.append(["Bron: COA (synthetisch). Cijfers kunnen afwijken van die van gemeenten."])
        save(book, raw / "coa" / f"COA_realisatie_taakstelling_{peildatum.isoformat()}.xlsx")


def write_tvs(v: Voorbeeld, people: pd.DataFrame, raw: Path) -> None:
    """The person-level export."""
    names = v.namen()
    spec = layout("tvs_personen")
    book, sheet = workbook(v, "Taakstellingvolgsysteem - export gehuisveste vergunninghouders",
                            spec.bladen[0])
    sheet.append(["Exportdatum", dt.date(2026, 1, 5)])
    sheet.append([])
    sheet.append([column(spec, "persoon_id"), column(spec, "huishouden"), "Relatie",
                  "Geboortejaar", "Land van herkomst", "Gemeente", column(spec, "gemeente_code"),
                  *(column(spec, c) for c in ("datum", "nareiziger", "mutatie", "telling"))])
    for row in people.itertuples():
        sheet.append([row.persoon_id, row.huishouden, row.relatie, row.geboortejaar, row.land,
                      names[row.gemeente_code], row.gemeente_code, row.datum,
                      "Ja" if row.nareiziger else "Nee", row.mutatie, row.telling])
    save(book, raw / "tvs" / v.tvs_bestand)
