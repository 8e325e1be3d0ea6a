"""Verantwoording: for every figure of a municipality's block, and every decision the products
about the half-year rely on, where it comes from, in words a reader understands ("Realisatie 23:
COA-overzicht per 1 juli 2024, blad 'Realisatie per gemeente', rij 10") and in the columns the
workbook lists. The workbook's sheet, the municipality page and ``analysis herkomst`` read it.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain.periods import (
    MONTHS_NL,
    datum_tekst,
    periode_from_index,
    periode_index,
    periode_tekst,
    volgende_periode,
)
from analysis.formatting import getal
from analysis.report.kerncijfers import besluiten_van

HASH = 12  # characters of a SHA-256 shown: enough to tell files apart, short enough to read
COLUMNS = {"gemeente_code": "Code", "gemeente_naam": "Gemeente", "onderdeel_tekst": "Onderdeel",
           "waarde": "Waarde", "tekst": "Bron", "bron_bestand": "Bestand", "bron_blad": "Blad",
           "bron_rij": "Rij(en)", "rijen": "Aantal rijen", "peildatum": "Peildatum",
           "vintage": "Vintage", "versiedatum": "Versiedatum", "van": "Van", "tot": "Tot en met",
           "besluit": "Besluit (nr. in register)", "besluit_datum": "Besluitdatum",
           "kenmerk": "Kenmerk", "sha256": "SHA-256 (begin)"}


def _datum(value: object) -> str:
    return datum_tekst(pd.Timestamp(value).date())


def _maand(value: object) -> str:
    day = pd.Timestamp(value)
    return f"{MONTHS_NL[day.month - 1]} {day.year}"


def _label(row: pd.Series) -> str:
    """The figure as the block names it."""
    periode = str(row["periode"])
    return {"stand_begin": "Stand begin", "taakstelling": f"Taakstelling {periode_tekst(periode)}",
            "achterstand": "Achterstand" if row["_stand_begin"] <= 0 else "Voorsprong",
            "opgave": "Opgave", "realisatie": f"Realisatie {periode_tekst(periode)}",
            "stand_eind": "Stand eind",
            "taakstelling_volgend": f"Taakstelling {periode_tekst(volgende_periode(periode))}",
            }.get(str(row["onderdeel"]), "Besluit")


def _where(row: pd.Series) -> str:
    """Sheet and row(s) of a source row, and the file's hash."""
    parts = [f", blad '{row['bron_blad']}'"] if pd.notna(row["bron_blad"]) else []
    if pd.notna(row["bron_rij"]):
        rows = str(row["bron_rij"])
        parts.append(f" {'rijen' if ',' in rows else 'rij'} {rows}")
    if not row["_bestanden"]:
        return ",".join(parts)
    sha = f", SHA-256 {str(row['bestand_hash'])[:HASH]}" if pd.notna(row["bestand_hash"]) else ""
    return ",".join(parts) + f" ({row['bron_bestand']}{sha})"


def _source(row: pd.Series) -> str:
    """Where one figure (or one part of it) comes from, in words."""
    kind = row["bron"]
    if kind == "coa_overzicht":
        issue = (f" (heruitgave {int(row['vintage'])}"
                 f"{', ' + str(row['versie']) if pd.notna(row['versie']) else ''})"
                 if pd.notna(row["vintage"]) and row["vintage"] > 0 else
                 f" ({row['versie']})" if pd.notna(row["versie"]) else "")
        return f"COA-overzicht per {_datum(row['peildatum'])}{issue}{_where(row)}"
    if kind == "taakstelling":
        return f"Bijlage A van {_datum(row['versiedatum'])}{_where(row)}{_swap(row)}"
    if kind == "persoonsexport":
        return (f"persoonsgegevens van het COA, {getal(int(row['rijen']))} regels met een "
                f"huisvestingsdatum van {_datum(row['van'])} tot en met {_datum(row['tot'])} "
                f"(geteld bij het inlezen, zonder personen){_where(row)}")
    if kind == "gemeente":
        return (f"rapportage van de gemeente, {_maand(row['van'])} tot en met "
                f"{_maand(row['tot'])}{_where(row)}")
    if kind == "besluit":
        kenmerk = f", kenmerk {row['kenmerk']}" if pd.notna(row["kenmerk"]) and row[
            "kenmerk"] else ""
        return (f"{row['soort']}, besluit van GS van {_datum(row['besluit_datum'])}{kenmerk}, "
                f"nr. {int(row['besluit'])} in het besluitenregister{_where(row)}")
    return _derivation(row)


