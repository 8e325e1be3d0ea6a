"""The backlog per half-year of origin in words: the letter's sentence and the page's."""

from __future__ import annotations

import pandas as pd

from analysis.report import cohorttekst


def row(**changes: object) -> pd.Series:
    values = {"gemeente_code": "GM1690", "periode": "2024-H2", "cohort": "2023-H1",
              "cohort_voor_begin": False, "resterend": 12,
              "termijn": pd.Timestamp("2025-07-01"), "termijn_bron": "kader", "besluit": "",
              "besluit_datum": pd.NaT, "peildatum_eind": pd.Timestamp("2025-01-01"),
              "verlopen": False}
    return pd.Series(values | changes)


def test_the_letters_sentence() -> None:
    assert cohorttekst.brief_zin(row()) == (
        "Van de achterstand uit de 1e helft 2023 resteren nog 12; termijn 1 juli 2025.")
    assert cohorttekst.brief_zin(row(cohort="2021-H2", cohort_voor_begin=True, resterend=1)) \
        == "Van de achterstand van vóór 1 januari 2022 resteert nog 1; termijn 1 juli 2025."


def test_the_pages_sentence_names_the_deadlines_source() -> None:
    decided = row(termijn_bron="GS/1", besluit="GS/1", besluit_datum=pd.Timestamp("2024-12-10"),
                  verlopen=True)
    assert cohorttekst.pagina_zin(decided, lopend=False) == (
        "Van de achterstand uit de 1e helft 2023 resteren op 1 januari 2025 nog 12; termijn "
        "1 juli 2025 (besluit van 10 december 2024, kenmerk GS/1). Die termijn is verstreken.")
    assert "tot nu toe nog 12" in cohorttekst.pagina_zin(decided, lopend=True)
    assert "verstreken" not in cohorttekst.pagina_zin(decided, lopend=True)
