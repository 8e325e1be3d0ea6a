"""A counting cut-off after the half-year (Gelderland once counted until 25 January): realisatie
until the cut-off counts for the half-year before, from person-level days or from COA's
overviews of the cut-off dates; peildata that close nothing are refused."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from analysis.cli import main
from analysis.compute.kader import KaderError, load_kader
from analysis.compute.register import load_register
from analysis.compute.stromen import (
    geldende_overzichten,
    gesloten,
    openingsstand,
    periode_realisatie,
    persoon_maanden,
)
from analysis.compute.volledigheid import volledig
from analysis.config import RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.problems import InputError
from analysis.storage import read_table
from tests.conftest import ingest_register

CUT_OFF = Telkalender(24)  # the count closes on 25 January and 25 July
NO_MONTHS = pd.DataFrame(columns=["gemeente_code", "maand", "periode", "realisatie"])


def _days(*rows: tuple[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"gemeente_code": "GM0200", "datum": pd.to_datetime([r[0] for r in rows]),
                         "realisatie": [r[1] for r in rows], "nareizigers": 0, "correcties": 0})


def _overviews(*rows: tuple[str, int], stand_begin: int = -5) -> pd.DataFrame:
    """COA overviews of one municipality: (peildatum, realised so far in COA's half-year)."""
    dates = pd.to_datetime([r[0] for r in rows])
    return pd.DataFrame({
        "gemeente_code": "GM0200", "peildatum": dates,
        "periode": STANDAARD.telperiode(pd.Series(dates - pd.Timedelta(days=1))).to_numpy(),
        "taakstelling": 10, "stand_begin": stand_begin, "gerealiseerd": [r[1] for r in rows],
        "geldend": True, "bron_bestand": [f"COA_{r[0]}.xlsx" for r in rows], "bron_blad": "Blad1",
        "bron_rij": 5,
    })


def test_days_until_the_cut_off_count_for_the_half_year_before():
    days = _days(("2024-12-31", 1), ("2025-01-10", 2), ("2025-01-24", 4), ("2025-01-25", 8))
    assert CUT_OFF.telperiode(days["datum"]).tolist() == ["2024-H2"] * 3 + ["2025-H1"]
    assert STANDAARD.telperiode(days["datum"]).tolist() == ["2024-H2"] + ["2025-H1"] * 3
    months = persoon_maanden(days, CUT_OFF)
    assert months.groupby("periode")["realisatie"].sum().to_dict() == {"2024-H2": 7,
                                                                        "2025-H1": 8}
    assert (months["maand"] == pd.Timestamp("2025-01-01")).sum() == 2  # January in both
    assert CUT_OFF.is_afsluitdatum(pd.Series(pd.to_datetime(["2025-01-25", "2025-01-01"]))
                                   ).tolist() == [True, False]
    assert CUT_OFF.afsluitdatum_tekst() == "25 januari of 25 juli"
    assert STANDAARD.afsluitdatum_tekst() == "1 januari of 1 juli"


def test_coa_overviews_of_the_cut_off_dates_settle_the_half_year():
    overviews = _overviews(("2024-07-01", 9), ("2024-07-25", 2), ("2024-10-01", 6),
                           ("2025-01-01", 10), ("2025-01-25", 3), ("2025-07-01", 12),
                           ("2025-07-25", 1))
    # 2024-H2: COA's 10 for the calendar half-year, less the 2 before 25 July, plus the 3 of
    # January before the 25th; 2025-H1: 12 - 3 + 1.
    realised = periode_realisatie(NO_MONTHS, overviews,
                                  kalender=CUT_OFF).set_index("periode")["realisatie"]
    assert realised.to_dict() == {"2024-H2": 11, "2025-H1": 10}
    assert gesloten(overviews, CUT_OFF)["periode"].tolist() == ["2024-H2", "2025-H1"]
    # the opening stand, COA's at 1 July 2024 (first overview), plus what counted for 2024-H1
    # under the cut-off (the 2 up to 25 July 2024; the 9 of 1 July closes COA's 2024-H1)
    opening = openingsstand(overviews.iloc[1:], kalender=CUT_OFF)
    assert opening[["periode", "stand"]].values.tolist() == [["2024-H2", -3]]
    # without the cut-off the same overviews settle calendar half-years
    calendar = periode_realisatie(NO_MONTHS, overviews)
    assert calendar.set_index("periode")["realisatie"].to_dict() == {
        "2024-H1": 9, "2024-H2": 10, "2025-H1": 12}


def test_without_the_overview_of_the_cut_off_date_the_half_year_is_running():
    overviews = _overviews(("2024-07-25", 2), ("2025-01-01", 10), ("2025-02-01", 5))
    stand = pd.DataFrame({"gemeente_code": "GM0200", "periode": ["2024-H2"]})
    assert not volledig(stand, overviews, CUT_OFF).iloc[0]
    # a person-level export counts every day; a later overview shows the count has closed
    assert volledig(stand, overviews, CUT_OFF, per_dag=True).iloc[0]
    assert not volledig(stand, overviews.iloc[:2], CUT_OFF, per_dag=True).iloc[0]


def test_an_overview_dated_off_the_count_is_refused_with_its_file_and_row():
    overviews = _overviews(("2025-01-01", 10), ("2025-01-25", 3))
    assert len(geldende_overzichten(overviews, CUT_OFF)) == 2
    with pytest.raises(InputError) as raised:
        geldende_overzichten(overviews)
    problem = raised.value.problems[0]
    assert str(problem) == (
        "COA_2025-01-25.xlsx, blad 'Blad1', rij 5, kolom peildatum: peildatum 25-01-2025 is geen "
        "eerste van de maand en geen afsluitdatum van de telling van het beoordelingskader "
        "(1 januari of 1 juli)")


def test_a_decision_peildatum_must_close_a_half_year(tmp_path):
    path = tmp_path / "besluiten.toml"
    path.write_text('[[besluit]]\nsoort = "verschoning"\ngemeenten = "alle"\n'
                    'peildatum = 2025-01-25\nreden = "uitloop"\ndatum = 2025-02-01\n',
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_register(Register.read(path), ["GM1690"])
    assert str(raised.value.problems[0]) == (
        "besluiten.toml: besluit 1 (regel 1): peildatum 25-01-2025 sluit geen halfjaar af "
        "(verwacht 1 januari of 1 juli, de afsluitdatum van de telling in het beoordelingskader)")
    register = load_register(Register.read(path), ["GM1690"], (), CUT_OFF)
    assert register["periode"].tolist() == ["2024-H2"]
    path.write_text(path.read_text().replace("2025-01-25", "2025-01-01"), encoding="utf-8")
    assert load_register(Register.read(path), ["GM1690"])["periode"].tolist() == ["2024-H2"]
    with pytest.raises(InputError):
        load_register(Register.read(path), ["GM1690"], (), CUT_OFF)


@pytest.mark.parametrize(("setting", "message"), [
    ("uitloop_dagen = -1", "uitloop_dagen '-1' is geen geheel getal van 0 tot en met 62"),
    ("uitloop_dagen = 2.5", "uitloop_dagen '2.5' is geen geheel getal"),
    ('uitloop_dagen = 24\nleidende_bron = "gemeente"', "kan niet samen met leidende_bron"),
])
def test_the_kader_checks_its_cut_off(tmp_path, setting, message):
    text = load_kader("drenthe").path.read_text(encoding="utf-8")
    text = text.replace('leidende_bron = "COA"\n', "").replace("uitloop_dagen = 0", setting)
    path = tmp_path / "kader.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KaderError, match=message):
        load_kader(path)


def test_the_kader_sets_the_cut_off(tmp_path):
    text = load_kader("drenthe").path.read_text(encoding="utf-8")
    path = tmp_path / "kader.toml"
    path.write_text(text.replace("uitloop_dagen = 0", "uitloop_dagen = 24"), encoding="utf-8")
    assert load_kader(path).kalender == Telkalender(uitloop_dagen=24)
    assert load_kader(path).kalender.peildatum("2024-H2") == dt.date(2025, 1, 25)
    assert load_kader("drenthe").kalender == STANDAARD
    assert dt.date(2025, 1, 1) + dt.timedelta(days=24) == dt.date(2025, 1, 25)


def test_the_sample_counted_until_25_january(computed, tmp_path, capsys):
    """The sample under a kader with the cut-off: the letter's dates move to 25 January and
    25 July, no person is lost or counted twice, and the last half-year, whose cut-off lies
    beyond the data, is running."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw, ignore=shutil.ignore_patterns("besluiten"))
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    ingest_register(raw, processed)
    text = load_kader("drenthe").path.read_text(encoding="utf-8")
    kader = tmp_path / "uitloop.toml"
    kader.write_text(text.replace("uitloop_dagen = 0", "uitloop_dagen = 24"), encoding="utf-8")
    assert main(["bereken", "--kader", str(kader), "--raw", str(raw), "--processed",
                 str(processed)]) == 0
    assert "Geen vergelijking met de standen van het COA" in capsys.readouterr().out
    assert main(["stand", "--gemeente", "De Wolden", "--periode", "2024-H1", "--processed",
                 str(processed)]) == 0
    block = capsys.readouterr().out.splitlines()
    assert block[1].startswith("Stand op 25 januari 2024: ")
    assert block[4].startswith("Stand op 25 juli 2024: ")
    cut, calendar = read_table(processed, "stand"), read_table(computed, "stand")
    last = cut["periode"].max()
    assert cut.query("periode == @last")["stand_eind"].sum() == calendar.query(
        "periode == @last")["stand_eind"].sum()
    assert cut.groupby("periode")["volledig"].all().to_dict()[last] is False
    assert cut.query("periode < @last")["volledig"].all()
