"""Assessment by each shipped beoordelingskader on hand-built histories, decisions, bad configs,
and pace."""

import pandas as pd
import pytest

from analysis.compute.beoordeling import beoordeel
from analysis.compute.kader import KaderError, load_kader
from analysis.compute.roll_forward import rollforward
from analysis.compute.tempo import op_peildatum, tempo
from analysis.config import KADERS_DIR
from analysis.ingest.besluiten import load_besluiten

PERIODS = ["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1", "2024-H2", "2025-H1"]
NO_DECISIONS = load_besluiten(None, [])


def history(code: str, begin: int, flows: list[tuple[int, int]]) -> pd.DataFrame:
    """The roll-forward of one municipality: (taakstelling, realisatie) per period from 2022-H1."""
    frame = pd.DataFrame({"gemeente_code": code, "periode": PERIODS[:len(flows)],
                          "taakstelling": [f[0] for f in flows],
                          "realisatie": [f[1] for f in flows]})
    opening = pd.DataFrame({"gemeente_code": [code], "periode": ["2022-H1"], "stand": [begin]})
    return rollforward(frame, opening)


def excuse(codes, periode="2024-H1", kenmerk="47/4.1/2024001652") -> pd.DataFrame:
    return pd.DataFrame({"gemeente_code": codes, "periode": periode, "reden": "eenmalig",
                         "kenmerk": kenmerk, "besluitdatum": None})


MISSES_THEN_RECOVERY = [(10, 5)] * 4 + [(10, 40)] * 3  # four misses, then backlog cleared


def test_drenthe_climbs_from_the_second_miss_and_steps_down_when_in_order():
    result = beoordeel(history("GM1690", -5, MISSES_THEN_RECOVERY), load_kader("drenthe"),
                       NO_DECISIONS)
    assert result["oordeel"].tolist() == ["onvoldoende"] * 4 + ["op_orde"] * 3
    assert result["trede"].tolist() == ["geen", "signaleren", "bestuurlijk gesprek",
                                        "vooraankondiging", "bestuurlijk gesprek", "signaleren",
                                        "geen"]
    assert result["trede_wijziging"].tolist() == ["gelijk", "opgeschaald", "opgeschaald",
                                                  "opgeschaald", "afgeschaald", "afgeschaald",
                                                  "afgeschaald"]
    assert result["gemist_op_rij"].tolist() == [1, 2, 3, 4, 0, 0, 0]


def test_drenthe_verschoning_freezes_the_ladder_and_gives_the_reason():
    flows = [(10, 5)] * 5
    result = beoordeel(history("GM1690", -5, flows), load_kader("drenthe"), excuse(["GM1690"]))
    excused = result.set_index("periode").loc["2024-H1"]
    assert bool(excused["verschoond"])
    assert excused["trede_wijziging"] == "bevroren"
    assert excused["trede"] == result.set_index("periode").loc["2023-H2", "trede"]
    assert excused["stand_eind"] == -30  # the stand is untouched
    assert excused["reden"] == (
        "Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen. Oordeel: Taakstelling "
        "niet gehaald, achterstand. Verschoond: eenmalig (kenmerk 47/4.1/2024001652). "
        "Interventieladder bevroren op trede 'vooraankondiging'. Volgend meetpunt: 1 januari "
        "2025.")


def test_a_verschoning_for_all_excuses_every_backlog_and_nothing_else(tmp_path):
    decisions = tmp_path / "besluiten.toml"
    decisions.write_text('[[besluit]]\nsoort = "verschoning"\ngemeenten = "alle"\n'
                         'peildatum = 2024-07-01\nreden = "eenmalig"\nkenmerk = "K1"\n')
    stand = pd.concat([history("GM1690", -5, [(10, 5)] * 5),
                       history("GM0106", -5, [(10, 8)] * 5),
                       history("GM1699", 5, [(10, 12)] * 5)])
    excused = load_besluiten(decisions, ["GM0106", "GM1690", "GM1699"])
    assert len(excused) == 3 and set(excused["periode"]) == {"2024-H1"}
    result = beoordeel(stand, load_kader("drenthe"), excused)
    at = result[result["periode"] == "2024-H1"].set_index("gemeente_code")
    assert at["verschoond"].to_dict() == {"GM0106": True, "GM1690": True, "GM1699": False}
    assert (at.loc[["GM0106", "GM1690"], "trede_wijziging"] == "bevroren").all()


