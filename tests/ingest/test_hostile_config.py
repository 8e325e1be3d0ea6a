"""Hostile configuration: decision registers, letter settings, kaders and layout specs of the
wrong shape, type, encoding or size; rules and letter templates that try to crash, loop or leave
the sandbox. Each gives a Dutch message naming the file and the entry, never a traceback."""

import io
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import pytest
from docx import Document
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import tomlfile
from analysis.cli import main
from analysis.compute.kader import RULE_COLUMNS, KaderError, load_kader
from analysis.compute.register import load_register
from analysis.config import RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.ingest import mirror
from analysis.ingest.specs import load_specs
from analysis.problems import InputError, Refused
from analysis.report.brieven import template as sjabloon
from analysis.report.brieven.template import Sjabloon, check_template, default_template, fill
from tests.conftest import alinea, examples

pytestmark = pytest.mark.hostile

TREDEN = ("geen", "gesprek")
KADER = '''naam = "Proef"
toelichting = "Een kader om mee te proeven."

[[oordelen]]
code = "goed"
label = "Goed"
kleur = "#00aa00"
regel = "stand_eind >= 0"

[[oordelen]]
code = "slecht"
label = "Slecht"
kleur = "#aa0000"
regel = "stand_eind < 0"

[ladder]
treden = ["geen", "gesprek"]
opschalen = "oordeel == 'slecht' and gemist_op_rij >= 2"
afschalen = "oordeel == 'goed'"
'''
SPEC = '''naam = "Proef"
bron = "coa_overzicht"
bestanden = ["coa/*.xlsx"]
bladen = ["Blad1"]
voettekst = "^bron"

[kenmerken]
peildatum = { label = "Peildatum", type = "datum" }

[kolommen]
gemeente_code = { labels = ["CBS-code"], type = "gemeente" }
taakstelling = { labels = ["Taakstelling"], type = "geheel", minimum = 0 }

[totaalrij]
patroon = "^totaal"
som = ["taakstelling"]
'''
SETTINGS = '''[afzender]
provincie = "Drenthe"
plaats = "Assen"
behandeld_door = "A. Voorbeeld"

[kenmerken."2024-H1"]
"De Wolden" = "47/4.1/2024001652"
schema = "K/{nummer:03d}"

[alineas]
"2024-H1" = ["Een alinea."]

[[ondertekenaar]]
naam = "A. Voorbeeld"
functie = "secretaris"

[[geadresseerde]]
gemeente = "De Wolden"
regels = ["Postbus 20", "7920 AA ZUIDWOLDE"]
'''
REGISTER = '''[[besluit]]
soort = "trede"
gemeente = "De Wolden"
trede = "gesprek"
datum = 2024-03-01
kenmerk = "K1"
reden = "achterstand"
'''


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _register(folder: Path, content):
    path = _write(folder / "besluiten" / "besluiten.toml", content)
    load_register(Register.read(path), ["GM1690"], TREDEN)


def _settings(folder: Path, content):
    _write(folder / "brieven" / "brieven.toml", content)
    Briefinstellingen.read(folder)


def _kader(folder: Path, content):
    load_kader(_write(folder / "kader.toml", content))


def _spec(folder: Path, content):
    load_specs(_write(folder / "specs" / "indeling.toml", content).parent)


# every config kind: how to load it, the name its messages give, and a valid file
KINDS = {"register": (_register, "besluiten.toml", REGISTER),
         "brieven": (_settings, "brieven/brieven.toml", SETTINGS),
         "kader": (_kader, "kader.toml", KADER),
         "specificatie": (_spec, "indeling.toml", SPEC)}


def refusal(kind: str, folder: Path, content) -> str:
    """The Dutch message a broken file of this kind gives; fails on any other exception."""
    load, _, _ = KINDS[kind]
    with pytest.raises((InputError, Refused, KaderError)) as caught:
        load(folder, content)
    error = caught.value
    message = error.report() if isinstance(error, InputError) else str(error)
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_every_valid_sample_loads(tmp_path, kind):
    load, _, valid = KINDS[kind]
    load(tmp_path, valid)


