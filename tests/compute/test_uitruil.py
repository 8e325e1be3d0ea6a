"""Art. 29(2) agreements (uitruil, regional pooling) as register entries: their checks, their
effect on the taakstelling supervised and on the province's total, the art. 29 check that they
explain, and the date from which they count; and the state after indeplaatsstelling."""

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.compute import uitruil
from analysis.compute.beoordeling import beoordeel
from analysis.compute.bereken import Invoer, bereken
from analysis.compute.kader import load_kader
from analysis.compute.register import load_register
from analysis.compute.roll_forward import rollforward
from analysis.config import RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.gemeenten import provincie_codes
from analysis.ingest.mirror import ingest, mirror_tables
from analysis.problems import InputError

DRENTHE = provincie_codes("Drenthe")
ASSEN, TYNAARLO, EMMEN = "GM0106", "GM1730", "GM0114"
SWAP = """
[[besluit]]
soort = "uitruil"
gemeenten = ["Assen", "Tynaarlo"]
periode = "2025-H1"
verschuiving = { "Assen" = 5, "Tynaarlo" = -5 }
datum = 2024-12-01
kenmerk = "UIT/2024/001"
reden = "Afspraak tussen de colleges van Assen en Tynaarlo (art. 29 lid 2 Huisvestingswet 2014)."
"""


def load(text: str, periodes=("2024-H2", "2025-H1")) -> pd.DataFrame:
    return load_register(Register("toezichtsbesluiten.toml", text.encode()), DRENTHE,
                         periodes=list(periodes))


def refused(text: str) -> str:
    with pytest.raises(InputError) as caught:
        load(text)
    return str(caught.value.problems[0])


def test_an_agreement_is_a_row_per_municipality_with_its_shift():
    rows = load(SWAP)
    assert rows[["gemeente_code", "periode", "verschuiving"]].values.tolist() == [
        [ASSEN, "2025-H1", 5], [TYNAARLO, "2025-H1", -5]]


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"Tynaarlo" = -5', '"Tynaarlo" = -4',
     "de verschuivingen tellen op tot +1, niet tot 0; bij een uitruil (art. 29 lid 2 "
     "Huisvestingswet 2014) blijft de som van de taakstellingen gelijk"),
    ('"Tynaarlo" = -5', '"Emmen" = -5',
     "verschuiving noemt Emmen, niet in gemeenten (Assen, Tynaarlo)"),
    ('["Assen", "Tynaarlo"]', '["Assen", "Tynaarlo", "Emmen"]',
     "verschuiving mist Emmen uit gemeenten"),
    ('["Assen", "Tynaarlo"]', '["Assen", "Groningen"]',
     "gemeente Groningen (GM0014) hoort bij de provincie Groningen, niet bij Drenthe"),
    ('"2025-H1"', '"2030-H1"', "periode 2030-H1 staat niet in de gegevens"),
    ('["Assen", "Tynaarlo"]', '"alle"', "een uitruil is een afspraak tussen twee of meer"),
    ('= { "Assen" = 5, "Tynaarlo" = -5 }', '= 5', "verschuiving moet per gemeente"),
])
def test_a_wrong_agreement_is_refused_in_dutch_naming_file_entry_and_line(old, new, message):
    assert old in SWAP
    problem = refused(SWAP.replace(old, new))
    assert problem.startswith("toezichtsbesluiten.toml: besluit 1 (regel 2): ")
    assert message in problem


def _flows(taakstelling: dict[str, int], bijlage: dict[str, int] | None = None):
    """Flows of 2025-H1 for Assen and Tynaarlo, and the Bijlage A rows (with the formula's
    inputs: 1 000 x inhabitants / 100 000) they come from."""
    bijlage = bijlage or taakstelling
    inhabitants = {ASSEN: 5_900, TYNAARLO: 3_000}  # formula: 59 and 30
    table = pd.DataFrame({"gemeente_code": list(bijlage), "periode": "2025-H1",
                          "versiedatum": pd.Timestamp("2024-10-01"),
                          "landelijk_totaal": 1_000, "inwoners_nederland": 100_000,
                          "inwoners": [inhabitants[c] for c in bijlage],
                          "taakstelling": list(bijlage.values())})
    flows = pd.DataFrame({"gemeente_code": list(taakstelling), "periode": "2025-H1",
                          "taakstelling": list(taakstelling.values()), "realisatie": [60, 20]})
    return flows, table


