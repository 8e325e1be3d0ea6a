"""Cell converters on tiny columns."""

import datetime as dt

import pandas as pd

from analysis.ingest import cells


def column(*values):
    return pd.Series(list(values), dtype=object)


def test_integers_in_dutch_notation():
    typed, bad = cells.to_integer(column(12, 12.0, "1.234", " -13 ", "\u22125", "1 234", None, ""))
    assert typed.tolist()[:6] == [12, 12, 1234, -13, -5, 1234]
    assert typed[6:].isna().all()
    assert not bad.any()


def test_non_integers_are_flagged_not_dropped():
    typed, bad = cells.to_integer(column("twaalf", 3.5, "12,5", True, 7))
    assert bad.tolist() == [True, True, True, True, False]
    assert typed.iloc[4] == 7


def test_yes_no_and_months():
    flags, bad = cells.to_bool(column("Ja", "nee", "J", 0, "misschien"))
    assert flags.tolist()[:4] == [True, False, True, False]
    assert bad.tolist() == [False, False, False, False, True]
    months, bad = cells.to_month(column("maart 2024", dt.datetime(2024, 3, 17), "mrt-24", "x"))
    assert months.iloc[:3].dt.date.tolist() == [dt.date(2024, 3, 1)] * 3
    assert bad.tolist() == [False, False, False, True]


def test_scalar_metadata():
    assert cells.scalar("eerste helft 2024", "periode") == "2024-H1"
    assert cells.scalar("1 maart 2024", "datum") == dt.date(2024, 3, 1)
    assert cells.scalar("18.750", "geheel") == 18750
    assert cells.scalar("ergens", "periode") is None