BROKEN_FILES = {
    "latin-1": ("# Friesland: Súdwest-Fryslân\n".encode("latin-1"), "geen UTF-8 (regel 1"),
    "invalid TOML": ('naam = "open\n', "geen geldige TOML op regel 1, kolom"),
    "duplicate key": ("[x]\na = 1\n[x]\n", "geen geldige TOML op regel 3"),
    "nested too deep": ("a = " + "[" * 5000 + "]" * 5000 + "\n", "te diep genest"),
    "larger than 1 MB": ("# " + "x" * 1_100_000 + "\n", "groter dan 1 MB"),
    "NUL byte": (b"naam = \"a\x00\"\n", "geen geldige TOML"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("broken", BROKEN_FILES)
def test_a_file_that_is_no_usable_toml_names_the_file(tmp_path, kind, broken):
    content, expected = BROKEN_FILES[broken]
    message = refusal(kind, tmp_path, content)
    assert KINDS[kind][1] in message and expected in message


@pytest.mark.parametrize(("kind", "expected"), [
    ("brieven", "bestand is leeg of bevat alleen commentaar; verwacht [afzender]"),
    ("kader", "verplichte sleutel 'oordelen' ontbreekt"),
    ("specificatie", "verplichte sleutel 'kolommen' ontbreekt"),
])
def test_an_empty_file_says_what_is_missing(tmp_path, kind, expected):
    message = refusal(kind, tmp_path, "")
    assert KINDS[kind][1] in message and expected in message


@pytest.mark.parametrize("content", ["", "# nog geen besluiten\n", "besluit = []\n"])
def test_an_empty_register_is_refused_not_read_as_no_decisions(tmp_path, content):
    path = _write(tmp_path / "besluiten.toml", content)
    with pytest.raises(InputError) as caught:
        load_register(Register.read(path), ["GM1690"], TREDEN)
    assert [str(problem) for problem in caught.value.problems] == [
        "besluiten.toml: bestand is leeg of bevat alleen commentaar; verwacht "
        "[[besluit]]-blokken. Zijn er geen besluiten, verwijder het bestand dan"]


def test_an_unreadable_file_is_a_dutch_message(tmp_path, monkeypatch):
    path = _write(tmp_path / "kader.toml", KADER)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(KaderError, match=r"kader.toml: kan niet worden gelezen \(Permission"):
        load_kader(path)


def test_a_byte_order_mark_is_accepted(tmp_path):
    _kader(tmp_path, "\ufeff" + KADER)


# (kind, old, new, expected): the valid file with one thing replaced
TRADE = 'soort = "trede"\ngemeente = "De Wolden"\ntrede = "gesprek"\n'
SHAPES = [
    ("register", REGISTER, 'besluit = "x"\n', "verwacht [[besluit]]-blokken, gevonden besluit = "
                                              "tekst"),
    ("register", "[[besluit]]", "[besluit]", "gevonden besluit = een tabel"),
    ("register", REGISTER, "besluit = [1, 2]\n", "besluit 1: verwacht een blok [[besluit]] met "
                                                 "velden, gevonden een geheel getal"),
    ("register", "[[besluit]]", "onbekend = 1\n[[besluit]]", "onbekende sleutel onbekend"),
    ("register", 'soort = "trede"', 'soort = ["trede"]',
     "besluit 1 (regel 1): soort ['trede'] bestaat niet; kies starttrede"),
    ("register", 'reden = "achterstand"', "reden = 5",
     "besluit 1 (regel 1): reden is een geheel getal; verwacht tekst"),
    ("register", 'reden = "achterstand"', f'reden = "{"x" * 3000}"',
     "reden moet tekst zijn van 1 tot 2000 tekens (nu 3000)"),
    ("register", 'kenmerk = "K1"', 'kenmerk = ["K1"]',
     "kenmerk is een lijst [...]; verwacht tekst tussen"),
    ("register", 'gemeente = "De Wolden"', "gemeente = { naam = 1 }", "gemeente(n) ontbreekt"),
    ("register", 'gemeente = "De Wolden"', "gemeente = [[1]]", "gemeente(n) ontbreekt"),
    ("register", 'gemeente = "De Wolden"', "gemeente = true", "gemeente(n) ontbreekt"),
    ("register", 'trede = "gesprek"', "trede = 5", "trede '5' staat niet op de"),
    ("register", 'trede = "gesprek"', 'trede = ["gesprek"]', "staat niet op de"),
    ("register", "datum = 2024-03-01", "datum = 0001-01-01", "ligt niet tussen 1900 en 2200"),
    ("register", "datum = 2024-03-01", "datum = 2024-03-01T10:00:00", "is geen datum"),
    ("register", "datum = 2024-03-01", 'datum = "gisteren"', "datum 'gisteren' is geen datum"),
    ("register", TRADE, 'soort = "verschoning"\ngemeente = 1690\nperiode = 2024\n',
     "periode: verwacht tekst"),
    ("register", TRADE, 'soort = "plan_van_aanpak"\ngemeente = 1690\nstatus = ["akkoord"]\n',
     "status ['akkoord'] bestaat niet; kies gevraagd"),
    ("register", TRADE, 'soort = "verdeling"\ngemeente = "Haaren"\nverdeling = "x"\n',
     "verdeling moet minstens twee opvolgers"),
    ("register", TRADE, 'soort = "verdeling"\ngemeente = ["Haaren"]\n'
                        'verdeling = { Boxtel = 1, Vught = 1 }\n',
     "gemeente '['Haaren']' is onbekend"),
    ("brieven", SETTINGS[:SETTINGS.index("[kenmerken")], '^afzender = "x"\n',
     "afzender is tekst; verwacht een tabel [afzender]"),
    ("brieven", "[afzender]", "[[afzender]]", "afzender is een lijst [...]; verwacht een "
                                              "tabel [afzender]"),
    ("brieven", '[alineas]\n"2024-H1" = ["Een alinea."]\n', "^alineas = []\n",
     "alineas is een lijst [...]; verwacht een tabel [alineas]"),
    ("brieven", SETTINGS[SETTINGS.index("[kenmerken"):SETTINGS.index("[alineas]")],
     "^sjablonen = 5\nkenmerken = 1\n",
     "sjablonen is een geheel getal; verwacht een tabel [sjablonen]"),
    ("brieven", "[[ondertekenaar]]", "[ondertekenaar]",
     "ondertekenaar is een tabel [...]; verwacht blokken [[ondertekenaar]]"),
    ("brieven", SETTINGS[SETTINGS.index("[[geadresseerde]]"):], '^geadresseerde = ["x"]\n',
     "geadresseerde 1: verwacht een blok"),
    ("brieven", "[afzender]\n", "afzenders = 1\n[afzender]\n", "onbekende sleutel 'afzenders'"),
    ("brieven", 'provincie = "Drenthe"', "provincie = 5", "[afzender]: provincie is een geheel "
                                                          "getal; verwacht tekst"),
    ("brieven", 'plaats = "Assen"', f'plaats = "{"A" * 6000}"',
     "[afzender]: plaats moet tekst zijn van 1 tot 5000 tekens (nu 6000)"),
    ("brieven", 'plaats = "Assen"', 'plaats = "Assen"\nplaatje = "x"',
     "[afzender]: onbekende sleutel 'plaatje'"),
    ("brieven", 'plaats = "Assen"', 'plaats = "Assen"\nsjabloon = 5',
     "[afzender] sjabloon: verwacht de naam van een .docx-bestand"),
    ("brieven", 'plaats = "Assen"', 'plaats = "Assen"\nsjabloon = "weg.docx"',
     "[afzender] sjabloon: "),
    ("brieven", "[alineas]", '[sjablonen]\ngesprek = "brief.txt"\n[alineas]',
     "[sjablonen] gesprek: brief.txt is geen .docx-bestand"),
    ("brieven", "[alineas]", '[sjablonen]\ngesprek = "weg.docx"\n[alineas]',
     "weg.docx bestaat niet"),
    ("brieven", "[alineas]", '[sjablonen]\ngesprek = ["a.docx"]\n[alineas]',
     "[sjablonen] gesprek: verwacht de naam van een .docx-bestand"),
    ("brieven", "[alineas]", f'[sjablonen]\ngesprek = "{"a" * 5000}.docx"\n[alineas]',
     "[sjablonen] gesprek: verwacht de naam"),
    ("brieven", '"De Wolden" = "47/4.1/2024001652"', '"De Wolden" = 47',
     "kenmerk van De Wolden moet tekst zijn"),
    ("brieven", 'schema = "K/{nummer:03d}"', 'schema = "K/{nummer:>999999999}"',
     "[kenmerken] 2024-H1: schema moet {nummer} bevatten"),
    ("brieven", 'schema = "K/{nummer:03d}"', 'schema = "K/{nummer.__class__.__mro__}"',
     "schema moet {nummer} bevatten"),
    ("brieven", 'schema = "K/{nummer:03d}"', 'schema = "K/{nummer}/{0}"',
     "schema moet {nummer} bevatten"),
    ("brieven", 'schema = "K/{nummer:03d}"', 'schema = "K/{nummer:03d}"\neerste = 1e3',
     "eerste '1000.0' is geen geheel getal van 0 tot en met 1.000.000.000"),
    ("brieven", '"2024-H1" = ["Een alinea."]', f'"2024-H1" = ["{"x" * 6000}"]',
     "[alineas] 2024-H1: verwacht een lijst van alinea's"),
    ("brieven", 'functie = "secretaris"', 'functie = "secretaris"\nrol = "x"',
     "ondertekenaar 1: geef naam en functie"),
    ("brieven", 'regels = ["Postbus 20", "7920 AA ZUIDWOLDE"]', f"regels = {['x'] * 20}",
     "geadresseerde 1: regels moet een lijst van tekstregels zijn (hoogstens 12)"),
    ("brieven", 'gemeente = "De Wolden"', "gemeente = [1]", "geadresseerde 1: onbekende "
                                                            "gemeente"),
    ("kader", KADER[KADER.index("[[oordelen]]"):KADER.index("[ladder]")], "",
     "verplichte sleutel 'oordelen' ontbreekt (verwacht blokken [[oordelen]])"),
    ("kader", KADER[KADER.index("[[oordelen]]"):KADER.index("[ladder]")], '^oordelen = "x"\n',
     "oordelen is tekst; verwacht blokken"),
    ("kader", KADER[KADER.index("[ladder]"):], '^ladder = "x"\n',
     "ladder is tekst; verwacht een tabel [ladder]"),
    ("kader", KADER[KADER.index("[ladder]"):], "", "verplichte sleutel 'ladder' ontbreekt"),
    ("kader", KADER[KADER.index("[ladder]"):], "[[ladder]]\n", "ladder is een lijst [...]; "
                                                               "verwacht een tabel [ladder]"),
    ("kader", 'treden = ["geen", "gesprek"]', 'treden = "geen"', "ladder: treden is tekst; "
                                                                 "verwacht een lijst"),
    ("kader", 'treden = ["geen", "gesprek"]', "treden = [1, 2]", "ladder: treden moet een lijst "
                                                                 "van teksten zijn"),
    ("kader", 'treden = ["geen", "gesprek"]', f'treden = ["geen", "{"g" * 200}"]',
     "ladder: treden moet een lijst van teksten zijn (elk 1 tot 100 tekens)"),
    ("kader", 'code = "goed"', "code = 5", "oordeel 1: code is een geheel getal; verwacht tekst"),
    ("kader", 'code = "goed"', 'code = "goed of niet"', "code 'goed of niet' moet een woord"),
    ("kader", 'label = "Goed"', 'label = ["Goed"]', "oordeel 'goed': label is een lijst"),
    ("kader", 'label = "Goed"', f'label = "{"G" * 1000}"', "oordeel 'goed': label moet tekst "
                                                           "zijn van 1 tot 200 tekens"),
    ("kader", 'label = "Goed"', f'label = "{"G" * 10_000_000}"', "groter dan 1 MB"),
    ("kader", 'naam = "Proef"', "naam = 5", "kader.toml: naam is een geheel getal"),
    ("kader", 'naam = "Proef"\n', "", "verplichte sleutel 'naam' ontbreekt"),
    ("kader", 'naam = "Proef"', 'titel = "Proef"', "onbekende sleutel 'titel'"),
    ("kader", 'toelichting = "Een kader om mee te proeven."', f'toelichting = "{"t" * 3000}"',
     "toelichting moet tekst zijn van 1 tot 2000 tekens"),
    ("kader", 'kleur = "#00aa00"', "kleur = 5", "oordeel 'goed' heeft geen kleur"),
    ("kader", 'naam = "Proef"', 'naam = "Proef"\nkleurr = 1', "onbekende sleutel 'kleurr'"),
    ("kader", 'kleur = "#00aa00"', 'kleur = "#00aa00"\nregels = "x"',
     "oordeel 'goed': onbekende sleutel 'regels'"),
    ("kader", "[ladder]", '[ladder]\nbij_verschoning = 5', "bij_verschoning 5 bestaat niet"),
    ("kader", "[ladder]", '[ladder]\nopschalen_na = 2', "[ladder]: onbekende sleutel"),
    ("kader", "afschalen = \"oordeel == 'goed'\"", "", "verplichte sleutel 'afschalen'"),
    ("kader", 'naam = "Proef"', 'naam = "Proef"\nleidende_bron = ["COA"]',
     "leidende_bron ['COA'] bestaat niet"),
    ("kader", 'naam = "Proef"', 'naam = "Proef"\nnorm = 1', "norm 1 bestaat niet"),
    ("kader", 'naam = "Proef"', 'naam = "Proef"\nuitloop_dagen = "5"',
     "uitloop_dagen '5' is geen geheel getal"),
    ("kader", 'regel = "stand_eind >= 0"', "regel = 5", "oordeel 'goed': verwacht een regel"),
    ("kader", 'regel = "stand_eind >= 0"', 'bij_verschoning_van = "slecht"',
     "bij_verschoning_van is tekst; verwacht een lijst van oordeelcodes"),
    ("kader", 'regel = "stand_eind >= 0"', "bij_verschoning_van = [1]",
     "bij_verschoning_van moet een lijst van oordeelcodes"),
    ("kader", "opschalen = \"oordeel == 'slecht' and gemist_op_rij >= 2\"", "opschalen = 5",
     "ladder.opschalen: verwacht een regel als tekst"),
    ("specificatie", SPEC[SPEC.index("[kolommen]"):SPEC.index("[totaalrij]")],
     '^kolommen = "x"\n', "kolommen is tekst; verwacht een tabel"),
    ("specificatie", 'gemeente_code = { labels = ["CBS-code"], type = "gemeente" }',
     'gemeente_code = "CBS-code"', "kolommen.gemeente_code: verwacht een tabel"),
    ("specificatie", 'labels = ["CBS-code"]', 'labels = "CBS-code"',
     "kolommen.gemeente_code: labels is tekst; verwacht een lijst"),
    ("specificatie", 'labels = ["CBS-code"]', f'labels = ["{"C" * 400}"]',
     "labels moet een lijst van teksten zijn (elk 1 tot 300 tekens)"),
    ("specificatie", 'type = "gemeente"', "type = 5", "type 5 bestaat niet; kies geheel, tekst"),
    ("specificatie", 'type = "gemeente"', 'type = "gemeente", verplicht = "ja"',
     "verplicht is tekst; verwacht true of false"),
    ("specificatie", "minimum = 0", 'minimum = "0"', "kolommen.taakstelling: minimum is tekst"),
    ("specificatie", "minimum = 0", "minimum = 0, breedte = 3", "onbekende sleutel 'breedte'"),
    ("specificatie", 'bestanden = ["coa/*.xlsx"]', 'bestanden = "coa/*.xlsx"',
     "bestanden is tekst; verwacht een lijst"),
    ("specificatie", 'bladen = ["Blad1"]', "bladen = [1]", "bladen moet een lijst van teksten"),
    ("specificatie", 'bladen = ["Blad1"]', 'bladen = ["Blad1"]\nbladzijde = 1',
     "onbekende sleutel 'bladzijde'"),
    ("specificatie", 'peildatum = { label = "Peildatum", type = "datum" }', "peildatum = 5",
     "kenmerken.peildatum: verwacht een tabel"),
    ("specificatie", SPEC[SPEC.index("[totaalrij]"):], "^totaalrij = []\n",
     "totaalrij is een lijst [...]; verwacht een tabel"),
    ("specificatie", SPEC[SPEC.index("[totaalrij]"):], "", None),
    ("specificatie", 'patroon = "^totaal"', 'patroon = "(totaal"',
     "totaalrij: patroon '(totaal' is geen geldige reguliere expressie"),
    ("specificatie", 'voettekst = "^bron"', "voettekst = 5", "voettekst is een geheel getal"),
    ("specificatie", 'som = ["taakstelling"]', 'som = "taakstelling"', "som is tekst"),
    ("specificatie", 'naam = "Proef"', 'titel = "Proef"', "onbekende sleutel 'titel'"),
    ("specificatie", 'bron = "coa_overzicht"', "bron = 5",
     "bron 5 bestaat niet; kies taakstelling"),
]


@pytest.mark.parametrize(("kind", "old", "new", "expected"), SHAPES)
def test_a_wrong_shape_names_the_file_entry_and_what_was_expected(tmp_path, kind, old, new,
                                                                   expected):
    load, name, valid = KINDS[kind]
    assert old in valid
    # "^...": the section left out, and this put first (where top-level keys go)
    content = new[1:] + valid.replace(old, "", 1) if new.startswith("^") else valid.replace(
        old, new, 1)
    if expected is None:  # an optional section left out: still a valid file
        load(tmp_path, content)
        return
    message = refusal(kind, tmp_path, content)
    assert name in message and expected in message, message


# ---------------------------------------------------------------- through the command line


@pytest.fixture
def project(computed, tmp_path):
    """A copy of the sample's raw files and computed tables to break."""
    shutil.copytree(RAW_DIR, tmp_path / "raw")
    shutil.copytree(computed, tmp_path / "processed")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _command(capsys, *args) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in out + err
    return err


def test_ingest_with_a_latin1_register_exits_2_and_writes_nothing(project, capsys):
    register = project / "raw" / "besluiten" / "toezichtsbesluiten.toml"
    register.write_bytes(register.read_text(encoding="utf-8").replace(
        "reden = ", "# Súdwest-Fryslân\nreden = ").encode("latin-1"))
    before = _snapshot(project / "processed")
    err = _command(capsys, "ingest", "--raw", str(project / "raw"), "--processed",
                   str(project / "processed"))
    assert "toezichtsbesluiten.toml: geen UTF-8" in err
    assert _snapshot(project / "processed") == before


def test_ingest_with_a_register_of_the_wrong_shape_exits_2(project, capsys):
    register = project / "raw" / "besluiten" / "toezichtsbesluiten.toml"
    register.write_text('besluit = "x"\n', encoding="utf-8")
    before = _snapshot(project / "processed")
    err = _command(capsys, "ingest", "--raw", str(project / "raw"), "--processed",
                   str(project / "processed"))
    assert "toezichtsbesluiten.toml: verwacht [[besluit]]-blokken" in err
    assert _snapshot(project / "processed") == before


@pytest.mark.parametrize(("rule", "expected"), [
    ("1/0", "oordeel 'goed': regel 'stand_eind >= 1/0' deelt door 0"),
    ("'a'", "oordeel 'goed': regel 'stand_eind >= 'a'' vergelijkt tekst met een getal"),
])
def test_bereken_with_a_hostile_kader_exits_2(project, capsys, rule, expected):
    kader = _write(project / "kader.toml", KADER.replace('"stand_eind >= 0"',
                                                        f'"stand_eind >= {rule}"'))
    before = _snapshot(project / "processed")
    err = _command(capsys, "bereken", "--raw", str(project / "raw"), "--processed",
                   str(project / "processed"), "--kader", str(kader))
    assert err.startswith("beoordelingskader kader.toml") and expected in err
    assert _snapshot(project / "processed") == before


def test_letters_settings_of_the_wrong_shape_stop_the_ingest_exit_2(project, capsys):
    # read on ingest: the letters are written from what it stored, never from the raw folder
    _write(project / "raw" / "brieven" / "brieven.toml", 'afzender = "Drenthe"\n')
    before = _snapshot(project / "processed")
    err = _command(capsys, "ingest", "--raw", str(project / "raw"), "--processed",
                   str(project / "processed"))
    assert "brieven/brieven.toml: afzender is tekst; verwacht een tabel [afzender]" in err
    assert _snapshot(project / "processed") == before
    assert not (project / "reports").exists()


def test_ingest_with_a_broken_spec_exits_2(tmp_path, capsys, monkeypatch):
    specs = _write(tmp_path / "specs" / "indeling.toml", SPEC.replace('type = "gemeente"',
                                                                      "type = 5")).parent
    monkeypatch.setattr(mirror, "load_specs", lambda: load_specs(specs))
    err = _command(capsys, "ingest", "--raw", str(RAW_DIR), "--processed",
                   str(tmp_path / "processed"))
    assert "specificatie indeling.toml, kolommen.gemeente_code: type 5 bestaat niet" in err
    assert not (tmp_path / "processed").exists()


# ---------------------------------------------------------------- hostile rules


def _with_rule(rule: str, negation: str | None = None) -> str:
    """The kader with ``rule`` for 'goed' and its negation for 'slecht'."""
    return KADER.replace('regel = "stand_eind >= 0"', f'regel = "{rule}"').replace(
        'regel = "stand_eind < 0"', f'regel = "{negation or f"not ({rule})"}"')


@pytest.mark.parametrize(("rule", "expected"), [
    ("stand_eind >= 1/0", "deelt door 0"),
    ("stand_eind / 0.0 > 1", "deelt door 0"),
    ("stand_eind < 'a'", "vergelijkt tekst met een getal"),
    ("ontwikkeling == 'a'", "ontwikkeling 'a' in regel 'ontwikkeling == 'a'' bestaat niet"),
    ("ontwikkeling", "is geen voorwaarde"),
    ("'a' == 'a'", "vergelijkt twee teksten"),
    ("stand_eind == None", "'None' in regel 'stand_eind == None' is geen getal"),
    ("stand_eind == ...", "is geen getal"),
    ("stand_eind >= 1j", "'1j' in regel"),
    ("stand_eind >= 10 ** 9", "'10 ** 9' is niet toegestaan"),
    ("stand_eind % 2 == 0", "'stand_eind % 2' is niet toegestaan"),
    ("stand_eind >= 0 is True", "'stand_eind >= 0 is True' is niet toegestaan"),
    ("stand_eind >= 99999999999999999999999", "is geen getal van hoogstens 1e+12"),
    ("stand_eind >= 1e999", "is geen getal van hoogstens"),
    ("stand_eind >= 0 or " * 150 + "stand_eind >= 0", "de regel is 2865 tekens lang; hoogstens "
                                                       "2000"),
    ("(" * 10_000 + "stand_eind" + ")" * 10_000 + " >= 0", "hoogstens 2000"),
    ("(" * 300 + "stand_eind" + ")" * 300 + " >= 0", "is niet leesbaar"),
    ("not " * 400 + "stand_eind >= 0", "te diep genest"),
    ("-" * 1500 + "stand_eind >= 0", "te diep genest"),
    ("stand_eind >= 0 " + "+ 1 " * 60, "te diep genest"),
    ("stand_eind.real >= 0", "is niet toegestaan"),
    ("__import__('os').system('true')", "is niet toegestaan"),
    ("[x for x in ()]", "is niet toegestaan"),
    ("stand_eind >= 0 if 1 else 0", "is niet toegestaan"),
    ("stand_eind >= 0\\u0000", "niet leesbaar"),
    ("stand_eind >= 0 or " + " or ".join(f"realisatie == {i}" for i in range(1, 60)),
     "te veel verschillende getallen"),
])
def test_a_hostile_rule_is_refused_naming_the_rating(tmp_path, rule, expected):
    with pytest.raises(KaderError) as caught:
        _kader(tmp_path, _with_rule(rule, "stand_eind < 0"))
    assert str(caught.value).startswith("beoordelingskader kader.toml, oordeel 'goed': ") or (
        "te veel verschillende getallen" in expected)
    assert expected in str(caught.value)


def test_a_rule_of_10_mb_is_refused_as_too_large_a_file(tmp_path):
    with pytest.raises(KaderError, match=r"kader\.toml: bestand is groter dan 1 MB"):
        _kader(tmp_path, _with_rule("stand_eind >= 0 or " * 600_000 + "stand_eind >= 0"))


@pytest.mark.parametrize(("rule", "expected"), [
    ("oordeel < 'goed'", "ordent tekst"),
    ("oordeel == 1", "vergelijkt tekst met een getal"),
    ("oordeel == stand_eind", "vergelijkt tekst met een getal"),
    ("oordeel", "is geen voorwaarde"),
    ("'goed'", "is geen voorwaarde"),
    ("oordeel + 1 > 0", "rekent met tekst"),
    ("not oordeel", "rekent met tekst of gebruikt tekst als voorwaarde"),
    ("oordeel == 'goed' and 'slecht'", "gebruikt tekst als voorwaarde"),
    ("oordeel == 'groen'", "oordeel 'groen' in regel"),
    ("oordeel == 'goed' * 3", "rekent met tekst"),
])
def test_a_hostile_ladder_rule_is_refused_naming_the_ladder_rule(tmp_path, rule, expected):
    content = KADER.replace("opschalen = \"oordeel == 'slecht' and gemist_op_rij >= 2\"",
                            f'opschalen = "{rule}"')
    with pytest.raises(KaderError) as caught:
        _kader(tmp_path, content)
    assert str(caught.value).startswith("beoordelingskader kader.toml, ladder.opschalen: ")
    assert expected in str(caught.value)


def test_dividing_by_a_column_that_is_zero_has_a_meaning_and_no_error(tmp_path):
    """realisatie / taakstelling with a taakstelling of 0: 5 / 0 is infinite (so at least 1),
    0 / 0 is unknown, and an unknown number meets no comparison."""
    _kader(tmp_path, _with_rule("realisatie / taakstelling >= 1"))
    kader = load_kader(tmp_path / "kader.toml")
    frame = pd.DataFrame({"realisatie": [5, 0, 10], "taakstelling": [0, 0, 10]})
    with np.errstate(all="raise"):
        assert kader.oordelen[0].regel.evaluate(frame).tolist() == [True, False, True]
        assert kader.oordelen[1].regel.evaluate(frame).tolist() == [False, True, False]


def test_booleans_count_as_numbers(tmp_path):
    _kader(tmp_path, _with_rule("stand_eind - (taakstelling_gehaald - taakstelling_gehaald) >= 0"))


TOKENS = [*RULE_COLUMNS[:12], "oordeel", "onbekend", "0", "1", "-3", "0.5", "1e12", "1e13",
          "10000000000000000000000", "True", "None", "'goed'", "'a'", "+", "-", "*", "/", "//",
          "**", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or", "not", "(", ")", "(", ")",
          ",", ".", "[", "]", "lambda", "if", "else", "__import__", "@", "1j", "...", "\\x00"]


LEAVES = st.sampled_from([*RULE_COLUMNS, "oordeel", "0", "1", "0.5", "-2", "1e12", "True",
                          "'goed'", "'achterstand ontstaan'", "'x'", "None"])
GRAMMAR = st.recursive(LEAVES, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "<", "<=", "==", "!=", ">=", ">",
                                      "and", "or"]), inner).map(" ".join),
    inner.map(lambda e: f"not {e}"), inner.map(lambda e: f"-{e}"),
    inner.map(lambda e: f"({e})")), max_leaves=12)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join),
                 GRAMMAR))