@pytest.mark.parametrize(("bijlage", "words"), [
    ({ASSEN: 59, TYNAARLO: 30}, ["59 volgens Bijlage A, 5 overgenomen van Tynaarlo.",
                                 "30 volgens Bijlage A, 5 overgedragen aan Assen."]),
    ({ASSEN: 64, TYNAARLO: 25}, ["Bijlage A verwerkt de uitruil al: 59 volgens de art. 29-formule",
                                 "Bijlage A verwerkt de uitruil al: 30 volgens"]),
    ({ASSEN: 61, TYNAARLO: 28}, ["Bijlage A geeft 61, wat noch de art. 29-formule (59) noch de "
                                 "afspraak volgt", "Bijlage A geeft 28"]),
])
def test_the_taakstelling_supervised_is_the_formula_plus_the_shift(bijlage, words):
    """Formula in Bijlage A, the agreed figure already in it, or neither: 64 and 25 either way,
    the imported figure kept alongside, the province's total unchanged."""
    flows, table = _flows(bijlage)
    applied = uitruil.pas_toe(flows, table, load(SWAP))
    assert applied["taakstelling"].tolist() == [64, 25]
    assert applied["taakstelling_bijlage_a"].tolist() == list(bijlage.values())
    assert applied["uitruil"].tolist() == [5, -5]
    assert applied["uitruil_kenmerk"].tolist() == ["UIT/2024/001"] * 2
    assert applied["uitruil_zin"].iloc[0].startswith(
        "De taakstelling van 64 volgt de afspraak tussen Assen en Tynaarlo van 1 december 2024 "
        "(art. 29 lid 2 Huisvestingswet 2014; kenmerk UIT/2024/001): ")
    for sentence, expected in zip(applied["uitruil_zin"], words, strict=True):
        assert expected in sentence
    if bijlage == {ASSEN: 59, TYNAARLO: 30}:
        assert applied["taakstelling"].sum() == flows["taakstelling"].sum()


def test_the_art29_check_accepts_a_deviation_the_agreement_explains():
    _, table = _flows({ASSEN: 64, TYNAARLO: 30})
    toets = uitruil.art29_toets(table, load(SWAP))
    assert toets["gemeente_code"].tolist() == [ASSEN]
    assert toets["verklaard_door"].tolist() == ["UIT/2024/001"]
    assert uitruil.art29_meldingen(toets) == []
    unexplained = uitruil.art29_toets(table, load_register(None, DRENTHE))
    assert [w.melding for w in uitruil.art29_meldingen(unexplained)] == [
        "gemeente Assen (GM0106), 2025-H1: taakstelling 64 wijkt af van de art. 29-formule "
        "(59 = naar boven afgerond 1000 x 5900 / 100000)"]


def test_two_agreements_about_one_municipality_add_up_and_say_so():
    second = SWAP.replace('"Tynaarlo"', '"Emmen"').replace("UIT/2024/001", "UIT/2024/002") \
        .replace("2024-12-01", "2024-12-10")
    flows, table = _flows({ASSEN: 59, TYNAARLO: 30})
    flows = pd.concat([flows, flows.iloc[[1]].assign(gemeente_code=EMMEN, taakstelling=80)])
    table = pd.concat([table, table.iloc[[1]].assign(gemeente_code=EMMEN, inwoners=8_000,
                                                     taakstelling=80)])
    applied = uitruil.pas_toe(flows, table, load(SWAP + second))
    assert applied["taakstelling"].tolist() == [69, 25, 75]
    assert applied["uitruil_kenmerk"].iloc[0] == "UIT/2024/001, UIT/2024/002"
    assert "per saldo 10 overgenomen van Tynaarlo en Emmen" in applied["uitruil_zin"].iloc[0]
    assert applied["taakstelling"].sum() == flows["taakstelling"].sum()


