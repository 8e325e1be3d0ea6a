"""The letter's sentences for every situation (backlog, voorsprong, nothing or less than nothing
housed, voorlopige figures), the kader's standing, and the check that stops a letter whose
kind, terms or sentences contradict each other."""

import datetime as dt

import pandas as pd
import pytest

from analysis.report.brieven.controle import bezwaren
from analysis.report.brieven.zinnen import oordeel_zin, realisatie_zinnen


def row(**fields) -> pd.Series:
    base = {"periode": "2024-H1", "stand_begin": -10, "taakstelling": 26, "opgave": 36,
            "realisatie": 23, "stand_eind": -13, "peildatum_eind": pd.Timestamp("2024-07-01"),
            "status": "definitief", "trede_op_datum": "", "trede_op_datum_nummer": -1,
            "trede_op_datum_besluit": "", "verschoning_reden": None, "kenmerk": None}
    return pd.Series({**base, **fields})


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, "Volgens de cijfers van het COA per 1 juli 2024 heeft uw gemeente in de eerste helft "
         "van 2024 23 vergunninghouders gehuisvest. De taakstelling was 26; met de achterstand "
         "van 10 aan het begin van het halfjaar was de opgave 36. Dat is 88 % van de "
         "taakstelling en 64 % van de opgave."),
    ({"stand_begin": 5, "opgave": 21, "realisatie": 19, "stand_eind": -2},
     "Volgens de cijfers van het COA per 1 juli 2024 heeft uw gemeente in de eerste helft van "
     "2024 19 vergunninghouders gehuisvest. De taakstelling was 26; uw gemeente begon het "
     "halfjaar met een voorsprong van 5, zodat de opgave 21 was. Dat is 73 % van de "
     "taakstelling en 90 % van de opgave."),
    ({"stand_begin": 30, "opgave": -4, "realisatie": 0, "stand_eind": 4},
     "Volgens de cijfers van het COA per 1 juli 2024 heeft uw gemeente in de eerste helft van "
     "2024 geen vergunninghouders gehuisvest. De taakstelling was 26; uw gemeente begon het "
     "halfjaar met een voorsprong van 30, zodat er geen opgave resteerde."),
    ({"stand_begin": 0, "taakstelling": 5, "opgave": 5, "realisatie": -2, "stand_eind": -7},
     "Volgens de cijfers van het COA per 1 juli 2024 is het aantal gehuisveste "
     "vergunninghouders van uw gemeente in de eerste helft van 2024 per saldo met 2 "
     "verminderd: correcties op eerder gemelde huisvestingen waren groter dan het aantal "
     "nieuwe. De taakstelling was 5."),
    ({"status": "voorlopig"}, "Volgens de voorlopige cijfers van het COA per 1 juli 2024"),
])
def test_what_was_housed_in_sentences(fields, expected):
    assert realisatie_zinnen(row(**fields)).startswith(expected)


def test_the_verdict_is_a_sentence_and_names_the_kaders_standing_only_when_recorded():
    zin = "Daarmee heeft uw gemeente de taakstelling gehaald; er resteert een achterstand van " \
          "{achterstand}."
    neutral = oordeel_zin(row(stand_eind=-4), zin, "Achterstand, taakstelling gehaald", None)
    assert neutral == (
        "Daarmee heeft uw gemeente de taakstelling gehaald; er resteert een achterstand van 4. "
        "In het beoordelingskader dat de provincie voor dit toezicht gebruikt, valt dat in de "
        "categorie 'Achterstand, taakstelling gehaald'.")
    adopted = oordeel_zin(row(stand_eind=-4), zin, "Achterstand, taakstelling gehaald",
                          (dt.date(2024, 3, 1), "GS/2024/1"))
    assert "Volgens het beoordelingskader dat wij op 1 maart 2024 hebben vastgesteld (kenmerk " \
           "GS/2024/1), valt dat" in adopted
    assert "ons oordeel" not in neutral + adopted


DAY = dt.date(2024, 11, 19)
VOORNEMEN = pd.Series({"termijn": pd.Timestamp("2025-03-01"),
                       "zienswijze_termijn": pd.Timestamp("2024-12-01")})


@pytest.mark.parametrize(("kind", "fields", "decision", "expected"), [
    ("resultaten", {"verschoning_reden": "eenmalig"}, None, []),
    ("voornemen", {"trede_op_datum": "vooraankondiging", "trede_op_datum_nummer": 3}, VOORNEMEN,
     []),
    ("voornemen", {"trede_op_datum": "geen", "trede_op_datum_nummer": 0,
                   "trede_op_datum_besluit": "besluit van 1 maart 2024"}, VOORNEMEN,
     ["een voornemen tot indeplaatsstelling past niet bij de vastgelegde trede 'geen' (niet op "
      "de interventieladder; besluit van 1 maart 2024)"]),
    ("voornemen", {"verschoning_reden": "eenmalig", "kenmerk": "V1"}, VOORNEMEN,
     ["een voornemen tot indeplaatsstelling spreekt de verschoning over deze periode tegen "
      "(kenmerk V1; in het beoordelingskader sluit een verschoning opschalen uit); trek de "
      "verschoning in met een besluit, of kies het besluit dat past"]),
    ("voornemen", {}, pd.Series({**VOORNEMEN, "zienswijze_termijn": pd.Timestamp("2024-11-19")}),
     ["de termijn voor een zienswijze (19-11-2024) is op de datum van de brief (19-11-2024) al "
      "verstreken"]),
    ("gesprek", {}, pd.Series({"termijn": pd.Timestamp("2024-10-01")}),
     ["de termijn voor het plan van aanpak (01-10-2024) is op de datum van de brief "
      "(19-11-2024) al verstreken"]),
])
def test_a_letter_that_contradicts_itself_is_stopped(kind, fields, decision, expected):
    assert bezwaren(kind, row(**fields), decision, DAY) == expected


def test_a_verschoning_that_lets_the_ladder_run_does_not_stop_an_escalating_letter():
    assert bezwaren("gesprek", row(verschoning_reden="x"), None, DAY, "doorlopen") == []