def test_any_rule_gives_a_kader_or_a_kader_error(tmp_path, rule):
    for old in ('regel = "stand_eind >= 0"', "afschalen = \"oordeel == 'goed'\""):
        content = _with_rule(rule) if old.startswith("regel") else KADER.replace(
            old, f'afschalen = "{rule}"')
        try:
            _kader(tmp_path, content)
        except KaderError as error:
            assert str(error).startswith("beoordelingskader kader.toml")


# ---------------------------------------------------------------- hostile templates


def _template(folder: Path, extra: str, paragraph: int = 9) -> Path:
    """The default template with ``extra`` added to one paragraph (alinea ``paragraph + 1``)."""
    document = Document(io.BytesIO(default_template()))
    alinea(document, paragraph + 1).add_run(extra)
    path = folder / "brief-resultaten.docx"
    document.save(path)
    return path


class Rendered(Exception):
    """A template was compiled or filled where the static check should have refused it."""


@pytest.fixture
def unrendered(monkeypatch):
    """The calls made to compile (Jinja2) or fill (docxtpl) a template, each stopped: a refusal
    by the static check (check_template, which only parses) leaves this empty."""
    calls: list[str] = []

    def spy(what: str):
        def stop(*_args, **_kwargs):
            calls.append(what)
            raise Rendered(what)
        return stop

    monkeypatch.setattr(jinja2.Environment, "compile", spy("compile"))
    monkeypatch.setattr(DocxTemplate, "render", spy("render"))
    return calls