def test_random_agreements_never_change_the_provinces_total():
    """A reference loop: each municipality's figure is its own plus the shifts naming it."""
    rng = np.random.default_rng(7)
    codes = DRENTHE[:6]
    flows = pd.DataFrame({"gemeente_code": codes, "periode": "2025-H1",
                          "taakstelling": rng.integers(10, 90, len(codes)), "realisatie": 0})
    entries, expected = [], dict(zip(codes, flows["taakstelling"], strict=True))
    for number in range(5):
        members = [str(c) for c in rng.choice(codes, size=int(rng.integers(2, 5)),
                                              replace=False)]
        shifts = list(rng.integers(-6, 7, len(members) - 1))
        shifts.append(-sum(shifts))
        if not any(shifts):
            continue
        for code, shift in zip(members, shifts, strict=True):
            expected[code] += int(shift)
        shown = ", ".join(f'"{c}" = {int(s)}' for c, s in zip(members, shifts, strict=True))
        entries.append(f'[[besluit]]\nsoort = "uitruil"\ngemeenten = {members!r}\n'.replace(
            "'", '"') + f'periode = "2025-H1"\nverschuiving = {{ {shown} }}\n'
            f'datum = 2024-12-0{number + 1}\nkenmerk = "U{number}"\nreden = "r"\n')
    table = flows.assign(versiedatum=pd.Timestamp("2024-10-01"), landelijk_totaal=pd.NA,
                         inwoners=pd.NA, inwoners_nederland=pd.NA)
    applied = uitruil.pas_toe(flows, table, load("\n".join(entries)))
    assert dict(zip(applied["gemeente_code"], applied["taakstelling"], strict=True)) == expected
    assert applied["taakstelling"].sum() == flows["taakstelling"].sum()


@pytest.fixture(scope="module")
def sample_with_swap(tmp_path_factory):
    raw = tmp_path_factory.mktemp("uitruil") / "raw"
    shutil.copytree(RAW_DIR, raw)
    with (raw / "besluiten" / "toezichtsbesluiten.toml").open("a", encoding="utf-8") as file:
        file.write(SWAP)
    tables = mirror_tables(ingest(raw))
    tables["besluiten_bron"] = Register.read(raw / "besluiten" / "toezichtsbesluiten.toml").table()
    return Invoer(tables)


def _stand(invoer: Invoer, kennisdatum: dt.date) -> pd.DataFrame:
    return bereken(invoer, load_kader("drenthe"), kennisdatum)


def test_on_the_sample_the_stand_follows_the_agreement_and_the_total_does_not_move(
        sample_with_swap):
    tables = _stand(sample_with_swap, dt.date(2026, 1, 15))
    stand = tables["stand"].set_index(["gemeente_code", "periode"])
    assert stand.loc[(ASSEN, "2025-H1"), "taakstelling"] == stand.loc[
        (ASSEN, "2025-H1"), "taakstelling_bijlage_a"] + 5
    assert stand.loc[(TYNAARLO, "2025-H1"), "uitruil"] == -5
    assert stand.loc[(ASSEN, "2025-H2"), "stand_begin"] == stand.loc[
        (ASSEN, "2025-H1"), "stand_eind"]
    totals = tables["stand"].groupby("periode")[["taakstelling", "taakstelling_bijlage_a"]].sum()
    assert (totals["taakstelling"] == totals["taakstelling_bijlage_a"]).all()
    reason = tables["beoordeling"].set_index(["gemeente_code", "periode"]).loc[
        (ASSEN, "2025-H1"), "reden"]
    assert "volgt de afspraak tussen Assen en Tynaarlo van 1 december 2024" in reason
    trace = tables["herkomst"]
    row = trace[(trace["gemeente_code"] == ASSEN) & (trace["periode"] == "2025-H1")
                & (trace["onderdeel"] == "taakstelling")].iloc[0]
    assert (row["uitruil"], row["uitruil_kenmerk"]) == (5, "UIT/2024/001")


