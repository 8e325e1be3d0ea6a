"""The sample's figures: the national totals, the designed stands per municipality and period,
and the realisations, persons, COA overviews and municipal reports that follow from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain.art29 import art29
from analysis.domain.periods import (
    periode_of_date,
    periode_start,
)
from analysis.domain.taakstelling_versies import nieuwste_versie

SEED = 2024
PERIODES = ["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1", "2024-H2", "2025-H1", "2025-H2"]
SYNTHETIC = ("SYNTHETISCHE VOORBEELDDATA - gegenereerd door 'python -m analysis voorbeelddata' "
             f"(seed {SEED}); geen echte gegevens. Landelijke totalen en de cijfers uit de brief "
             "aan De Wolden volgen publieke bronnen.")

# Population on 1 January of the reference year (the year before the half-year's year).
NATIONAL_POPULATION = {2021: 17_475_415, 2022: 17_590_672, 2023: 17_811_291, 2024: 17_942_942}
MUNICIPALITIES = pd.DataFrame(
    [
        ("GM1680", "Aa en Hunze", 25_500, 25_700, 25_900, 26_000),
        ("GM0106", "Assen", 68_600, 68_800, 69_100, 69_500),
        ("GM1681", "Borger-Odoorn", 25_400, 25_500, 25_700, 25_800),
        ("GM0109", "Coevorden", 35_300, 35_400, 35_600, 35_700),
        ("GM1690", "De Wolden", 24_300, 24_400, 24_500, 24_600),
        ("GM0114", "Emmen", 107_200, 107_400, 108_000, 108_400),
        ("GM0118", "Hoogeveen", 55_700, 55_800, 56_100, 56_300),
        ("GM0119", "Meppel", 34_300, 34_500, 34_800, 35_100),
        ("GM1731", "Midden-Drenthe", 33_400, 33_500, 33_800, 33_900),
        ("GM1699", "Noordenveld", 31_000, 31_100, 31_300, 31_400),
        ("GM1730", "Tynaarlo", 34_000, 34_200, 34_500, 34_700),
        ("GM1701", "Westerveld", 19_900, 20_000, 20_200, 20_300),
    ],
    columns=["gemeente_code", "gemeente_naam", 2021, 2022, 2023, 2024],
)
# Designed stand: opening on 1 January 2022, then the stand at the end of each period.
DESIGNED_STANDS = {
    "GM1680": [-4, -8, -15, -20, -25, -22, -18, -12, -9],
    "GM0106": [3, 1, -6, -14, -20, -16, -9, -4, 2],
    "GM1681": [0, 2, 1, -3, -6, -4, -1, 2, 3],
    "GM0109": [8, 8, 6, 2, -3, 1, 3, 5, 6],
    "GM1690": [-5, -8, -6, -11, -10, -13, -11, -7, -4],
    "GM0114": [-10, -14, -22, -31, -44, -38, -30, -21, -15],
    "GM0118": [2, 0, -9, -20, -35, -28, -20, -12, -6],
    "GM0119": [-1, -2, -5, -7, -9, -6, -3, 0, 2],
    "GM1731": [-6, -8, -10, -12, -14, -11, -8, -5, -3],
    "GM1699": [4, 6, 9, 12, 18, 15, 12, 10, 11],
    "GM1730": [1, -4, -12, -25, -40, -33, -25, -16, -10],
    "GM1701": [0, 1, -1, -3, -4, -2, 0, 1, 2],
}


@dataclass(frozen=True)
class NationalTotal:
    """One version of a half-year's national total."""

    periode: str
    landelijk_totaal: int
    versiedatum: dt.date
    herkomst: str


