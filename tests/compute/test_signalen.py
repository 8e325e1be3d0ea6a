"""Monthly signals: the kader's [[maandsignalen]] read and refused in Dutch, the rules evaluated
on whole pace tables against a plain loop, and Limburg's January check on the sample."""

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.compute import berekening
from analysis.compute.kader import KaderError, load_kader
from analysis.compute.kader.maandsignalen import maandsignalen
from analysis.compute.signalen import COLUMNS, signalen
from analysis.config import KADERS_DIR
from analysis.domain.periods import periode_from_index, periode_index, periode_start
from analysis.storage import read_table

LIMBURG = (KADERS_DIR / "limburg.toml").read_text(encoding="utf-8")
WITHOUT = LIMBURG.split("[[maandsignalen]]")[0]
BLOCK = """
[[maandsignalen]]
code = "{code}"
label = "Te weinig gehuisvest"
{maanden}
regel = "{regel}"
advies = "Schrijf de gemeente aan."
"""


def kader_met(tmp_path, *blocks: str, name: str = "proef.toml"):
    path = tmp_path / name
    path.write_text(WITHOUT + "".join(blocks), encoding="utf-8")
    return load_kader(path)


def block(code="te_weinig", maanden="maanden = [1]", regel="realisatie_maand < pad") -> str:
    return BLOCK.format(code=code, maanden=maanden, regel=regel)


# --- the kader -------------------------------------------------------------------------------

def test_the_shipped_kaders():
    assert load_kader("drenthe").maandsignalen == ()
    (januari,) = load_kader("limburg").maandsignalen
    assert januari.code == "januari_te_weinig" and januari.maanden == (1,)
    assert januari.regel.text == "achterstand_begin >= 20 and realisatie_maand < pad"
    assert januari.advies == "Schrijf de gemeente aan over het tempo in januari."


def test_a_signal_without_months_is_checked_after_every_month(tmp_path):
    (signal,) = kader_met(tmp_path, block(maanden="")).maandsignalen
    assert signal.maanden == tuple(range(1, 13))
    both = kader_met(tmp_path, block(maanden="maanden = [7, 1]"),
                    block("ander", maanden="")).maandsignalen
    assert [s.maanden for s in both] == [(1, 7), tuple(range(1, 13))]


@pytest.mark.parametrize(("changed", "message"), [
    (block(regel="gehuisvest < pad"),
     "onbekende kolom 'gehuisvest' in regel 'gehuisvest < pad'; bekend: maanden, maand, "),
    (block(regel="realisatie < pad"), "gebruikt realisatie: een oordeel of cijfer over het hele"),
    (block(regel="oordeel == 'onder_80'"),
     "regel 'oordeel == 'onder_80'' gebruikt oordeel: een oordeel of cijfer over het hele "
     "halfjaar; een maandsignaal geeft een advies in een lopend halfjaar"),
    (block(regel="stand_eind < 0 and realisatie_maand < pad"),
     "gebruikt stand_eind: een oordeel of cijfer over het hele halfjaar"),
    (block(regel="realisatie_maand <"), "regel 'realisatie_maand <' is niet leesbaar"),
    (block(maanden="maanden = [0]"), "maanden [0] is geen lijst van maandnummers van 1 "
                                     "(januari) tot en met 12 (december)"),
    (block(maanden="maanden = [13]"), "maanden [13] is geen lijst"),
    (block(maanden="maanden = []"), "maanden [] is geen lijst"),
    (block(maanden="maanden = [1, 1]"), "maanden [1, 1] is geen lijst"),
    (block(maanden='maanden = "januari"'), "maanden 'januari' is geen lijst"),
    (block(maanden="maanden = [true]"), "maanden [True] is geen lijst"),
    (block(maanden="maand = 1"), "onbekende sleutel 'maand' (bekend: code, label, maanden, "
                                 "regel, advies)"),
    (block() + block(), "maandsignaal 'te_weinig' komt dubbel voor"),
])
def test_a_wrong_signal_is_refused_naming_file_and_signal(tmp_path, changed, message):
    with pytest.raises(KaderError) as refused:
        kader_met(tmp_path, changed)
    text = str(refused.value)
    assert text.startswith("beoordelingskader proef.toml, maandsignaal 'te_weinig': ") \
        or text.startswith("beoordelingskader proef.toml: maandsignaal 'te_weinig' "), text
    assert message in text


