"""The letters: De Wolden's text from the default template, every municipality, escaping,
the template check, the settings check and the PDF note. The letterhead, the footers and the
late-date note are in test_briefpapier.py."""

import json
import re
import shutil

import pandas as pd
import pytest
from docx import Document

from analysis.cli import main
from analysis.compute import berekening
from analysis.config import RAW_DIR
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.report.brieven.parts import paragraph_texts
from analysis.report.brieven.pdf import to_pdf
from analysis.report.brieven.template import PLACEHOLDERS, default_template
from analysis.report.brieven.write import (
    ladder_gevolg,
    load_brief_settings,
    write_brieven,
)
from tests.conftest import alinea, ingest_letters, ingest_register
from tests.seed_letter import DE_WOLDEN_LINES


@pytest.fixture(scope="module")
def letters(computed_op_briefdatum, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    code = main(["brieven", "--raw", str(RAW_DIR), "--processed", str(computed_op_briefdatum),
                 "--reports", str(reports), "--periode", "2024-H1", "--datum", "2024-11-19"])
    assert code == 0
    return reports / "2024-H1" / "brieven"


def paragraphs(path):
    return [p.text for p in Document(path).paragraphs]


def address(path):
    """The address field of a letter: the letterhead table's left cell, second row."""
    return Document(path).tables[0].cell(1, 0).text


def test_de_wolden_letter_has_the_seed_block_address_and_references(letters):
    text = paragraphs(letters / "Brief 2024-H1 De Wolden.docx")
    start = text.index("Resultaten gemeente De Wolden") + 1
    assert text[start:start + 6] == DE_WOLDEN_LINES
    assert address(letters / "Brief 2024-H1 De Wolden.docx") == (
        "het college van Burgemeester en\nWethouders De Wolden\nPostbus 20\n7920 AA ZUIDWOLDE")
    assert "Assen, 19 november 2024" in text
    assert "Ons kenmerk 47/4.1/2024001652" in text  # the whole paragraph: no uw kenmerk
    assert "Behandeld door A. Voorbeeld, (0592) 00 00 00 (voorbeeld)" in text  # no enclosures
    assert "Onderwerp: Toezicht huisvesting vergunninghouders eerste helft van 2024" in text
    assert "Het volgende meetpunt is 1 januari 2025." in text
    assessment = next(p for p in text if p.startswith("Volgens de cijfers van het COA"))
    assert assessment.startswith(
        "Volgens de cijfers van het COA per 1 juli 2024 heeft uw gemeente in de eerste helft van "
        "2024 23 vergunninghouders gehuisvest. De taakstelling was 26; met de achterstand van 10 "
        "aan het begin van het halfjaar was de opgave 36. Dat is 88 % van de taakstelling en "
        "64 % van de opgave. Daarmee heeft uw gemeente de taakstelling niet gehaald; er is een "
        "achterstand van 13. In het beoordelingskader dat de provincie voor dit toezicht "
        "gebruikt, valt dat in de categorie 'Taakstelling niet gehaald, achterstand'. Voor het "
        "toezicht betekent dit dat wij de ontwikkeling van de achterstand nauwgezet volgen. Wij "
        "hebben besloten tot verschoning: eenmalig anders")
    # the sample records no rung, so none is stated; the kader's advice never is
    assert "Uw gemeente staat" not in assessment and "dvies" not in assessment
    assert "Vanaf januari 2025 vinden de bestuurlijke IBT-gesprekken weer plaats." in text
    assert text[-1].endswith("A. Voorbeeld (voorbeeld), plv. voorzitter\n\n\n"
                             "B. Voorbeeld (voorbeeld), secretaris")


def test_every_letter_has_its_own_kenmerk(letters):
    kenmerken = [next(p for p in paragraphs(path) if p.startswith("Ons kenmerk"))
                 for path in sorted(letters.glob("*.docx"))]
    assert len(set(kenmerken)) == 12
    assert kenmerken[0] == "Ons kenmerk VOORBEELD/2024-H1/001"  # Aa en Hunze, first by name


def test_one_filled_letter_per_municipality(letters):
    made = sorted(letters.glob("*.docx"))
    assert len(made) == 12
    for path in made:
        body = "\n".join(paragraphs(path))
        assert "{{" not in body and "{%" not in body, path.name
        assert f"Resultaten gemeente {path.stem.removeprefix('Brief 2024-H1 ')}" in body


def test_example_addresses_are_marked(letters):
    text = address(letters / "Brief 2024-H1 Assen.docx")
    assert "Voorbeeldadres 1" in text and "0000 XX" in text


@pytest.mark.parametrize("trede, nummer, reden, verschoond, expected", [
    ("bestuurlijk gesprek", 2, None, False,
     "Uw gemeente staat op de trede 'bestuurlijk gesprek' van de interventieladder (besluit "
     "van 1 maart 2024, kenmerk K)."),
    ("geen", 0, None, False,
     "Uw gemeente staat niet op de interventieladder (besluit van 1 maart 2024, kenmerk K)."),
    ("", -1, None, False, ""),
    ("", -1, "omdat", True, "Wij hebben besloten tot verschoning: omdat."),
    ("", -1, "omdat", False, "Wij hebben besloten tot verschoning van 4 personen van de "
                             "achterstand: omdat."),
])
def test_the_letter_states_recorded_decisions_only(trede, nummer, reden, verschoond, expected):
    row = {"trede_op_datum": trede, "trede_op_datum_nummer": nummer,
           "trede_op_datum_besluit": "besluit van 1 maart 2024, kenmerk K",
           "verschoond": verschoond,
           "verschoond_personen": 4, "kenmerk": None, "verschoning_reden": reden}
    assert ladder_gevolg(pd.Series(row)) == expected


def test_values_are_escaped_and_missing_settings_noted(computed_op_briefdatum, tmp_path,
                                                       without_pdfs):
    raw = tmp_path / "raw"
    (raw / "brieven").mkdir(parents=True)
    (raw / "brieven" / "brieven.toml").write_text(
        '[afzender]\nprovincie = "Drenthe"\nplaats = "Assen"\n'
        'behandeld_door = "R. & D. <afdeling>"\n\n'
        '[[geadresseerde]]\ngemeente = "De Wolden"\nregels = ["Postbus 20 & 21"]\n',
        encoding="utf-8")
    adressering, templates = load_brief_settings(Briefinstellingen.read(raw))
    made = write_brieven(tmp_path / "out", berekening.load(computed_op_briefdatum), "2024-H1",
                         ["GM1690", "GM0106"], adressering, templates)
    text = paragraphs(tmp_path / "out" / "Brief 2024-H1 De Wolden.docx")
    assert "Behandeld door R. & D. <afdeling>" in text
    assert address(tmp_path / "out" / "Brief 2024-H1 De Wolden.docx") == "Postbus 20 & 21"
    notes = " ".join(made.opmerkingen)
    assert "geen adres in brieven.toml voor: Assen" in notes
    assert "geen kenmerk voor 2024-H1" in notes
    assert "Ons kenmerk (nog toe te kennen)" in paragraphs(made.bestanden[0])


def edited_template(tmp_path, extra):
    source = tmp_path / "sjabloon.docx"
    source.write_bytes(default_template())
    document = Document(source)
    alinea(document, 10).add_run(extra)
    document.save(source)
    return source


@pytest.mark.parametrize("extra, expected", [
    (" Zie {{ wethouder }}.", "onbekende plaatshouder(s) {{ wethouder }} (alinea 10); "
                              "bekende plaatshouders: aantal, afzender_adres, afzender_naam, "
                              "afzender_regels, afzender_voetregel, alineas, behandeld_door"),
    (" Zie {{ gemeente ", "alinea 10: een plaatshouder is niet goed geschreven"),
])
def test_a_bad_template_is_refused_with_a_clear_message(computed, tmp_path, capsys, extra,
                                                        expected):
    source = edited_template(tmp_path, extra)
    code = main(["brieven", "--raw", str(RAW_DIR), "--processed", str(computed), "--reports",
                 str(tmp_path / "reports"), "--periode", "2024-H1", "--sjabloon", str(source)])
    assert code == 2
    err = capsys.readouterr().err
    assert "sjabloon.docx" in err and expected in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()


def test_the_default_template_uses_every_placeholder_but_the_spare_ones(tmp_path):
    text = "\n".join(paragraph_texts(Document(edited_template(tmp_path, ""))))  # and footers
    used = set(re.findall(r"\{\{ (\w+) \}\}", text))
    decision = {"besluit_datum", "besluit_kenmerk", "termijn", "aantal", "besluit_resultaten",
                "zienswijze_termijn"}  # in the letters of the other kinds
    revision = {"vorige_datum", "vorig_kenmerk", "wijzigingen"}  # in a herziene brief
    sender = {"afzender_adres", "website", "telefoon"}  # in afzender_regels and the footer
    assert used == (PLACEHOLDERS.keys() - {"periode", "peildatum", "oordeel"} - decision
                    - revision - sender)


def test_the_herziene_brief_uses_the_revision_placeholders_and_the_whole_block(tmp_path):
    path = tmp_path / "herzien.docx"
    assert main(["brieven", "--sjabloon-opslaan", str(path), "--soort", "herzien"]) == 0
    text = "\n".join(p.text for p in Document(path).paragraphs)
    for name in ("vorige_datum", "vorig_kenmerk", "wijzigingen", "resultaten", "conclusie",
                 "beoordeling", "ladder_gevolg"):
        assert f"{{{{ {name} }}}}" in text
    assert "Onderwerp: Toezicht huisvesting vergunninghouders {{ periode_voluit }}: herziene " \
           "brief" in text


def settings_report(tmp_path, text: str) -> str:
    """The report that loading these letter settings gives."""
    (tmp_path / "brieven").mkdir()
    (tmp_path / "brieven" / "brieven.toml").write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as caught:
        Briefinstellingen.read(tmp_path)
    return caught.value.report()


def test_bad_settings_name_the_file_and_entry(tmp_path):
    report = settings_report(
        tmp_path, '[afzender]\nprovincie = "Drenthe"\n\n[kenmerken]\n"2024-H3" = "x"\n\n'
        '[[geadresseerde]]\ngemeente = "Nergenshuizen"\nregels = ["a"]\n')
    assert "brieven/brieven.toml: [afzender]: verplichte sleutel 'plaats' ontbreekt" in report
    assert "[kenmerken]" in report
    assert "geadresseerde 1: onbekende gemeente 'Nergenshuizen'" in report


def test_kenmerken_signatories_and_paragraphs_are_checked(tmp_path):
    report = settings_report(
        tmp_path, '[afzender]\nprovincie = "Drenthe"\nplaats = "Assen"\nbehandeld_door = "x"\n\n'
        '[kenmerken]\n"2024-H1" = "47/4.1/2024001652"\n'
        '[kenmerken."2024-H2"]\nschema = "47/{jaar}"\n\n'
        '[alineas]\n"2024-H1" = "geen lijst"\n\n'
        '[[ondertekenaar]]\nfunctie = "secretaris"\n')
    assert "[kenmerken] 2024-H1: verwacht per gemeente een kenmerk" in report
    assert "één kenmerk voor alle brieven kan niet" in report
    assert "[kenmerken] 2024-H2: schema moet {nummer} bevatten" in report
    assert "[alineas] 2024-H1: verwacht een lijst van alinea's als tekst" in report
    assert "ondertekenaar 1: geef naam en functie als tekst" in report


def test_without_libreoffice_the_pdf_is_a_note(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    document = tmp_path / "brief.docx"
    document.write_bytes(default_template())
    made, note = to_pdf([document], tmp_path)
    assert made == [] and "LibreOffice (soffice) is op deze computer niet gevonden" in note


def test_a_failing_libreoffice_is_a_note(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake))
    document = tmp_path / "brief.docx"
    document.write_bytes(default_template())
    made, note = to_pdf([document], tmp_path)
    assert made == [] and note.startswith("geen PDF gemaakt: LibreOffice gaf een fout")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice niet geïnstalleerd")
def test_with_libreoffice_each_letter_gets_a_pdf(letters):
    assert len(list(letters.glob("*.pdf"))) == 12


def test_an_edited_template_named_in_the_settings_is_used(computed, tmp_path, capsys,
                                                          without_pdfs):
    raw = tmp_path / "raw"
    (raw / "brieven").mkdir(parents=True)
    assert main(["brieven", "--sjabloon-opslaan", str(raw / "brieven" / "eigen.docx")]) == 0
    document = Document(raw / "brieven" / "eigen.docx")
    document.paragraphs[9].text = "Eigen tekst voor gemeente {{ gemeente }}."
    document.save(raw / "brieven" / "eigen.docx")
    settings = (RAW_DIR / "brieven" / "brieven.toml").read_text(encoding="utf-8")
    (raw / "brieven" / "brieven.toml").write_text(
        settings.replace('# sjabloon = "toezichtsbrief.docx"', 'sjabloon = "eigen.docx"'),
        encoding="utf-8")
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    ingest_letters(raw, processed)
    code = main(["brieven", "--raw", str(raw), "--processed", str(processed), "--reports",
                 str(tmp_path / "reports"), "--periode", "2024-H1"])
    assert code == 0
    letter = tmp_path / "reports" / "2024-H1" / "brieven" / "Brief 2024-H1 Meppel.docx"
    assert "Eigen tekst voor gemeente Meppel." in paragraphs(letter)


def test_the_run_refuses_a_bad_template_before_it_starts(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    edited_template(raw / "brieven", " {{ wethouder }}")
    settings = raw / "brieven" / "brieven.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        '# sjabloon = "toezichtsbrief.docx"', 'sjabloon = "sjabloon.docx"'), encoding="utf-8")
    code = main(["run", "--raw", str(raw), "--processed", str(tmp_path / "processed"),
                 "--reports", str(tmp_path / "reports")])
    assert code == 2
    assert "onbekende plaatshouder(s) {{ wethouder }}" in capsys.readouterr().err
    assert not (tmp_path / "processed").exists() and not (tmp_path / "reports").exists()


@pytest.mark.parametrize(("datum", "line"), [
    ("2025-02-15", "Taakstelling 1e helft 2025: 25 (+achterstand 11) =36"),
    ("2025-04-01", "Taakstelling 1e helft 2025: 21 (+achterstand 11) =32 (herzien op 14 maart "
                   "2025; eerder 25)"),
])
def test_the_next_taakstelling_is_the_version_known_on_the_letters_date(computed, tmp_path,
                                                                         datum, line,
                                                                         without_pdfs):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    assert main(["bereken", "--processed", str(processed), "--datum", datum]) == 0
    code = main(["brieven", "--raw", str(RAW_DIR), "--processed", str(processed), "--reports",
                 str(tmp_path / "reports"), "--periode", "2024-H2", "--datum", datum])
    assert code == 0
    text = paragraphs(tmp_path / "reports" / "2024-H2" / "brieven" /
                      "Brief 2024-H2 De Wolden.docx")
    assert "Stand op 1 januari 2025: -11" in text and line in text


def test_a_letter_dated_before_its_peildatum_is_refused(computed, tmp_path, capsys):
    code = main(["brieven", "--raw", str(RAW_DIR), "--processed", str(computed), "--reports",
                 str(tmp_path), "--periode", "2024-H2", "--datum", "2024-12-01"])
    assert code == 2 and not any(tmp_path.iterdir())
    assert capsys.readouterr().err.startswith(
        "--datum: een brief over 2024-H2 kan niet gedateerd zijn vóór de peildatum 1 januari 2025")


def test_without_assessment_the_user_is_told_to_compute(computed, tmp_path, capsys):
    ingested_only = tmp_path / "processed"
    shutil.copytree(computed, ingested_only)
    (ingested_only / "manifest.json").unlink()
    code = main(["brieven", "--processed", str(ingested_only), "--reports", str(tmp_path / "r")])
    assert code == 2
    assert "voer eerst 'python -m analysis bereken' uit" in capsys.readouterr().err


DECISIONS = '''
[[besluit]]
soort = "plan_van_aanpak"
gemeente = "Assen"
status = "gevraagd"
termijn = 2025-01-31
datum = 2024-11-05
kenmerk = "PVA-1"
reden = "achterstand op 1 juli 2024"

[[besluit]]
soort = "voornemen_indeplaatsstelling"
gemeente = "Emmen"
aantal = 39
resultaten = "de achterstand van 1 juli 2024 ingelopen"
termijn = 2025-07-01
zienswijze_termijn = 2024-12-20
datum = 2024-11-12
kenmerk = "VIP-1"
reden = "achterstand"

[[besluit]]
soort = "plan_van_aanpak"
gemeente = "Meppel"
status = "gevraagd"
termijn = 2025-01-31
datum = 2024-12-01
reden = "na de datum van de brief: telt nog niet"
'''


def with_decisions(computed, tmp_path, datum: str):
    """The sample with DECISIONS added to its register, computed as known on ``datum``."""
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(RAW_DIR, raw)
    shutil.copytree(computed, processed)
    register = raw / "besluiten" / "toezichtsbesluiten.toml"
    register.write_text(register.read_text(encoding="utf-8") + DECISIONS, encoding="utf-8")
    ingest_register(raw, processed)
    assert main(["bereken", "--raw", str(raw), "--processed", str(processed), "--datum",
                 datum]) == 0
    return raw, processed


def test_the_kind_of_letter_follows_the_recorded_decisions(computed, tmp_path, capsys,
                                                           without_pdfs):
    """On 15 November 2024, before the verschoning of the 19th: a request for a plan van aanpak
    to Assen, a voornemen to Emmen, and not yet the request to Meppel of 1 December."""
    raw, processed = with_decisions(computed, tmp_path, "2024-11-15")
    reports = tmp_path / "reports"
    capsys.readouterr()
    assert main(["brieven", "--raw", str(raw), "--processed", str(processed), "--reports",
                 str(reports), "--periode", "2024-H1", "--datum", "2024-11-15"]) == 0
    assert "12 .docx (1 gesprek, 10 resultaten, 1 voornemen)" in capsys.readouterr().out
    folder = reports / "2024-H1" / "brieven"
    assen = "\n".join(paragraphs(folder / "Brief 2024-H1 Assen.docx"))
    assert ("Onderwerp: Toezicht huisvesting vergunninghouders eerste helft van 2024: verzoek om "
            "een plan van aanpak en uitnodiging voor een bestuurlijk gesprek") in assen
    assert ("Wij hebben op 5 november 2024 besloten u te vragen om een plan van aanpak (kenmerk "
            "PVA-1). Wij ontvangen dat plan graag uiterlijk 31 januari 2025.") in assen
    emmen = "\n".join(paragraphs(folder / "Brief 2024-H1 Emmen.docx"))
    assert ("tenzij uw gemeente uiterlijk 1 juli 2025 ten minste 39 vergunninghouders huisvest: "
            "de achterstand van 1 juli 2024 ingelopen.") in emmen
    assert "U kunt tot en met 20 december 2024 uw zienswijze" in emmen
    assert "artikel 124, vierde lid, van de Gemeentewet" in emmen
    meppel = "\n".join(paragraphs(folder / "Brief 2024-H1 Meppel.docx"))
    assert "plan van aanpak" not in meppel  # decided after the letter's date
    for path in folder.glob("*.docx"):
        body = "\n".join(paragraphs(path))
        assert "{{" not in body and "{%" not in body, path.name
        assert "Resultaten gemeente" in body


def test_each_kind_has_an_editable_default_template(tmp_path, capsys):
    path = tmp_path / "voornemen.docx"
    assert main(["brieven", "--sjabloon-opslaan", str(path), "--soort", "voornemen"]) == 0
    text = "\n".join(paragraphs(path))
    assert "Voornemen tot indeplaatsstelling" in text and "{{ zienswijze_termijn }}" in text


def test_a_letter_the_verschoning_contradicts_is_not_written(computed, tmp_path, capsys,
                                                             without_pdfs):
    """On 19 November 2024 the verschoning of that day stops escalation: the voornemen to Emmen
    and the request to Assen would contradict it, so they are not written (exit 1); the other
    letters are."""
    raw, processed = with_decisions(computed, tmp_path, "2024-11-19")
    reports = tmp_path / "reports"
    capsys.readouterr()
    assert main(["brieven", "--raw", str(raw), "--processed", str(processed), "--reports",
                 str(reports), "--periode", "2024-H1", "--datum", "2024-11-19"]) == 1
    out, err = capsys.readouterr()
    assert "10 .docx (10 resultaten)" in out
    assert ("Brief aan Emmen niet geschreven: een voornemen tot indeplaatsstelling spreekt de "
            "verschoning over deze periode tegen") in err
    assert "Brief aan Assen niet geschreven: een verzoek om een plan van aanpak" in err
    assert not (reports / "2024-H1" / "brieven" / "Brief 2024-H1 Emmen.docx").exists()
    record = json.loads((reports / "2024-H1" / "run.json").read_text(encoding="utf-8"))
    assert [item["gemeente"] for item in record["brieven"]["geweigerd"]] == ["Assen", "Emmen"]