def test_before_the_agreement_was_recorded_the_stand_does_not_know_it(sample_with_swap):
    stand = _stand(sample_with_swap, dt.date(2024, 11, 30))["stand"]
    assert set(stand["uitruil"]) == {0}
    assert (stand["taakstelling"] == stand["taakstelling_bijlage_a"]).all()


# --- after indeplaatsstelling --------------------------------------------------------------

IPS = """
[[besluit]]
soort = "besluit_indeplaatsstelling"
gemeente = "GM1690"
aantal = 20
resultaten = "20 vergunninghouders gehuisvest"
termijn = 2024-01-01
ingang = 2023-03-01
datum = 2023-02-15
kenmerk = "IPS/1"
reden = "r"
"""


def _history(flows: list[tuple[int, int]]) -> pd.DataFrame:
    periods = ["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1"][:len(flows)]
    frame = pd.DataFrame({"gemeente_code": "GM1690", "periode": periods,
                          "taakstelling": [f[0] for f in flows],
                          "realisatie": [f[1] for f in flows]})
    return rollforward(frame, pd.DataFrame({"gemeente_code": ["GM1690"], "periode": ["2022-H1"],
                                            "stand": [-10]}))


def _ips(text: str, kader) -> pd.DataFrame:
    decisions = load_register(Register("b.toml", text.encode()), ["GM1690"], kader.treden)
    return beoordeel(_history([(10, 5)] * 4), kader, decisions)


def test_flevoland_after_indeplaatsstelling_gs_take_over_the_totaalopgave():
    kader = load_kader("flevoland")
    result = _ips(IPS, kader)
    assert result["oordeel"].tolist() == ["onvoldoende"] * 2 + ["indeplaatsstelling"] * 2
    assert result["oordeel_label"].iloc[2] == ("Onder indeplaatsstelling: Gedeputeerde Staten "
                                               "voeren de taak uit")
    assert result["trede"].tolist()[2:] == ["indeplaatsstelling"] * 2
    assert result["advies_tekst"].iloc[2] == "geen advies: Gedeputeerde Staten voeren de taak uit"
    # 2023-H1 starts 20 behind with a taakstelling of 10: the totaalopgave is 30
    assert ("Gedeputeerde Staten huisvesten vanaf 1 maart 2023 in de plaats en op kosten van "
            "de gemeente (art. 124 Gemeentewet; besluit tot indeplaatsstelling van 15 februari "
            "2023, kenmerk IPS/1) en nemen de hele totaalopgave van 30 (de taakstelling met de "
            "achterstand) van de 1e helft 2023 over.") in result["reden"].iloc[2]
    assert "Advies volgens" not in result["reden"].iloc[3]
    # the figures still count in the municipality's name
    assert result["stand_eind"].tolist() == [-15, -20, -25, -30]


def test_without_the_kader_option_gs_take_over_the_decisions_number():
    result = _ips(IPS, load_kader("drenthe"))
    assert ("nemen de huisvesting van 20 vergunninghouders (het aantal uit het besluit) over"
            in result["reden"].iloc[2])


def test_an_intrekking_ends_the_state_and_an_ingang_before_the_decision_is_refused():
    withdrawn = IPS + ('[[besluit]]\nsoort = "intrekking"\ngemeente = "GM1690"\n'
                       'verwijst_naar = "IPS/1"\ndatum = 2023-09-01\nreden = "r"\n')
    result = _ips(withdrawn, load_kader("flevoland"))
    assert result["oordeel"].tolist()[2:] == ["indeplaatsstelling", "onvoldoende"]
    with pytest.raises(InputError) as caught:
        _ips(IPS.replace("datum = 2023-02-15", "datum = 2023-04-15"), load_kader("flevoland"))
    assert "ingang 01-03-2023 ligt voor de datum van het besluit" in str(
        caught.value.problems[0])
