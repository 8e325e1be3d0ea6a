"""The letter's block "Resultaten gemeente ...", worded exactly as the province writes it."""

from __future__ import annotations

import pandas as pd

from analysis.domain.periods import (
    datum_tekst,
    periode_einde,
    periode_start,
    periode_tekst,
    volgende_periode,
)


def _taakstelling_line(periode: str, taakstelling: int, stand_begin: int) -> str:
    """``Taakstelling 1e helft 2024: 26 (+achterstand 10) =36``; a surplus is subtracted and an
    opgave below zero is shown as 0 with the surplus that remains."""
    head = f"Taakstelling {periode_tekst(periode)}: {taakstelling}"
    opgave = taakstelling - stand_begin
    if stand_begin < 0:
        return f"{head} (+achterstand {-stand_begin}) ={opgave}"
    if stand_begin > 0:
        line = f"{head} (-voorsprong {stand_begin}) ={max(opgave, 0)}"
        return line + (f" (resterende voorsprong {-opgave})" if opgave < 0 else "")
    return f"{head} ={opgave}"


def conclusie(periode: str, taakstelling_gehaald: bool, ontwikkeling: str) -> str:
    """``Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen.``"""
    gehaald = "gehaald" if taakstelling_gehaald else "niet gehaald"
    return f"Taakstelling {periode_tekst(periode)} {gehaald}, {ontwikkeling}."


def _dates(row: pd.Series, periode: str) -> tuple[str, str]:
    """The peildata opening and closing the half-year: from the stand's columns (a kader's
    cut-off moves them to e.g. 25 January), else 1 January and 1 July."""
    begin, end = row.get("peildatum_begin"), row.get("peildatum_eind")
    if begin is None or pd.isna(begin):
        return datum_tekst(periode_start(periode)), datum_tekst(periode_einde(periode))
    return datum_tekst(pd.Timestamp(begin).date()), datum_tekst(pd.Timestamp(end).date())


def _rows(stand: pd.DataFrame, gemeente_code: str, periode: str) -> pd.DataFrame:
    rows = stand[stand["gemeente_code"] == gemeente_code].set_index("periode")
    if periode not in rows.index:
        raise KeyError(f"geen stand voor {gemeente_code} in {periode}")
    return rows


def resultaten_regels(stand: pd.DataFrame, gemeente_code: str, periode: str,
                      bekend: pd.DataFrame | None = None) -> list[str]:
    """The block's figure lines, from the roll-forward's output. The next period's line uses
    its taakstelling when known: from ``bekend`` when given (the versions known on a letter's
    date, with ``versiedatum`` and the figure a revision replaced in ``eerder``), else from the
    stand."""
    rows = _rows(stand, gemeente_code, periode)
    row = rows.loc[periode]
    begin, end = _dates(row, periode)
    if not row.get("volledig", True):
        so_far = (int(row["realisatie"]) if row.get("realisatie_bekend", True)
                  else "nog niet bekend")
        return [f"Stand op {begin}: {int(row['stand_begin'])}",
                _taakstelling_line(periode, int(row["taakstelling"]), int(row["stand_begin"])),
                f"Realisatie {periode_tekst(periode)} tot nu toe: {so_far}"]
    following = volgende_periode(periode)
    lines = [
        f"Stand op {begin}: {int(row['stand_begin'])}",
        _taakstelling_line(periode, int(row["taakstelling"]), int(row["stand_begin"])),
        f"Realisatie {periode_tekst(periode)}: {int(row['realisatie'])}",
        f"Stand op {end}: {int(row['stand_eind'])}",
    ]
    if bekend is not None:
        found = bekend[(bekend["gemeente_code"] == gemeente_code)
                       & (bekend["periode"] == following)]
        nxt = found.iloc[0] if len(found) else None
    else:
        nxt = rows.loc[following] if following in rows.index else None
    if nxt is None:
        lines.append(f"Taakstelling {periode_tekst(following)}: nog niet bekend")
        return lines
    line = _taakstelling_line(following, int(nxt["taakstelling"]), int(row["stand_eind"]))
    if pd.notna(nxt.get("eerder")):
        line += (f" (herzien op {datum_tekst(pd.Timestamp(nxt['versiedatum']).date())}; "
                 f"eerder {int(nxt['eerder'])})")
    lines.append(line)
    return lines


def _source_note(rows: pd.DataFrame, periode: str) -> str:
    """For a running half-year whose months come from COA's overviews after the person-level
    export ends, a sentence that says so."""
    if "realisatie_bron" not in rows:
        return ""
    sources = str(rows.loc[periode, "realisatie_bron"])
    if sources == "persoonsexport+coa_overzicht":
        return (" De realisatie telt de persoonsgegevens van het COA en, voor de maanden "
                "daarna, de maandoverzichten van het COA.")
    if sources == "coa_overzicht" and rows["realisatie_bron"].str.contains(
            "persoonsexport").any():
        return (" De realisatie komt uit de maandoverzichten van het COA: de persoonsgegevens "
                "van het COA lopen niet tot in dit halfjaar.")
    return ""


def resultaten_block(stand: pd.DataFrame, gemeente_code: str, gemeente_naam: str,
                     periode: str) -> str:
    """The block for one municipality and period: title, figure lines and conclusion."""
    rows = _rows(stand, gemeente_code, periode)
    row = rows.loc[periode]
    if not row.get("volledig", True):
        return "\n".join([f"Resultaten gemeente {gemeente_naam} (voorlopig)",
                          *resultaten_regels(stand, gemeente_code, periode),
                          f"De {periode_tekst(periode)} loopt nog; de stand op "
                          f"{_dates(row, periode)[1]} volgt uit het COA-overzicht van die "
                          f"datum.{_source_note(rows, periode)}"])
    return "\n".join([f"Resultaten gemeente {gemeente_naam}",
                      *resultaten_regels(stand, gemeente_code, periode),
                      conclusie(periode, bool(row["taakstelling_gehaald"]),
                                str(row["ontwikkeling"]))])
