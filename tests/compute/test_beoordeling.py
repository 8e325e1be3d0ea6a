"""Assessment by each shipped beoordelingskader on hand-built histories, decisions, bad configs,
and pace."""

from dataclasses import replace

import pandas as pd
import pytest

from analysis.compute.beoordeling import beoordeel
from analysis.compute.kader import KaderError, load_kader
from analysis.compute.register import load_register
from analysis.compute.roll_forward import rollforward
from analysis.compute.tempo import op_peildatum, tempo
from analysis.config import KADERS_DIR
from analysis.domain.besluiten import Register
from analysis.problems import InputError

PERIODS = ["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1", "2024-H2", "2025-H1"]
DRENTHE = load_kader("drenthe")
NO_DECISIONS = load_register(None, [])


def history(code: str, begin: int, flows: list[tuple[int, int]]) -> pd.DataFrame:
    """The roll-forward of one municipality: (taakstelling, realisatie) per period from 2022-H1."""
    frame = pd.DataFrame({"gemeente_code": code, "periode": PERIODS[:len(flows)],
                          "taakstelling": [f[0] for f in flows],
                          "realisatie": [f[1] for f in flows]})
    opening = pd.DataFrame({"gemeente_code": [code], "periode": ["2022-H1"], "stand": [begin]})
    return rollforward(frame, opening)


def register(tmp_path, text: str, codes=("GM1690",), kader=DRENTHE) -> pd.DataFrame:
    path = tmp_path / "besluiten.toml"
    path.write_text(text, encoding="utf-8")
    return load_register(Register.read(path), list(codes), kader.treden)


def entry(soort: str, **fields) -> str:
    fields = {"gemeente": "GM1690", "datum": "2022-01-01", "reden": "r", **fields}
    lines = [f'soort = "{soort}"'] + [
        f"{k} = {v}" if k in ("datum", "peildatum", "termijn", "uiterlijk",
                              "zienswijze_termijn", "personen", "aantal")
        or str(v).startswith("{") else f'{k} = "{v}"' for k, v in fields.items()]
    return "[[besluit]]\n" + "\n".join(lines) + "\n"


MISSES_THEN_RECOVERY = [(10, 5)] * 4 + [(10, 40)] * 3  # four misses, then backlog cleared


def test_the_rung_comes_from_decisions_and_the_rules_only_advise(tmp_path):
    decisions = register(tmp_path, entry("starttrede", trede="geen", kenmerk="K0")
                         + entry("trede", trede="signaleren", datum="2023-09-01", kenmerk="K1"))
    result = beoordeel(history("GM1690", -5, MISSES_THEN_RECOVERY), DRENTHE, decisions)
    assert result["oordeel"].tolist() == ["onvoldoende"] * 4 + ["op_orde"] * 3
    assert result["trede"].tolist() == ["geen"] * 3 + ["signaleren"] * 4
    assert result["trede_besluit"].iloc[3] == "besluit van 1 september 2023, kenmerk K1"
    assert result["advies"].tolist() == ["gelijk"] + ["opschalen"] * 3 + ["afschalen"] * 3
    assert result["advies_trede"].tolist() == ["geen", "signaleren", "signaleren",
                                               "bestuurlijk gesprek", "geen", "geen", "geen"]
    assert result["gemist_op_rij"].tolist() == [1, 2, 3, 4, 0, 0, 0]
    assert result["reden"].iloc[3].endswith(
        "Trede op de interventieladder: 'signaleren' (besluit van 1 september 2023, kenmerk "
        "K1). Advies volgens het beoordelingskader: opschalen naar 'bestuurlijk gesprek'. "
        "Volgend meetpunt: 1 juli 2024.")


def test_without_a_recorded_rung_nothing_is_stated_as_a_rung():
    result = beoordeel(history("GM1690", -5, MISSES_THEN_RECOVERY), DRENTHE, NO_DECISIONS)
    assert set(result["trede"]) == {""}
    assert "Geen trede op de interventieladder vastgelegd." in result["reden"].iloc[1]


def test_a_municipality_ahead_that_houses_its_opgave_meets_its_taakstelling():
    """Noordenveld 2024-H1: 18 ahead, taakstelling 33, 30 housed: met, and in order."""
    row = beoordeel(history("GM1699", 18, [(33, 30)]), DRENTHE, NO_DECISIONS).iloc[0]
    assert bool(row["taakstelling_gehaald"]) and row["oordeel"] == "op_orde"
    assert row["reden"].startswith("Taakstelling 1e helft 2022 gehaald, voorsprong deels "
                                   "ingezet. Oordeel: Op orde.")