def _swap(row: pd.Series) -> str:
    """What an art. 29(2) agreement did to Bijlage A's figure: '; 26 volgens Bijlage A + 5
    uitruil (afspraak X, ...)'; nothing where none applies."""
    shift = row.get("uitruil")
    if pd.isna(shift) or not shift:
        return ""
    value, imported, shift = int(row["waarde"]), int(row["taakstelling_bijlage_a"]), int(shift)
    moved = (f"{'+' if shift > 0 else '-'} {getal(abs(shift))} uitruil (afspraak "
             f"{row['uitruil_kenmerk']}, art. 29 lid 2 Huisvestingswet 2014)")
    if imported == value - shift:
        return f"; {getal(imported)} volgens Bijlage A {moved}"
    if imported == value:
        return f"; Bijlage A verwerkt de uitruil al: {getal(value - shift)} {moved}"
    return (f"; {getal(value - shift)} volgens de art. 29-formule {moved} (Bijlage A geeft "
            f"{getal(imported)})")


def _derivation(row: pd.Series) -> str:
    """A figure the roll-forward derives, with the figures it comes from."""
    begin, target = getal(row["_stand_begin"]), getal(row["_taakstelling"])
    how = row["afgeleid_uit"]
    if how == "stand_eind_vorige":
        before = periode_tekst(periode_from_index(periode_index(str(row["periode"])) - 1))
        return f"de stand eind van de {before}"
    if how == "stand_begin":
        return f"de stand begin ({begin})"
    if how == "taakstelling-stand_begin":
        return f"taakstelling {target} min stand begin ({begin})"
    return (f"stand begin ({begin}) plus realisatie {getal(row['_realisatie'])} min taakstelling "
            f"{target}")


def _decisions(result: Berekening, periode: str, codes: list[str]) -> pd.DataFrame:
    """The decisions the products about ``periode`` cite, as trace rows of the register."""
    decided = besluiten_van(result.table("besluiten"), periode)
    decided = decided[decided["gemeente_code"].isin(codes)]
    source = result.table("besluiten_bron")
    file, sha = ((source["bron_bestand"].iloc[0], source["bestand_hash"].iloc[0]) if len(source)
                 else (pd.NA, pd.NA))
    return pd.DataFrame({
        "gemeente_code": decided["gemeente_code"], "periode": periode, "onderdeel": "besluit",
        "volgorde": 100, "waarde": pd.NA, "bron": "besluit", "bron_bestand": file,
        "bron_blad": pd.NA, "bron_rij": pd.NA, "bestand_hash": sha,
        "besluit": decided["besluit"], "besluit_datum": decided["datum"],
        "kenmerk": decided["kenmerk"], "soort": decided["soort"]})


def verantwoording(result: Berekening, periode: str, codes: list[str]) -> pd.DataFrame:
    """The trace of ``periode`` for the municipalities ``codes``: per figure its rows (a
    realisatie counted from two sources has two), then the decisions, with ``tekst`` the line
    a reader sees."""
    trace = result.table("herkomst")
    trace = trace[(trace["periode"] == periode) & trace["gemeente_code"].isin(codes)]
    stand = result.table("stand")
    figures = stand[stand["periode"] == periode].set_index("gemeente_code")
    frame = pd.concat([trace, _decisions(result, periode, codes)], ignore_index=True)
    for column in ("stand_begin", "taakstelling", "realisatie"):
        frame[f"_{column}"] = frame["gemeente_code"].map(figures[column])
    frame["gemeente_naam"] = frame["gemeente_code"].map(figures["gemeente_naam"])
    frame["onderdeel_tekst"] = frame.apply(_label, axis=1)
    frame["tekst"] = frame.assign(_bestanden=True).apply(_source, axis=1)
    frame["sha256"] = frame["bestand_hash"].astype("string").str[:HASH]
    order = {code: i for i, code in enumerate(codes)}
    return frame.sort_values(["volgorde", "besluit_datum"], kind="stable").sort_values(
        "gemeente_code", key=lambda c: c.map(order), kind="stable", ignore_index=True)


def bron_teksten(frame: pd.DataFrame, bestanden: bool = True) -> pd.Series:
    """Where each row comes from, in words: 'COA-overzicht per 1 juli 2024, blad 'Realisatie
    per gemeente', rij 10', with the file and its hash unless ``bestanden`` is False."""
    return frame.assign(_bestanden=bestanden).apply(_source, axis=1)


def zinnen(frame: pd.DataFrame, bestanden: bool = True) -> list[str]:
    """One line per row: 'Realisatie 1e helft 2024 23: COA-overzicht per 1 juli 2024, blad
    'Realisatie per gemeente', rij 10', with the file and its hash unless ``bestanden`` is
    False (the page; the workbook and ``herkomst`` name them)."""
    value = frame["waarde"].map(lambda v: "" if pd.isna(v) else f" {getal(int(v))}")
    return (frame["onderdeel_tekst"] + value + ": " + bron_teksten(frame, bestanden)).tolist()


def werkblad(frame: pd.DataFrame) -> pd.DataFrame:
    """The trace as the workbook's Verantwoording sheet lists it (Dutch headers, dates)."""
    sheet = frame.reindex(columns=list(COLUMNS))
    for column in ("peildatum", "versiedatum", "van", "tot", "besluit_datum"):
        sheet[column] = pd.to_datetime(sheet[column]).dt.date.astype(object).where(
            sheet[column].notna(), None)
    return sheet.rename(columns=COLUMNS)
