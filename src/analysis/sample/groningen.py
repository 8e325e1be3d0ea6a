"""The figures of the Groningen sample: the province's municipalities, 2020-H1 to 2025-H2, with
the herindeling of Appingedam, Delfzijl and Loppersum into Eemsdelta on 1 January 2021.

National totals: those of the Drenthe sample for 2022-2025 (published, or estimates marked as
such); 2020-H1 to 2021-H2 are estimates, no published figure was found ("geschat (niet
gevonden)" in the files). National populations on 1 January 2019 and 2020 are CBS's; the
municipalities' populations are plausible round figures, not CBS figures. The stands are
designed: a mix of backlogs and surpluses, and Westerkwartier mirrors the public case (a backlog
by cohort: of the part that arose in 2023-H1, 42 persons were still to be housed on 1 January
2024; of the part of 2023-H2, 38 on 1 July 2024, when the 2023-H1 part was housed). The
municipality of Groningen sends its own monthly report. Decisions register, letters' settings
and map are hand-written, in ``sample/groningen/``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.domain.periods import MONTHS_NL
from analysis.sample import drenthe
from analysis.sample.voorbeeld import Correctie, NationalTotal, Voorbeeld
from analysis.sample.workbooks import column, kenmerk, layout, save, workbook

SEED = 2020
PERIODES = [f"{year}-H{half}" for year in range(2020, 2026) for half in (1, 2)]
SYNTHETIC = ("SYNTHETISCHE VOORBEELDDATA - gegenereerd door 'python -m analysis voorbeelddata "
             f"--provincie Groningen' (seed {SEED}); geen echte gegevens. Landelijke totalen "
             "volgen publieke bronnen waar die gevonden zijn (anders geschat).")

# Population on 1 January of the reference year (the year before the half-year's year); 2019
# and 2020 from CBS, the later years as in the Drenthe sample.
NATIONAL_POPULATION = {2019: 17_282_163, 2020: 17_407_585, **drenthe.NATIONAL_POPULATION}
_YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
_NONE = [None] * 5
MUNICIPALITIES = pd.DataFrame(
    [
        ("GM0003", "Appingedam", 11_800, *_NONE, None, "2020-H2"),
        ("GM0010", "Delfzijl", 24_900, *_NONE, None, "2020-H2"),
        ("GM0024", "Loppersum", 9_800, *_NONE, None, "2020-H2"),
        ("GM1979", "Eemsdelta", None, 45_600, 45_400, 45_300, 45_500, 45_600, "2021-H1", None),
        ("GM0014", "Groningen", 231_000, 232_800, 233_200, 234_700, 238_100, 240_000, None, None),
        ("GM1966", "Het Hogeland", 48_000, 47_900, 47_800, 48_000, 48_300, 48_400, None, None),
        ("GM1952", "Midden-Groningen", 60_800, 61_000, 61_100, 61_400, 61_900, 62_200, None,
         None),
        ("GM1895", "Oldambt", 38_000, 38_100, 38_200, 38_500, 39_000, 39_200, None, None),
        ("GM0765", "Pekela", 12_300, 12_200, 12_200, 12_300, 12_400, 12_400, None, None),
        ("GM0037", "Stadskanaal", 32_000, 31_900, 31_800, 31_900, 32_100, 32_200, None, None),
        ("GM0047", "Veendam", 27_500, 27_500, 27_600, 27_800, 28_000, 28_100, None, None),
        ("GM1969", "Westerkwartier", 63_500, 63_800, 64_100, 64_600, 65_300, 65_800, None, None),
        ("GM1950", "Westerwolde", 26_000, 26_100, 26_200, 26_400, 26_800, 27_000, None, None),
    ],
    columns=["gemeente_code", "gemeente_naam", *_YEARS, "vanaf", "tot"],
)
# Designed stand: at the start of a municipality's first half-year (1 January 2020; Eemsdelta
# 1 January 2021, its predecessors' stands together), then at the end of each half-year.
DESIGNED_STANDS = {
    "GM0003": [-1, -2, -3],
    "GM0010": [-3, -4, -6],
    "GM0024": [1, 1, 2],
    "GM1979": [-7, -9, -11, -8, -12, -16, -13, -10, -7, -4, -2],
    "GM0014": [-10, -15, -22, -30, -25, -20, -35, -60, -80, -70, -50, -35, -20],
    "GM1966": [2, 0, -3, -1, 2, 4, 6, 3, 5, 7, 8, 6, 9],
    "GM1952": [-2, -5, -9, -12, -15, -18, -24, -30, -26, -20, -14, -9, -5],
    "GM1895": [-4, -6, -5, -8, -10, -7, -12, -15, -11, -8, -5, -3, -1],
    "GM0765": [1, 2, 2, 1, 0, -1, -3, -4, -2, 0, 1, 1, 2],
    "GM0037": [3, 4, 2, 1, -3, -5, -8, -12, -10, -6, -3, 0, 2],
    "GM0047": [0, -2, -4, -3, -1, 1, 2, 0, -2, 1, 3, 4, 5],
    # 4 ahead into 2023; 56 of 74 not housed in 2023-H1, of whom 14 in 2023-H2 (42 left) while
    # none of 2023-H2's 61 was; 65 housed in 2024-H1: the 42, and 23 of 2023-H2's (38 left)
    "GM1969": [2, 3, 1, -2, 0, 2, 4, -56, -103, -107, -80, -56, -34],
    "GM1950": [5, 6, 7, 9, 8, 10, 12, 9, 10, 11, 13, 12, 14],
}
NATIONAL_TOTALS = [
    NationalTotal("2020-H1", 7_000, dt.date(2019, 10, 1), "geschat (niet gevonden)"),
    NationalTotal("2020-H2", 7_000, dt.date(2020, 4, 1), "geschat (niet gevonden)"),
    NationalTotal("2021-H1", 11_500, dt.date(2020, 10, 1), "geschat (niet gevonden)"),
    NationalTotal("2021-H2", 13_500, dt.date(2021, 4, 1), "geschat (niet gevonden)"),
    *drenthe.NATIONAL_TOTALS,
]
CORRECTIONS = [
    # moved from Groningen to Midden-Groningen's count after the fact
    Correctie("GM0014", "GM1952", dt.date(2024, 3, 1), dt.date(2024, 5, 21)),
]
REPORT_DIFFERENCES = {
    "GM0014": {dt.date(2024, 4, 1): 3, dt.date(2024, 5, 1): -3, dt.date(2025, 9, 1): 2},
}
SETTINGS = Path(__file__).with_name("groningen")


def write_reports(v: Voorbeeld, reports: pd.DataFrame, raw: Path) -> None:
    """The municipality of Groningen's own report, in its own layout."""
    own, spec = reports[reports["gemeente_code"] == "GM0014"], layout("gemeente_groningen")
    book, sheet = workbook(v, "Gemeente Groningen - gehuisveste statushouders per maand",
                           spec.bladen[0])
    sheet.append([kenmerk(spec, "gemeente_code"), "Groningen"])
    sheet.append([])
    sheet.append([column(spec, "maand"), column(spec, "realisatie")])
    for row in own.itertuples():
        sheet.append([f"{MONTHS_NL[row.maand.month - 1]} {row.maand.year}", row.realisatie])
    sheet.append(["Totaal", int(own["realisatie"].sum())])
    sheet.append(["Bron: gemeente Groningen (synthetisch)."])
    save(book, raw / "gemeenten" / "Groningen_statushouders_2024-2025.xlsx")


VOORBEELD = Voorbeeld(
    provincie="Groningen", seed=SEED, periodes=PERIODES, synthetisch=SYNTHETIC,
    inwoners_nederland=NATIONAL_POPULATION, gemeenten=MUNICIPALITIES, standen=DESIGNED_STANDS,
    landelijk=NATIONAL_TOTALS, correcties=CORRECTIONS,
    rapportage_verschillen=REPORT_DIFFERENCES, schrijf_rapportages=write_reports,
    tvs_bestand="TVS_export_huisvestingen_2020-2025.xlsx", instellingen=SETTINGS,
)