def _template_refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        sjabloon.read_template(path)
    message = caught.value.report()
    assert "brief-resultaten.docx" in message and "Traceback" not in message
    return message


@pytest.mark.parametrize(("extra", "expected"), [
    ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     "alinea 10: een lus ({% for %}) kan niet in een briefsjabloon"),
    ("{% for i in gemeente %}{{ gemeente }}{% endfor %}", "alinea 10: een lus"),
    ("{{ ''.__class__.__mro__ }}", "alinea 10: '.__mro__' kan niet"),
    ("{{ self._TemplateReference__context }}", "alinea 10: '._TemplateReference__context'"),
    ("{{ 'x' * 10**9 }}", "alinea 10: rekenen met '*' kan niet"),
    ("{{ gemeente + gemeente }}", "alinea 10: rekenen met '+'"),
    ("{{ -1 }}", "alinea 10: rekenen met '-'"),
    ("{{ range(10) }}", "alinea 10: een functieaanroep"),
    ("{{ lipsum(100000) }}", "alinea 10: een functieaanroep"),
    ("{{ gemeente.upper() }}", "alinea 10: een functieaanroep"),
    ("{{ gemeente[0] }}", "alinea 10: '[...]'"),
    ("{{ gemeente|replace('a', 'b') }}", "alinea 10: het filter |replace"),
    ("{{ gemeente|center(1000000000) }}", "alinea 10: het filter |center"),
    ("{{ gemeente|attr('__class__') }}", "alinea 10: het filter |attr"),
    ("{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}", "alinea 10: 'macro'"),
    ("{% set x = gemeente %}", "alinea 10: 'set'"),
    ("{% include 'brief.docx' %}", "alinea 10: 'include'"),
    ("{% extends 'x' %}", "alinea 10: 'extends'"),
    ("{% filter upper %}x{% endfilter %}", "alinea 10: 'filter'"),
    ("{% with x = 1 %}{% endwith %}", "alinea 10: 'with'"),
    ("{% if gemeente is defined %}x{% endif %}", "alinea 10: 'is'"),
    ("{% if gemeente < 'x' %}x{% endif %}", "alinea 10: een vergelijking als < of >"),
    ("{{ " + "(" * 10_000 + "gemeente" + ")" * 10_000 + " }}", "alinea 10: een plaatshouder is "
                                                             "te lang of te diep genest"),
    ("{{ " + "not " * 5_000 + "gemeente }}", "alinea 10: een plaatshouder is te lang of te diep"),
    ("{{ " + "not " * 60 + "gemeente }}", "te diep genest (meer dan 50"),
    ("{{ 9" + "9" * 5_000 + " }}", "alinea 10: een plaatshouder is te lang"),
    ("{{ cycler }}", "onbekende plaatshouder(s) {{ cycler }} (alinea 10)"),
    ("{{ self }}", "onbekende plaatshouder(s) {{ self }} (alinea 10)"),
    ("{{ gemeente ", "alinea 10: een plaatshouder is niet goed geschreven"),
])
def test_a_hostile_template_is_refused_unfilled_naming_file_and_paragraph(tmp_path, unrendered,
                                                                           extra, expected):
    message = _template_refusal(_template(tmp_path, extra))
    assert expected in message, message
    assert unrendered == []  # refused by reading it, never compiled or filled