def test_a_signal_without_code_or_advies_is_refused(tmp_path):
    with pytest.raises(KaderError, match=r"proef.toml, maandsignaal 1: verplichte sleutel "
                                         r"'code' ontbreekt"):
        kader_met(tmp_path, "\n[[maandsignalen]]\nlabel = 'x'\n")
    with pytest.raises(KaderError, match=r"maandsignaal 'x': verplichte sleutel 'advies'"):
        kader_met(tmp_path, "\n[[maandsignalen]]\ncode = 'x'\nlabel = 'x'\nregel = 'maand == 1'"
                            "\n")
    with pytest.raises(KaderError, match=r"maandsignaal 1: code 'x y' moet een woord zijn"):
        kader_met(tmp_path, "\n[[maandsignalen]]\ncode = 'x y'\n")
    (tmp_path / "proef.toml").write_text("maandsignalen = 3\n" + WITHOUT, encoding="utf-8")
    with pytest.raises(KaderError, match=r"proef.toml: maandsignalen is een geheel getal; "
                                         r"verwacht blokken \[\[maandsignalen\]\]"):
        load_kader(tmp_path / "proef.toml")


def test_no_block_reads_as_none():
    assert maandsignalen({}, "beoordelingskader x.toml") == ()


# --- the rules on whole tables, against a plain loop -------------------------------------------

FIRST = periode_index("2024-H1")
TEMPLATES = [
    "achterstand_begin >= {a} and realisatie_maand < pad",
    "realisatie_tot_nu < pad / 2 or nog_te_realiseren > {b}",
    "not op_schema and maanden >= 2",
    "verschil_met_pad < -{a} and prognose_stand_eind < 0",
    "realisatie_maand * 6 < opgave - {a}",
    "stand_begin + realisatie_tot_nu - taakstelling * maanden / 6 < -{a} and maand != 3",
]


@st.composite
def pace_tables(draw):
    """A pace table as tempo() writes it: per municipality and half-year the months with
    figures so far, cumulative realisation and the path; half-years running or complete."""
    rows, stand = [], []
    for number in range(draw(st.integers(1, 4))):
        code = f"GM{number:04d}"
        for index in range(FIRST, FIRST + draw(st.integers(1, 3))):
            periode = periode_from_index(index)
            start = pd.Timestamp(periode_start(periode))
            begin, target = draw(st.integers(-40, 30)), draw(st.integers(0, 60))
            opgave = target - begin
            so_far = 0
            months = draw(st.integers(1, 6))
            for elapsed in range(1, months + 1):
                so_far += draw(st.integers(-2, 20))
                pad = max(opgave, 0) * elapsed / 6
                rows.append({
                    "gemeente_code": code, "periode": periode,
                    "peildatum": start + pd.DateOffset(months=elapsed), "maanden": elapsed,
                    "stand_begin": begin, "taakstelling": target, "opgave": opgave,
                    "realisatie_tot_nu": so_far, "pad": pad, "verschil_met_pad": so_far - pad,
                    "op_schema": so_far - pad >= 0,
                    "prognose_stand_eind": int(np.floor(begin + so_far * 6 / elapsed - target)),
                    "nog_te_realiseren": max(opgave - so_far, 0)})
            stand.append({"gemeente_code": code, "periode": periode,
                          "volledig": months == 6 and draw(st.booleans())})
    pace = pd.DataFrame(rows).sample(frac=1, random_state=draw(st.integers(0, 99)))
    return pace.reset_index(drop=True), pd.DataFrame(stand)


@st.composite
def rules(draw, tmp_path_factory):
    chosen = draw(st.lists(st.sampled_from(range(len(TEMPLATES))), min_size=1, max_size=3,
                           unique=True))
    blocks = []
    for number, template in enumerate(chosen):
        months = draw(st.one_of(st.none(), st.lists(st.integers(1, 12), min_size=1,
                                                    max_size=4, unique=True)))
        text = TEMPLATES[template].format(a=draw(st.integers(0, 30)), b=draw(st.integers(0, 50)))
        blocks.append(block(f"regel{number}", f"maanden = {months}" if months else "", text))
    folder = tmp_path_factory.mktemp("kader")
    return kader_met(folder, *blocks).maandsignalen


