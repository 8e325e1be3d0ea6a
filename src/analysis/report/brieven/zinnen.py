"""The judgement of a letter in sentences GS can sign: where the figures come from, what was
housed against the taakstelling and the opgave, the verdict and what it means for the
supervision. The verdict and its meaning are the kader's words (``zin`` and ``toezicht`` of each
rating), so a province changes them in its kader, not in code; the standing of the kader is
named only as far as a GS decision adopting it is recorded."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.domain.periods import datum_tekst, periode_voluit


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _persons(count: int) -> str:
    return f"{count} vergunninghouder{'s' if count != 1 else ''}"


def bron_zin(row: pd.Series, leidende_bron: str = "COA") -> str:
    """'Volgens de cijfers van het COA per 1 juli 2024': the source of the half-year's figures,
    'voorlopige' while COA's closing overview is."""
    closing = datum_tekst(pd.Timestamp(row["peildatum_eind"]).date())
    if leidende_bron != "COA":
        return f"Volgens de cijfers die uw gemeente rapporteerde, tot {closing}"
    kind = "voorlopige cijfers" if row.get("status") == "voorlopig" else "cijfers"
    return f"Volgens de {kind} van het COA per {closing}"


def realisatie_zinnen(row: pd.Series, norm: str = "taakstelling",
                      leidende_bron: str = "COA") -> str:
    """What was housed in the half-year, against the taakstelling and the opgave: a backlog
    or a voorsprong at the start named with the opgave it makes, a negative realisatie as the
    correction it is."""
    realised, target = int(row["realisatie"]), int(row["taakstelling"])
    begin, opgave = int(row["stand_begin"]), int(row["opgave"])
    period = periode_voluit(str(row["periode"]))
    source = bron_zin(row, leidende_bron)
    if realised < 0:
        first = (f"{source} is het aantal gehuisveste vergunninghouders van uw gemeente in de "
                 f"{period} per saldo met {-realised} verminderd: correcties op eerder "
                 "gemelde huisvestingen waren groter dan het aantal nieuwe.")
    elif realised == 0:
        first = f"{source} heeft uw gemeente in de {period} geen vergunninghouders gehuisvest."
    else:
        first = f"{source} heeft uw gemeente in de {period} {_persons(realised)} gehuisvest."
    if begin < 0:
        second = (f" De taakstelling was {target}; met de achterstand van {-begin} aan het "
                  f"begin van het halfjaar was de opgave {opgave}.")
    elif begin > 0:
        rest = (f"zodat de opgave {opgave} was" if opgave > 0 else
                "zodat er geen opgave resteerde")
        second = (f" De taakstelling was {target}; uw gemeente begon het halfjaar met een "
                  f"voorsprong van {begin}, {rest}.")
    else:
        second = f" De taakstelling was {target}."
    shares = []
    if realised > 0 and target > 0:
        shares.append(f"{_percent(realised / target)} van de taakstelling")
    if realised > 0 and opgave > 0 and (begin != 0 or norm == "totaalopgave"):
        shares.append(f"{_percent(realised / opgave)} van de opgave")
    third = f" Dat is {' en '.join(shares)}." if shares else ""
    return first + second + third


def oordeel_zin(row: pd.Series, zin: str, label: str,
                vastgesteld: tuple[dt.date, str] | None) -> str:
    """The verdict in the kader's words, then the kader's category: 'volgens het
    beoordelingskader dat wij op … hebben vastgesteld' only with that decision recorded."""
    end = int(row["stand_eind"])
    values = {"achterstand": max(-end, 0), "voorsprong": max(end, 0),
              "opgave": int(row["opgave"]), "taakstelling": int(row["taakstelling"]),
              "realisatie": int(row["realisatie"]),
              "peildatum": datum_tekst(pd.Timestamp(row["peildatum_eind"]).date())}
    verdict = zin.format(**values) if zin else ""
    if vastgesteld is not None:
        day, kenmerk = vastgesteld
        standing = (f"Volgens het beoordelingskader dat wij op {datum_tekst(day)} hebben "
                    f"vastgesteld (kenmerk {kenmerk}), valt dat in de categorie '{label}'.")
    else:
        standing = (f"In het beoordelingskader dat de provincie voor dit toezicht gebruikt, "
                    f"valt dat in de categorie '{label}'.")
    return f"{verdict} {standing}".strip()