def test_zuid_holland_intervention_possible_after_four_missed_half_years():
    result = beoordeel(history("GM0599", -5, MISSES_THEN_RECOVERY), load_kader("zuid-holland"),
                       NO_DECISIONS)
    assert result["trede"].tolist() == ["geen", "aandacht", "laatste waarschuwing",
                                        "interventie mogelijk", "laatste waarschuwing",
                                        "aandacht", "geen"]


def test_brabant_excused_is_white_and_frozen():
    result = beoordeel(history("GM0796", -5, [(10, 5)] * 5), load_kader("brabant"),
                       excuse(["GM0796"]))
    excused = result.set_index("periode").loc["2024-H1"]
    assert (excused["oordeel"], excused["oordeel_label"], excused["kleur"]) == (
        "verschoonbaar", "Voldoet niet, doch verschoonbaar", "#ffffff")
    assert excused["trede_wijziging"] == "bevroren"
    before = result.set_index("periode").loc["2023-H2"]
    assert excused["trede"] == before["trede"]


def _broken(tmp_path, old: str, new: str) -> str:
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kapot.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('regel = "stand_eind >= 0"', 'regel = "eindstand >= 0"', "onbekende kolom 'eindstand'"),
    ('regel = "stand_eind >= 0"', 'regel = "stand_eind >= -5"', "mogen niet overlappen"),
    ('regel = "stand_eind >= 0"', 'regel = "stand_eind > 0"', "geen enkel oordeel geldt"),
    ("afschalen = \"oordeel == 'op_orde'\"", "afschalen = \"oordeel == 'groen'\"",
     "oordeel 'groen' in regel"),
    ('bij_verschoning = "bevriezen"', 'bij_verschoning = "negeren"',
     "bij_verschoning 'negeren' bestaat niet"),
    ('code = "inlopend"', 'code = "op_orde"', "oordeelcodes komen dubbel voor"),
    ('kleur = "#56B4E9"', 'kleur = "blauw"', "geen kleur als '#rrggbb'"),
    ('regel = "stand_eind >= 0"', 'regel = "__import__(\'os\')"', "is niet toegestaan"),
    ('treden = [', 'treden = ["geen"]\nx = [', "minstens twee verschillende treden"),
    ('naam = "Drenthe"', 'naam = "Drenthe', "geen geldige TOML"),
    ('leidende_bron = "COA"', 'leidende_bron = "CBS"', "leidende_bron 'CBS' bestaat niet"),
])
def test_bad_configs_are_refused_before_computing(tmp_path, old, new, message):
    with pytest.raises(KaderError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_kader(_broken(tmp_path, old, new))


def test_an_unknown_province_names_the_shipped_ones():
    with pytest.raises(KaderError, match="meegeleverd: brabant, drenthe, zuid-holland"):
        load_kader("flevoland")


def test_pace_against_the_linear_path():
    stand = history("GM1690", -10, [(20, 22), (20, 22), (20, 22), (20, 22), (26, 0)])
    months = pd.DataFrame({"gemeente_code": "GM1690",
                           "maand": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                           "realisatie": [4, 5, 6]})
    row = op_peildatum(tempo(stand, months), pd.Timestamp("2024-04-01")).iloc[0]
    assert (row["periode"], row["maanden"], row["realisatie_tot_nu"]) == ("2024-H1", 3, 15)
    assert row["opgave"] == 28 and row["pad"] == 14.0 and bool(row["op_schema"])
    assert row["prognose_stand_eind"] == -2 + 30 - 26
    # backlog 2 at the start, pace +2 per half-year over the last four: cleared in 2024-H1
    assert row["achterstand_weg_in"] == "2024-H1"