NATIONAL_TOTALS = [
    NationalTotal("2022-H1", 10_000, dt.date(2021, 9, 30), "gepubliceerd"),
    NationalTotal("2022-H2", 13_500, dt.date(2022, 4, 8), "gepubliceerd"),
    NationalTotal("2023-H1", 21_200, dt.date(2022, 9, 30), "gepubliceerd"),
    NationalTotal("2023-H2", 16_500, dt.date(2023, 3, 31), "geschat (niet gevonden)"),
    NationalTotal("2024-H1", 18_750, dt.date(2023, 10, 2), "gepubliceerd"),
    NationalTotal("2024-H2", 17_000, dt.date(2024, 4, 2), "geschat (niet gevonden)"),
    NationalTotal("2025-H1", 17_700, dt.date(2024, 10, 1), "gepubliceerd"),
    NationalTotal("2025-H1", 15_000, dt.date(2025, 3, 14), "gepubliceerd (herziening)"),
    NationalTotal("2025-H2", 13_000, dt.date(2025, 4, 1), "gepubliceerd"),
]
COUNTRIES = ["Syrië", "Eritrea", "Afghanistan", "Turkije", "Jemen", "Irak", "Somalië", "Iran"]
RELATIONS = ["Referent", "Partner", "Kind", "Kind", "Kind"]


def taakstellingen() -> pd.DataFrame:
    """Every version of every municipality's taakstelling, by the art. 29 formula."""
    rows = []
    for total in NATIONAL_TOTALS:
        year = int(total.periode[:4]) - 1
        frame = MUNICIPALITIES[["gemeente_code", "gemeente_naam"]].assign(
            periode=total.periode, versiedatum=total.versiedatum,
            landelijk_totaal=total.landelijk_totaal, herkomst=total.herkomst,
            inwoners=MUNICIPALITIES[year], inwoners_peiljaar=year,
            taakstelling=art29(total.landelijk_totaal, MUNICIPALITIES[year],
                               NATIONAL_POPULATION[year]),
        )
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def final_taakstelling(table: pd.DataFrame) -> pd.DataFrame:
    """The latest version per municipality and period."""
    return nieuwste_versie(table).set_index(["gemeente_code", "periode"])["taakstelling"]