def reference(pace: pd.DataFrame, stand: pd.DataFrame, signals, kennisdatum: dt.date) -> set:
    """Row by row: the figures of each month, each rule in Python, the latest checked month."""
    running = {(r.gemeente_code, r.periode): not r.volledig for r in stand.itertuples()}
    found, checked = [], {}
    for row in pace.to_dict("records"):
        before = [r["realisatie_tot_nu"] for r in pace.to_dict("records")
                  if (r["gemeente_code"], r["periode"]) == (row["gemeente_code"], row["periode"])
                  and r["maanden"] == row["maanden"] - 1]
        month = (row["peildatum"] - pd.DateOffset(months=1)).month
        figures = {**row, "maand": month, "achterstand_begin": max(0, -row["stand_begin"]),
                   "realisatie_maand": row["realisatie_tot_nu"] - (before[0] if before else 0)}
        for signal in signals:
            if month not in signal.maanden or row["peildatum"] > pd.Timestamp(kennisdatum):
                continue
            key = (signal.code, row["periode"])
            checked[key] = max(checked.get(key, row["peildatum"]), row["peildatum"])
            if eval(signal.regel.text, {}, figures):  # a rule this test wrote
                found.append((row["gemeente_code"], row["periode"], row["peildatum"],
                              signal.code, figures["maand"], figures["realisatie_maand"],
                              running[(row["gemeente_code"], row["periode"])]))
    return {(*item, item[2] == checked[(item[3], item[1])]) for item in found}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_rule_matches_the_plain_loop(data, tmp_path_factory):
    pace, stand = data.draw(pace_tables())
    signals = data.draw(rules(tmp_path_factory))
    kennisdatum = data.draw(st.dates(dt.date(2024, 1, 15), dt.date(2025, 12, 31)))
    table = signalen(pace, stand, signals, kennisdatum)
    assert list(table.columns) == COLUMNS
    found = {(r.gemeente_code, r.periode, r.peildatum, r.code, r.maand, r.realisatie_maand,
              r.lopend, r.actueel) for r in table.itertuples()}
    assert len(found) == len(table)
    assert found == reference(pace, stand, signals, kennisdatum)


def test_without_rules_the_table_is_empty_and_typed():
    table = signalen(pd.DataFrame({"peildatum": [pd.Timestamp("2025-02-01")]}),
                     pd.DataFrame(), (), dt.date(2025, 2, 10))
    assert table.empty and list(table.columns) == COLUMNS
    assert str(table["peildatum"].dtype) == "datetime64[ns]" and table["lopend"].dtype == bool


# --- Limburg's January check on the sample -------------------------------------------------------

@pytest.fixture(scope="module")
def januari(computed, tmp_path_factory):
    """The sample computed with the Limburg kader as known on 10 February 2025: January's
    figures of the first half of 2025 are in (COA's overview of 1 February 2025)."""
    folder = tmp_path_factory.mktemp("limburg-februari")
    shutil.copytree(computed, folder, dirs_exist_ok=True)
    assert main(["bereken", "--processed", str(folder), "--datum", "2025-02-10",
                 "--kader", "limburg"]) == 0
    return folder


def test_the_january_signal_on_the_sample(januari):
    table = read_table(januari, "signalen")
    now = table[table["lopend"]]
    # COA's overview of 1 February 2025 (stand begin, totaal te huisvesten, gehuisvest):
    # Emmen -31, 138, 12 (path 23): fires; Tynaarlo -25, 60, 3 (path 10): fires; Hoogeveen
    # -20, 76, 13 (path 12.7): housed enough; Aa en Hunze -18, 44, 4: backlog under 20
    assert now[["gemeente_code", "periode", "peildatum", "code", "actueel"]].to_dict(
        "records") == [
        {"gemeente_code": code, "periode": "2025-H1", "peildatum": pd.Timestamp("2025-02-01"),
         "code": "januari_te_weinig", "actueel": True} for code in ("GM0114", "GM1730")]
    assert now[["stand_begin", "achterstand_begin", "opgave", "realisatie_maand",
                "pad"]].values.tolist() == [[-31, 31, 138, 12, 23.0], [-25, 25, 60, 3, 10.0]]
    # earlier Januaries are there too, of complete half-years: never shown as now
    assert set(table.loc[~table["lopend"], "periode"]) == {"2023-H1", "2024-H1"}
    result = berekening.load(januari)
    assert [s["code"] for s in result.maandsignalen] == ["januari_te_weinig"]


def test_signals_change_no_rating_or_advice(januari, tmp_path):
    path = tmp_path / "limburg-zonder.toml"
    path.write_text(WITHOUT, encoding="utf-8")
    folder = tmp_path / "zonder"
    shutil.copytree(januari, folder)
    assert main(["bereken", "--processed", str(folder), "--datum", "2025-02-10",
                 "--kader", str(path)]) == 0
    assert read_table(folder, "signalen").empty
    assert "maandsignalen" not in berekening.load(folder).manifest["beoordelingskader"]
    for name in ("beoordeling", "stand", "tempo"):
        pd.testing.assert_frame_equal(read_table(folder, name), read_table(januari, name))


def test_drenthe_has_no_signals(computed):
    assert read_table(computed, "signalen").empty
    assert berekening.load(computed).maandsignalen == []