def test_a_template_may_use_if_comparisons_and_case_filters(tmp_path):
    sjabloon.read_template(_template(
        tmp_path, "{% if gemeente == 'Assen' and not kenmerk %}{{ gemeente|upper }}{% elif "
                  "gemeente in ['Emmen', 'Meppel'] %}{{ gemeente ~ ',' }}{% else %}x{% endif %}"))


def test_a_placeholder_in_the_document_properties_is_checked_too(tmp_path):
    document = Document(io.BytesIO(default_template()))
    document.core_properties.title = "{{ ''.__class__.__mro__ }}"
    path = tmp_path / "brief-resultaten.docx"
    document.save(path)
    assert "'.__mro__' kan niet in een briefsjabloon" in _template_refusal(path)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _corrupt_body() -> bytes:
    with zipfile.ZipFile(io.BytesIO(default_template())) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["word/document.xml"] = b"<w:document><w:body><w:p>"
    return _zip(entries)


@pytest.mark.parametrize("content", [
    b"", b"Geachte college,", b"PK\x03\x04 kapot", default_template()[:2000],
    _zip({"iets.txt": b"x"}),
    _zip({"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
          b'openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.'
          b'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
          b'sheet.main+xml"/></Types>', "xl/workbook.xml": b"<workbook/>"}),
    _corrupt_body(),
], ids=["empty", "text", "broken zip", "truncated", "zip without Word", "Excel", "bad XML"])
def test_a_file_that_is_no_word_document_is_refused(tmp_path, content):
    path = _write(tmp_path / "brief-resultaten.docx", content)
    assert "geen Word-document (.docx)" in _template_refusal(path)