def test_drenthe_verschoning_stops_escalation_and_gives_the_reason(tmp_path):
    decisions = register(tmp_path, entry("verschoning", periode="2024-H1",
                                         kenmerk="47/4.1/2024001652", reden="eenmalig",
                                         datum="2024-11-19"))
    result = beoordeel(history("GM1690", -5, [(10, 5)] * 5), DRENTHE, decisions)
    excused = result.set_index("periode").loc["2024-H1"]
    assert bool(excused["verschoond"]) and excused["advies"] == "geremd"
    assert excused["stand_eind"] == -30  # the stand is untouched
    assert excused["reden"] == (
        "Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen. Oordeel: Taakstelling "
        "niet gehaald, achterstand. Verschoond: eenmalig (kenmerk 47/4.1/2024001652). Geen "
        "trede op de interventieladder vastgelegd. Advies volgens het beoordelingskader: niet "
        "verder opschalen (verschoning). Volgend meetpunt: 1 januari 2025.")


def test_a_verschoning_of_some_persons_excuses_part_of_the_backlog(tmp_path):
    decisions = register(tmp_path, entry("verschoning", periode="2024-H1", personen=10))
    row = beoordeel(history("GM1690", -5, [(10, 5)] * 5), DRENTHE, decisions).iloc[-1]
    assert (bool(row["verschoond"]), row["verschoond_personen"]) == (False, 10)
    assert "Gedeeltelijk verschoond (10 van de 30 personen): r." in row["reden"]
    assert row["advies"] == "opschalen"


def test_a_verschoning_for_all_excuses_every_backlog_and_nothing_else(tmp_path):
    decisions = register(tmp_path, '[[besluit]]\nsoort = "verschoning"\ngemeenten = "alle"\n'
                         'peildatum = 2024-07-01\nreden = "eenmalig"\nkenmerk = "K1"\n'
                         'datum = 2024-11-19\n', codes=["GM0106", "GM1690", "GM1699"])
    stand = pd.concat([history("GM1690", -5, [(10, 5)] * 5),
                       history("GM0106", -5, [(10, 8)] * 5),
                       history("GM1699", 5, [(10, 12)] * 5)])
    assert len(decisions) == 3 and set(decisions["periode"]) == {"2024-H1"}
    assert decisions["alle_gemeenten"].all()  # marked as the register wrote it
    named = register(tmp_path, entry("verschoning", periode="2024-H1"))
    assert not named["alle_gemeenten"].any()
    result = beoordeel(stand, DRENTHE, decisions)
    at = result[result["periode"] == "2024-H1"].set_index("gemeente_code")
    assert at["verschoond"].to_dict() == {"GM0106": True, "GM1690": True, "GM1699": False}


def test_a_withdrawn_rung_ends_on_its_withdrawal_and_an_annulled_one_never_was(tmp_path):
    text = (entry("starttrede", trede="geen") + entry("trede", trede="vooraankondiging",
                                                     datum="2022-03-01", kenmerk="K9"))
    two = history("GM1690", -5, [(10, 5)] * 2)
    assert beoordeel(two, DRENTHE, register(tmp_path, text))["trede"].tolist() == [
        "vooraankondiging"] * 2
    withdrawn = entry("intrekking", verwijst_naar="K9", datum="2022-09-01", kenmerk="K10")
    rows = beoordeel(two, DRENTHE, register(tmp_path, text + withdrawn))
    assert rows["trede"].tolist() == ["vooraankondiging", "geen"]
    assert rows["trede_besluit"].iloc[1] == "besluit van 1 september 2022, kenmerk K10"
    annulled = entry("bezwaar", verwijst_naar="K9", uitkomst="gegrond", datum="2022-09-01")
    assert beoordeel(two, DRENTHE, register(tmp_path, text + annulled))["trede"].tolist() == [
        "geen"] * 2


def test_brabant_excused_is_white_and_the_ladder_frozen(tmp_path):
    brabant = load_kader("brabant")
    decisions = register(tmp_path, entry("verschoning", gemeente="GM0796", periode="2024-H1"),
                         codes=["GM0796"], kader=brabant)
    result = beoordeel(history("GM0796", -5, [(10, 5)] * 5), brabant, decisions)
    excused = result.set_index("periode").loc["2024-H1"]
    assert (excused["oordeel"], excused["oordeel_label"], excused["kleur"]) == (
        "verschoonbaar", "Voldoet niet, doch verschoonbaar", "#ffffff")
    assert excused["advies"] == "gelijk"  # excused: its rating no longer calls for a step


