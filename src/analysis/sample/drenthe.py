"""The figures of the Drenthe sample (the bundled one in ``data/raw/``): 12 municipalities,
2022-H1 to 2025-H2.

Public figures reproduced: the national totals per half-year (estimates where none was
published, marked as such in the files), the province's letter to De Wolden (stand 1-1-2024 -10,
taakstelling 2024-H1 26, realisatie 23, taakstelling 2024-H2 24) and Noordenveld's surplus of 18
into 2024 with a taakstelling of 33. Populations are plausible round figures, not CBS figures.
Emmen and Assen send their own monthly reports, each in its own layout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.domain.periods import MONTHS_NL
from analysis.sample.voorbeeld import Correctie, NationalTotal, Voorbeeld
from analysis.sample.workbooks import column, kenmerk, layout, save, workbook

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
CORRECTIONS = [
    # moved from Emmen to Assen's count after the fact
    Correctie("GM0114", "GM0106", dt.date(2023, 2, 1), dt.date(2023, 5, 16)),
    # moved from Westerveld to Meppel in a month Westerveld housed nobody: -1 for the month
    Correctie("GM1701", "GM0119", dt.date(2024, 9, 1), dt.date(2024, 12, 10)),
]
# Deliberate differences between a municipality's own count and COA's, per month.
REPORT_DIFFERENCES = {
    "GM0114": {dt.date(2024, 2, 1): 2, dt.date(2024, 3, 1): -2, dt.date(2025, 10, 1): 1},
    "GM0106": {dt.date(2024, 5, 1): 1, dt.date(2025, 6, 1): -1},
}


def write_reports(v: Voorbeeld, reports: pd.DataFrame, raw: Path) -> None:
    """Emmen and Assen, each in its own layout."""
    emmen, spec = reports[reports["gemeente_code"] == "GM0114"], layout("gemeente_emmen")
    book, sheet = workbook(v, "Gemeente Emmen - huisvesting vergunninghouders per maand",
                           spec.bladen[0])
    sheet.append([kenmerk(spec, "gemeente_code"), "Emmen"])
    sheet.append([])
    sheet.append([column(spec, "maand"), column(spec, "realisatie"), "Opmerking"])
    for row in emmen.itertuples():
        sheet.append([row.maand, row.realisatie, None])
    sheet.append(["Totaal", int(emmen["realisatie"].sum())])
    save(book, raw / "gemeenten" / "Emmen_huisvesting_vergunninghouders_2024-2025.xlsx")

    assen, spec = reports[reports["gemeente_code"] == "GM0106"], layout("gemeente_assen")
    book, sheet = workbook(v, "Rapportage huisvesting statushouders", spec.bladen[0])
    sheet.append([])
    sheet.append([column(spec, c) for c in ("gemeente_code", "maand", "realisatie")])
    for row in assen.itertuples():
        month = f"{MONTHS_NL[row.maand.month - 1]} {row.maand.year}"
        sheet.append(["gemeente Assen", month, row.realisatie])
    save(book, raw / "gemeenten" / "Assen_rapportage_statushouders_2024-2025.xlsx")


VOORBEELD = Voorbeeld(
    provincie="Drenthe", seed=SEED, periodes=PERIODES, synthetisch=SYNTHETIC,
    inwoners_nederland=NATIONAL_POPULATION, gemeenten=MUNICIPALITIES, standen=DESIGNED_STANDS,
    landelijk=NATIONAL_TOTALS, correcties=CORRECTIONS,
    lege_december=frozenset({("GM1701", "2024-H2")}),
    rapportage_verschillen=REPORT_DIFFERENCES, schrijf_rapportages=write_reports,
    coa_spelling={"Borger-Odoorn": "Borger Odoorn"},
    tvs_bestand="TVS_export_huisvestingen_2022-2025.xlsx",
)
