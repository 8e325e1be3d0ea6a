"""Short plain-text summaries of processed data, for the terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.compute.uitruil import art29_meldingen
from analysis.domain import gemeenten
from analysis.domain.besluiten import vroege_besluiten
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.formatting import datum, getal, procent
from analysis.report.totalen import totalen


def municipality_summary(taakstelling: pd.DataFrame, realisatie: pd.DataFrame) -> str:
    """Per municipality: periods with a taakstelling, total taakstelling (newest versions) and
    realisation (COA's count per month)."""
    latest = nieuwste_versie(taakstelling)
    per_gemeente = latest.groupby("gemeente_code").agg(
        periodes=("periode", "nunique"), eerste=("periode", "min"), laatste=("periode", "max"),
        taakstelling=("taakstelling", "sum"))
    per_gemeente["realisatie"] = realisatie.groupby("gemeente_code")["realisatie"].sum()
    per_gemeente = per_gemeente.fillna({"realisatie": 0}).reset_index()
    per_gemeente.insert(1, "gemeente", gemeenten.naam(per_gemeente["gemeente_code"]))
    per_gemeente = per_gemeente.sort_values("gemeente")
    header = (f"{'Code':<7} {'Gemeente':<16} {'Periodes':<18} {'Taakstelling':>12} "
              f"{'Realisatie':>10}")
    lines = ["Ingelezen per gemeente (alle periodes samen)", header, "-" * len(header)]
    for row in per_gemeente.itertuples():
        lines.append(f"{row.gemeente_code:<7} {row.gemeente:<16} "
                     f"{row.eerste + ' t/m ' + row.laatste:<18} {int(row.taakstelling):>12} "
                     f"{int(row.realisatie):>10}")
    return "\n".join(lines)


def bereken_summary(tables: dict[str, pd.DataFrame], kader_naam: str, leidend: str,
                    processed: Path, kalender: Telkalender = STANDAARD,
                    kennisdatum: dt.date | None = None) -> str:
    """What 'bereken' computed, and the differences to follow up."""
    stand, verschillen = tables["stand"], tables["coa_verschillen"]
    known = f"; met wat bekend was op {datum(kennisdatum)}" if kennisdatum else ""
    lines = [f"Stand berekend: {stand['gemeente_code'].nunique()} gemeenten, "
             f"{stand['periode'].nunique()} periodes ({len(stand)} rijen); beoordeeld met het "
             f"kader {kader_naam}{known}; geschreven naar {processed}"]
    if kalender.heeft_uitloop:
        lines.append("Geen vergelijking met de standen van het COA: het beoordelingskader telt "
                     f"tot {kalender.afsluitdatum_tekst()}, het COA tot 1 januari en 1 juli.")
    elif verschillen.empty:
        lines.append("Berekende standen komen overeen met de standen van het COA.")
    else:
        lines.append(f"Let op: {len(verschillen)} verschil(len) met de standen van het COA "
                     "(zie coa_verschillen.parquet):")
        lines.extend(f"  - {row.gemeente_code} {row.periode}: berekend {row.stand_eind}, "
                     f"COA {row.coa_stand_eind} ({row.bron_bestand})"
                     for row in verschillen.itertuples())
    counts = tables["telling_verschillen"]
    if len(counts):
        lines.append(f"Let op: {len(counts)} halfja(a)r(en) waarin de persoonsexport een andere "
                     "realisatie telt dan het COA-overzicht (dat geldt; zie "
                     "telling_verschillen.parquet):")
        lines.extend(f"  - {row.gemeente_code} {row.periode}: persoonsexport "
                     f"{row.tvs_realisatie}, COA {row.coa_realisatie} ({row.bron_bestand})"
                     for row in counts.itertuples())
    afstemming = tables["afstemming"]
    lines.append(f"Afstemming gemeenten met COA: {len(afstemming)} maand(en) om op te volgen "
                 f"({leidend} is leidend; zie afstemming.parquet).")
    lines.extend(f"  - {row.gemeente_code} {row.opvolgen}" for row in afstemming.itertuples())
    lines.extend(f"Let op: {warning}" for warning in vroege_besluiten(tables["besluiten"],
                                                                       kalender))
    if "art29_toets" in tables:
        lines.extend(f"Let op: {warning}" for warning in art29_meldingen(tables["art29_toets"]))
    return "\n".join(lines)


def stand_table(stand: pd.DataFrame, periode: str) -> str:
    """All municipalities' figures for one period, as a plain-text table."""
    rows = stand[stand["periode"] == periode].sort_values("gemeente_naam")
    header = (f"{'Gemeente':<16} {'Stand begin':>11} {'Taakst.':>7} {'Opgave':>6} "
              f"{'Real.':>5} {'Stand eind':>10} {'% taakst.':>9}  Ontwikkeling")
    lines = [f"Stand per gemeente, {periode}", header, "-" * (len(header) + 22)]
    for row in rows.itertuples():
        lines.append(f"{row.gemeente_naam:<16} {getal(row.stand_begin):>11} "
                     f"{getal(row.taakstelling):>7} {getal(row.opgave):>6} "
                     f"{getal(row.realisatie):>5} {getal(row.stand_eind):>10} "
                     f"{procent(row.pct_taakstelling):>9}  "
                     + (f"{'gehaald' if row.taakstelling_gehaald else 'niet gehaald'}, "
                        f"{row.ontwikkeling}" if getattr(row, "volledig", True)
                        else "loopt nog (voorlopig)"))
    totals = totalen(rows)
    lines.append(f"{'Totaal':<16} {getal(totals.stand_begin):>11} "
                 f"{getal(totals.taakstelling):>7} {getal(totals.opgave):>6} "
                 f"{getal(totals.realisatie):>5} {getal(totals.stand_eind):>10}")
    return "\n".join(lines)


def prognose_table(forecast: pd.DataFrame, periode: str, landelijk: int,
                   source: pd.DataFrame, stand_periode: str) -> str:
    """A forecast per municipality, with the figures it rests on."""
    from analysis.domain.periods import datum_tekst, periode_einde, periode_tekst

    first = source.iloc[0]
    rows = forecast.assign(gemeente=gemeenten.naam(forecast["gemeente_code"])).sort_values(
        "gemeente")
    lines = [
        f"Prognose {periode_tekst(periode)} bij een landelijke taakstelling van {getal(landelijk)}",
        f"Inwoners: de laatst bekende ({first['bron_bestand']}, Nederland "
        f"{getal(first['inwoners_nederland'])}); officieel geldt het aantal op 1 januari van het "
        "jaar voor de periode.",
        f"Stand: op {datum_tekst(periode_einde(stand_periode))} (na {stand_periode}).",
        f"{'Gemeente':<16} {'Inwoners':>9} {'Taakstelling':>12} {'Stand':>6} {'Opgave':>7}",
    ]
    for row in rows.itertuples():
        lines.append(f"{row.gemeente:<16} {row.inwoners:>9} {row.taakstelling:>12} "
                     f"{row.stand:>6} {row.opgave:>7}")
    lines.append(f"{'Totaal':<16} {rows['inwoners'].sum():>9} {rows['taakstelling'].sum():>12} "
                 f"{rows['stand'].sum():>6} {rows['opgave'].sum():>7}")
    return "\n".join(lines)


def oordeel_table(beoordeling: pd.DataFrame, periode: str, kader_naam: str) -> str:
    """Rating, recorded rung, the kader's advice and reason per municipality for one period."""
    rows = beoordeling[beoordeling["periode"] == periode].sort_values("gemeente_naam")
    lines = [f"Oordeel per gemeente, {periode} (beoordelingskader {kader_naam})"]
    for row in rows.itertuples():
        rung = (f"trede '{row.trede_op_datum}'" if row.trede_op_datum
                else "geen trede vastgelegd")
        advice = f"; advies: {row.advies_tekst}" if row.advies_tekst else ""
        lines.append(f"{row.gemeente_naam}: {row.oordeel_label}; {rung}{advice}")
        lines.append(f"    {row.reden}")
    return "\n".join(lines)


def signalen_lines(signals: pd.DataFrame, peildatum: pd.Timestamp) -> str:
    """The kader's monthly signals at one peildatum (the month before it counted), as advice."""
    month = f"{peildatum - pd.offsets.MonthBegin(1):%m-%Y}"
    if signals.empty:
        return f"Geen signalen volgens het beoordelingskader na de cijfers van {month}."
    rows = signals.assign(gemeente=gemeenten.naam(signals["gemeente_code"])).sort_values(
        ["gemeente", "code"])
    lines = [f"Signalen na de cijfers van {month} (advies volgens het beoordelingskader; geen "
             "oordeel over het halfjaar):"]
    lines += [f"  {row.gemeente}: {str(row.label).rstrip('. ')}. {row.advies}"
              + ("" if row.lopend else " (halfjaar afgesloten)") for row in rows.itertuples()]
    return "\n".join(lines)


def tempo_table(pace: pd.DataFrame) -> str:
    """Pace per municipality within the current half-year."""
    first = pace.iloc[0]
    rows = pace.assign(gemeente=gemeenten.naam(pace["gemeente_code"])).sort_values("gemeente")
    header = (f"{'Gemeente':<16} {'Opgave':>6} {'Real.':>5} {'Pad':>6} {'Verschil':>8} "
              f"{'Prognose stand':>14}  Achterstand weg in")
    lines = [f"Tempo {first['periode']}: {first['maanden']} van 6 maanden "
             f"(t/m {first['peildatum'] - pd.offsets.MonthBegin(1):%m-%Y}); pad = opgave x "
             "maanden / 6; achterstand weg in: wat de prognose aan het eind overlaat, bij het "
             "tempo van de laatste 4 halfjaren",
             header, "-" * (len(header) + 4)]
    for row in rows.itertuples():
        weg = ("geen achterstand" if row.prognose_stand_eind >= 0 else "niet bij dit tempo") \
            if pd.isna(row.achterstand_weg_in) else row.achterstand_weg_in
        decimals = f"{row.pad:>6.1f} {row.verschil_met_pad:>+8.1f}".replace(".", ",")
        lines.append(f"{row.gemeente:<16} {row.opgave:>6} {row.realisatie_tot_nu:>5} "
                     f"{decimals} {row.prognose_stand_eind:>14}  {weg}")
    return "\n".join(lines)