def test_a_template_that_unpacks_to_too_much_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sjabloon, "MAX_UNPACKED_BYTES", 1_000_000)
    content = _zip({"word/document.xml": b"\0" * 2_000_000})
    message = _template_refusal(_write(tmp_path / "brief-resultaten.docx", content))
    assert "het sjabloon pakt uit tot 2 MB; een briefsjabloon is hoogstens 1 MB" in message


def test_settings_naming_a_template_that_is_no_word_document(tmp_path):
    _write(tmp_path / "brieven" / "gesprek.docx", b"geen zip")
    _write(tmp_path / "brieven" / "brieven.toml", SETTINGS.replace(
        "[alineas]", '[sjablonen]\ngesprek = "gesprek.docx"\n\n[alineas]'))
    from analysis.report.brieven.write import load_brief_settings

    with pytest.raises(InputError) as caught:
        load_brief_settings(Briefinstellingen.read(tmp_path))
    assert "- gesprek.docx: geen Word-document (.docx)" in caught.value.report()


VALUES = dict.fromkeys(sjabloon.PLACEHOLDERS, "waarde")
# What filling the default letter may allocate in Python objects (it takes about 2 MiB); the
# hostile expressions below would build a string of 1 GB.
FILLING = 64 * 1024**2


def _unchecked(tmp_path, extra: str) -> Sjabloon:
    return Sjabloon("brief-resultaten.docx", _template(tmp_path, extra).read_bytes())