def designed_realisatie(final: pd.Series) -> pd.DataFrame:
    """Realisation per municipality and period that yields the designed stands."""
    stands = pd.DataFrame(DESIGNED_STANDS, index=["open", *PERIODES]).T
    rows = []
    for position, periode in enumerate(PERIODES):
        begin = stands.iloc[:, position]
        end = stands.iloc[:, position + 1]
        target = final.xs(periode, level="periode").reindex(stands.index)
        rows.append(pd.DataFrame({"gemeente_code": stands.index, "periode": periode,
                                  "realisatie": (target + end - begin).to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def persons(realisatie: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Person-level housings (households housed together, some nareizigers) and corrections."""
    rows = []
    for item in realisatie.itertuples():
        start = periode_start(item.periode)
        per_month = rng.multinomial(item.realisatie, [1 / 6] * 6)
        if item.gemeente_code == "GM1701" and item.periode == "2024-H2":
            per_month[4] += per_month[5]  # no housing in December: the correction goes negative
            per_month[5] = 0
        for month_offset, count in enumerate(per_month):
            month = _add_months(start, month_offset)
            remaining = int(count)
            while remaining:
                size = min(remaining, int(rng.choice([1, 1, 1, 2, 2, 3, 4, 5])))
                remaining -= size
                household = f"HH{rng.integers(16**7, 16**8):08X}"
                date = month + dt.timedelta(days=int(rng.integers(0, 28)))
                nareiziger = bool(rng.random() < 0.25)
                for member in range(size):
                    rows.append({
                        "persoon_id": f"V{rng.integers(10**9, 10**10)}",
                        "huishouden": household,
                        "relatie": RELATIONS[min(member, len(RELATIONS) - 1)],
                        "geboortejaar": int(rng.integers(1960, 2024)),
                        "land": str(rng.choice(COUNTRIES)),
                        "gemeente_code": item.gemeente_code, "datum": date,
                        "nareiziger": nareiziger, "mutatie": "Huisvesting", "telling": 1,
                    })
    frame = pd.DataFrame(rows)
    corrections = [
        # moved from Emmen to Assen's count after the fact
        ("GM0114", "GM0106", dt.date(2023, 2, 1), dt.date(2023, 5, 16)),
        # moved from Westerveld to Meppel in a month Westerveld housed nobody: -1 for the month
        ("GM1701", "GM0119", dt.date(2024, 9, 1), dt.date(2024, 12, 10)),
    ]
    for source, target, housed_from, corrected_on in corrections:
        candidates = frame[(frame["gemeente_code"] == source)
                           & (frame["datum"] >= housed_from) & (frame["datum"] < corrected_on)]
        person = candidates.iloc[0]
        for code, count in ((source, -1), (target, 1)):
            rows.append({**person.to_dict(), "gemeente_code": code, "datum": corrected_on,
                         "mutatie": "Correctie", "telling": count})
    return pd.DataFrame(rows).sort_values(["datum", "gemeente_code"], kind="stable")


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def coa_overviews(table: pd.DataFrame, people: pd.DataFrame, opening: pd.Series) -> pd.DataFrame:
    """COA's monthly figures per municipality, dated on the first of each month."""
    final = final_taakstelling(table)
    realised = people.assign(periode=people["datum"].map(periode_of_date))
    per_period = realised.groupby(["gemeente_code", "periode"])["telling"].sum()
    stand = opening.copy()
    stand_begin = {}
    for periode in PERIODES:
        stand_begin[periode] = stand.copy()
        got = per_period.xs(periode, level="periode").reindex(stand.index, fill_value=0)
        stand = stand + got - final.xs(periode, level="periode").reindex(stand.index)
    rows = []
    peildatum = dt.date(2022, 2, 1)
    while peildatum <= dt.date(2026, 1, 1):
        day_before = peildatum - dt.timedelta(days=1)
        periode = f"{day_before.year}-H{1 if day_before.month <= 6 else 2}"
        valid = table[(table["periode"] == periode) & (table["versiedatum"] <= peildatum)]
        target = valid.sort_values("versiedatum").groupby("gemeente_code")["taakstelling"].last()
        window = people[(people["datum"] >= periode_start(periode))
                        & (people["datum"] < peildatum)]
        got = window.groupby("gemeente_code")["telling"].sum().reindex(stand.index, fill_value=0)
        begin = stand_begin[periode]
        frame = pd.DataFrame({
            "peildatum": peildatum, "gemeente_code": stand.index,
            "taakstelling": target.reindex(stand.index).to_numpy(), "stand_begin": begin,
            "gerealiseerd": got,
        })
        frame["opgave"] = frame["taakstelling"] - frame["stand_begin"]
        frame["nog_te_realiseren"] = (frame["opgave"] - frame["gerealiseerd"]).clip(lower=0)
        rows.append(frame.reset_index(drop=True))
        peildatum = _add_months(peildatum, 1)
    return pd.concat(rows, ignore_index=True)


# Deliberate differences between a municipality's own count and COA's, per month.
REPORT_DIFFERENCES = {
    "GM0114": {dt.date(2024, 2, 1): 2, dt.date(2024, 3, 1): -2, dt.date(2025, 10, 1): 1},
    "GM0106": {dt.date(2024, 5, 1): 1, dt.date(2025, 6, 1): -1},
}


def municipal_reports(people: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts as Emmen and Assen report them, 2024-2025."""
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS").date
    per_month = people.assign(maand=people["datum"].map(lambda d: d.replace(day=1)))
    counts = per_month.groupby(["gemeente_code", "maand"])["telling"].sum()
    rows = []
    for code, differences in REPORT_DIFFERENCES.items():
        for month in months:
            count = int(counts.get((code, month), 0)) + differences.get(month, 0)
            rows.append({"gemeente_code": code, "maand": month, "realisatie": count})
    return pd.DataFrame(rows)