@pytest.mark.parametrize(("text", "message"), [
    (entry("berisping"), "soort 'berisping' bestaat niet; kies starttrede"),
    (entry("trede", trede="hemel"), "trede 'hemel' staat niet op de interventieladder"),
    (entry("trede"), "verplichte sleutel 'trede' ontbreekt (bij soort trede)"),
    (entry("verschoning", periode="2024-H1", reden=""), "een besluit heeft een reden nodig"),
    (entry("verschoning", peildatum="2025-01-25"), "peildatum 25-01-2025 sluit geen halfjaar af"),
    (entry("verschoning", periode="2024-H1", personen=0),
     "personen '0' is geen geheel getal van 1 of meer"),
    (entry("plan_van_aanpak", status="misschien"),
     "status 'misschien' bestaat niet; kies gevraagd"),
    (entry("voornemen_indeplaatsstelling", aantal=12, resultaten="12 woningen",
           termijn="2025-06-01", zienswijze_termijn="2025-07-01"),
     "de termijn voor een zienswijze valt na de termijn"),
    (entry("inhaalafspraak", aantal=12, uiterlijk="'morgen'"), "uiterlijk 'morgen' is geen datum"),
    (entry("trede", trede="geen", kleur="rood"),
     "onbekende sleutel 'kleur' (bekend bij soort trede: "),
    (entry("trede", trede="geen", gemeente="Atlantis"), "onbekende gemeente 'Atlantis'"),
])
def test_the_register_checks_every_entry(tmp_path, text, message):
    with pytest.raises(InputError) as raised:
        register(tmp_path, text)
    assert message in str(raised.value.problems[0])
    assert str(raised.value.problems[0]).startswith("besluiten.toml: besluit 1 (regel 1): ")


def test_every_kind_of_decision_is_recorded(tmp_path):
    text = "".join([
        entry("starttrede", trede="signaleren"),
        entry("trede", trede="bestuurlijk gesprek", datum="2024-02-01"),
        entry("plan_van_aanpak", status="gevraagd", termijn="2024-04-01", datum="2024-02-01"),
        entry("plan_van_aanpak", status="akkoord", datum="2024-05-01"),
        entry("inhaalafspraak", aantal=20, uiterlijk="2025-01-01", datum="2024-05-01"),
        entry("voornemen_indeplaatsstelling", aantal=12, resultaten="12 woningen",
              termijn="2025-06-01", zienswijze_termijn="2025-03-01", datum="2025-02-01"),
        entry("besluit_indeplaatsstelling", aantal=12, resultaten="12 woningen",
              termijn="2025-12-01", datum="2025-06-15", kenmerk="B1"),
        entry("beroep", verwijst_naar="B1", datum="2025-07-01"),
        entry("kwijtschelding", periode="2025-H1", personen=5, datum="2025-08-01"),
        entry("verdeling", gemeente="Haaren",
              verdeling="{ Boxtel = 1, Oisterwijk = 1, Tilburg = 1, Vught = 1 }"),
    ])
    decisions = register(tmp_path, text)
    assert decisions["soort"].tolist() == [
        "starttrede", "trede", "plan_van_aanpak", "plan_van_aanpak", "inhaalafspraak",
        "voornemen_indeplaatsstelling", "besluit_indeplaatsstelling", "beroep",
        "kwijtschelding"]
    assert decisions.loc[4, ["aantal", "uiterlijk"]].tolist() == [20, pd.Timestamp("2025-01-01")]


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
    ('bij_verschoning = "niet_opschalen"', 'bij_verschoning = "negeren"',
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
    with pytest.raises(KaderError, match="meegeleverd: brabant, drenthe, flevoland, gelderland, "
                                         "groningen, limburg, overijssel, utrecht, zuid-holland"):
        load_kader("zeeland")


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


def test_a_gap_outside_any_fixed_grid_is_refused(tmp_path):
    """Ratings that leave a stand between -60 and -50 uncovered: the probes sit around every
    number the rules name, so the gap at -55 is found on load."""
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    text = text.replace('regel = "stand_eind < 0 and taakstelling_gehaald"',
                        'regel = "stand_eind < 0 and stand_eind >= -50 and taakstelling_gehaald"')
    text = text.replace('regel = "stand_eind < 0 and not taakstelling_gehaald"',
                        'regel = "(stand_eind < 0 and stand_eind >= -50 and not '
                        'taakstelling_gehaald) or stand_eind < -60"')
    path = tmp_path / "gat.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KaderError, match=r"geen enkel oordeel geldt bijvoorbeeld bij .*"
                                         r"stand_eind=-5[1-9]"):
        load_kader(path)


def test_every_half_year_in_the_data_gets_exactly_one_rating():
    """Whatever a kader's probes missed, no municipality gets an empty rating silently."""
    without_failure = replace(DRENTHE, oordelen=DRENTHE.oordelen[:2])
    with pytest.raises(KaderError, match="geen enkel oordeel geldt voor GM1690 in 2022-H1"):
        beoordeel(history("GM1690", -5, [(10, 5)]), without_failure, NO_DECISIONS)