@pytest.mark.parametrize(("extra", "expected"), [
    ("{{ ''.__class__.__mro__ }}", "het sjabloon vraagt iets wat een briefsjabloon niet mag"),
    ("{{ 'x' * 10**9 }}", "rekenen met '**' kan niet in een briefsjabloon"),
    ("{{ range(10) }}", "'range' is undefined"),
    ("{{ gemeente|center(1000000000) }}", "No filter named 'center'"),
])
def test_filling_an_unchecked_template_is_still_bounded(tmp_path, extra, expected):
    template = _unchecked(tmp_path, extra)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            fill(template, VALUES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < FILLING  # refused before the expression is evaluated
    assert caught.value.problems[0].bestand == "brief-resultaten.docx"
    assert expected in caught.value.problems[0].melding


def test_a_letter_too_large_stops_naming_the_paragraph(tmp_path, monkeypatch):
    monkeypatch.setattr(sjabloon, "MAX_RENDERED", 100_000)
    template = _unchecked(tmp_path, "{{ beoordeling }}" * 20_000)
    check_template(template.inhoud, template.naam)  # allowed, but it fills to too much
    with pytest.raises(InputError) as caught:
        fill(template, VALUES)
    assert str(caught.value.problems[0]) == (
        "brief-resultaten.docx: alinea 10: de brief wordt te groot (meer dan 100.000 tekens); "
        "gebruik minder of kortere plaatshouders")


def test_filling_that_takes_too_long_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(sjabloon, "MAX_SECONDS", 0.0)
    with pytest.raises(InputError) as caught:
        fill(_unchecked(tmp_path, ""), VALUES)
    assert "de opmaak duurt te lang (meer dan 0 s)" in str(caught.value.problems[0])


def test_the_cli_refuses_a_looping_template_before_filling_a_letter(project, capsys,
                                                                    unrendered):
    path = _template(project, "{% for i in range(100000) %}{% for j in range(100000) %}x"
                              "{% endfor %}{% endfor %}")
    err = _command(capsys, "brieven", "--raw", str(project / "raw"), "--processed",
                   str(project / "processed"), "--reports", str(project / "reports"),
                   "--periode", "2024-H1", "--sjabloon", str(path))
    assert unrendered == []  # no letter compiled or filled, not even in part
    assert "brief-resultaten.docx: alinea 10: een lus" in err
    assert not (project / "reports").exists()


def test_the_reader_names_the_kind_of_a_value():
    assert [tomlfile.soort(v) for v in ("a", True, 1, 1.5, [], {})] == [
        "tekst", "true of false", "een geheel getal", "een getal", "een lijst [...]",
        "een tabel [...]"]


@pytest.mark.parametrize(("text", "expected"), [
    ("a = 1\na = 2\n", "op regel 2, kolom 6: deze sleutel heeft al een waarde"),
    ("[[a]]\n[a]\n", "op regel 2, kolom 3: 'a' staat er twee keer"),
    ("a = x\n", "op regel 1, kolom 5: ongeldige waarde (tekst hoort tussen aanhalingstekens)"),
    ("a = \"x\n", "op regel 1, kolom 7: ongeldig teken '\\n'"),
    ("a = 1 b\n", "op regel 1, kolom 7: verwacht een nieuwe regel na de waarde"),
    ("[a\n", "op regel 1, kolom 3: verwacht ']' aan het eind van de tabelkop"),
])
def test_toml_errors_are_told_in_dutch(tmp_path, text, expected):
    from analysis.tomlfile import TomlFileError, read_toml

    path = tmp_path / "instellingen.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TomlFileError) as caught:
        read_toml(path)
    assert str(caught.value) == f"geen geldige TOML {expected}"