SHIPPED = ["drenthe", "brabant", "zuid-holland", "overijssel", "utrecht", "gelderland",
           "limburg", "flevoland", "groningen"]


@pytest.mark.parametrize(("name", "ahead", "catching_up"), [
    ("drenthe", "op_orde", "inlopend"),
    ("brabant", "voldoet", "voldoet_niet"),
    ("zuid-holland", "geen_achterstand", "achterstand"),
    ("overijssel", "groen", "groen"),  # the opgave net of voorsprong: 15 housed of 10
    ("utrecht", "voldoet", "deels"),
    ("gelderland", "voldoet", "voldoet_niet"),
    ("limburg", "90_100", "op_schema"),  # cumulative: 30 of 33, 15 of 10
    ("flevoland", "op_orde", "inlopend"),
    ("groningen", "op_orde", "achterstand"),  # 5 behind after the half-year: the first time
])
def test_each_shipped_kader_on_hand_built_histories(tmp_path, name, ahead, catching_up):
    """A municipality ahead (Noordenveld 2024-H1: 18 ahead, 33 to house, 30 housed), one
    catching up (10 behind, 10 to house, 15 housed), and a rung history by decision: an opening
    rung, a jump to the top, that decision withdrawn."""
    kader = load_kader(name)
    assert beoordeel(history("GM1699", 18, [(33, 30)]), kader, NO_DECISIONS).iloc[0][
        "oordeel"] == ahead
    assert beoordeel(history("GM1690", -10, [(10, 15)]), kader, NO_DECISIONS).iloc[0][
        "oordeel"] == catching_up
    top, first = kader.treden[-1], kader.treden[1]
    text = (entry("starttrede", trede=first, kenmerk="S") + entry(
        "trede", trede=top, datum="2022-08-01", kenmerk="T") + entry(
        "intrekking", verwijst_naar="T", datum="2023-03-01"))  # in force on 1 January 2023
    decisions = register(tmp_path, text, kader=kader)
    rungs = beoordeel(history("GM1690", -10, [(10, 15)] * 3), kader, decisions)["trede"]
    assert rungs.tolist() == [first, top, first]


def test_zuid_holland_advises_intervention_only_after_four_backlogs_in_a_row(tmp_path):
    kader = load_kader("zuid-holland")
    decisions = register(tmp_path, entry("starttrede", trede="laatste waarschuwing",
                                         gemeente="GM0599"), codes=["GM0599"], kader=kader)
    result = beoordeel(history("GM0599", -5, [(10, 5)] * 5), kader, decisions)
    assert result["achterstand_op_rij"].tolist() == [1, 2, 3, 4, 5]
    assert result["advies"].tolist() == ["gelijk"] * 3 + ["opschalen"] * 2
    assert result["advies_trede"].iloc[3] == "interventie mogelijk"


def test_limburg_judges_cumulative_realisation():
    result = beoordeel(history("GM0935", 0, [(10, 10), (10, 6), (10, 8)]), load_kader("limburg"),
                       NO_DECISIONS)
    assert result["pct_cumulatief"].round(3).tolist() == [1.0, 0.8, 0.8]
    assert result["oordeel"].tolist() == ["op_schema", "80_90", "80_90"]


def test_the_kaders_say_what_is_sourced_and_what_assumed():
    for name in SHIPPED:
        head = (KADERS_DIR / f"{name}.toml").read_text(encoding="utf-8").split("naam =")[0]
        assert "source" in head.lower() and "assum" in head.lower(), name


def test_brabant_advises_no_step_up_while_a_catch_up_agreement_runs(tmp_path):
    brabant = load_kader("brabant")
    decisions = register(tmp_path, entry("inhaalafspraak", gemeente="GM0796", aantal=20,
                                         uiterlijk="2023-01-01", datum="2022-03-01"),
                         codes=["GM0796"], kader=brabant)
    result = beoordeel(history("GM0796", -5, [(10, 5)] * 3), brabant, decisions)
    assert result["afspraak_aantal"].tolist() == [20, 20, 20]
    assert result["afspraak_verlopen"].tolist() == [False, True, True]
    assert result["advies"].tolist() == ["gelijk", "opschalen", "opschalen"]


def test_rules_on_the_register_are_checked_for_gaps_too(tmp_path):
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    text = text.replace('regel = "stand_eind >= 0"',
                        'regel = "stand_eind >= 0 and plan_van_aanpak_status != 2"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KaderError, match="geen enkel oordeel geldt"):
        load_kader(path)
