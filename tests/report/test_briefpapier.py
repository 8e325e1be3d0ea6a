"""The letters on letterhead: the sender block and the footer from the settings, the address
where a window envelope shows it, page numbers from the second page, uw kenmerk and the
enclosures only when given, the logo (shown, or refused on reading the settings), and the note
on letters dated long after their period's peildatum."""

import datetime as dt
import json
import shutil

import pytest
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Mm

from analysis.cli import main
from analysis.compute import berekening
from analysis.config import RAW_DIR
from analysis.domain import briefhoofd
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.problems import InputError
from analysis.report.brieven import write
from analysis.report.brieven.write import late_note, load_brief_settings, months_after
from tests.conftest import png

FOOTER = ("Provincie Drenthe · Westerbrink 1, 9405 BJ Assen · Postbus 122, 9400 AC Assen · "
          "www.provincie.drenthe.nl · (0592) 36 55 55")


LOGO = png()
OWN = '''[afzender]
provincie = "Drenthe"
plaats = "Assen"
behandeld_door = "B. Handelaar"
naam = "Provincie Voorbeeld"
adres = ["Voorbeeldweg 1, 0000 XX Voorbeeldstad"]
telefoon = "(000) 00 00 00"
logo = "beeld/logo.png"

[uw_kenmerken."2024-H1"]
GM0106 = "Z/24/0099"

[bijlagen]
"2024 1e halfjaar" = ["Overzicht per gemeente", "Rekenblad"]

[[geadresseerde]]
gemeente = "De Wolden"
regels = ["Postbus 20", "7920 AA ZUIDWOLDE"]
'''


def make_letters(raw, processed, folder):
    """The letters to De Wolden and Assen from the settings in ``raw``, without PDFs."""
    adressering, templates = load_brief_settings(Briefinstellingen.read(raw))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(write, "to_pdf", lambda documents, folder: ([], None))
        write.write_brieven(folder, berekening.load(processed), "2024-H1", ["GM1690", "GM0106"],
                            adressering, templates)
    return folder


@pytest.fixture(scope="module")
def sample(computed_op_briefdatum, tmp_path_factory):
    """The letters of the sample's settings: a letterhead without a logo."""
    return make_letters(RAW_DIR, computed_op_briefdatum, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def own(computed_op_briefdatum, tmp_path_factory):
    """The letters of settings with a logo, enclosures and an uw kenmerk for Assen."""
    raw = tmp_path_factory.mktemp("raw")
    (raw / "brieven" / "beeld").mkdir(parents=True)
    (raw / "brieven" / "brieven.toml").write_text(OWN, encoding="utf-8")
    (raw / "brieven" / "beeld" / "logo.png").write_bytes(LOGO)
    return make_letters(raw, computed_op_briefdatum, tmp_path_factory.mktemp("own"))


def letter(folder, naam="De Wolden"):
    return Document(folder / f"Brief 2024-H1 {naam}.docx")


def body(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_first_page_has_the_sender_block_and_the_footer(sample):
    document = letter(sample)
    assert document.tables[0].cell(0, 1).text == (
        "Provincie Drenthe\nWesterbrink 1, 9405 BJ Assen\nPostbus 122, 9400 AC Assen\n"
        "www.provincie.drenthe.nl\n(0592) 36 55 55")
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.first_page_footer.paragraphs] == [FOOTER]
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    assert section.header.paragraphs[0].text == (
        "Provincie Drenthe · 19 november 2024 · ons kenmerk 47/4.1/2024001652")
    assert section.footer.paragraphs[0].text == FOOTER


def test_own_settings_fill_the_letterhead(own):
    document = letter(own)
    assert document.tables[0].cell(0, 1).text == (  # the logo on the first line, no text
        "\nProvincie Voorbeeld\nVoorbeeldweg 1, 0000 XX Voorbeeldstad\n(000) 00 00 00")
    assert document.sections[0].first_page_footer.paragraphs[0].text == (
        "Provincie Voorbeeld · Voorbeeldweg 1, 0000 XX Voorbeeldstad · (000) 00 00 00")


def _fields(part) -> list[str]:
    return [field.get(qn("w:instr")).split()[0] for field in part._element.iter(qn("w:fldSimple"))]


def test_page_numbers_start_on_the_second_page(sample):
    section = letter(sample).sections[0]
    assert _fields(section.first_page_footer) == [] and _fields(section.first_page_header) == []
    assert "Pagina" not in section.first_page_footer._element.xml
    assert _fields(section.footer) == ["PAGE", "NUMPAGES"]
    numbers = section.footer.paragraphs[1]._p
    assert "".join(numbers.xpath(".//w:t/text()")) == "Pagina 1 van 1"  # until counted


def test_the_address_sits_in_the_window_of_the_envelope(sample):
    document = letter(sample)
    section, table = document.sections[0], document.tables[0]
    indent = int(table._tbl.tblPr.find(qn("w:tblInd")).get(qn("w:w")))  # twips
    left = section.left_margin + indent * 635
    above, field = table.rows
    assert abs(left - Mm(22)) < Mm(0.1)
    assert abs(section.top_margin + above.height - Mm(50)) < Mm(0.1)
    assert abs(field.height - Mm(40)) < Mm(0.1)
    assert above.height_rule == field.height_rule == WD_ROW_HEIGHT_RULE.EXACTLY
    width = int(table._tbl.tblGrid.findall(qn("w:gridCol"))[0].get(qn("w:w"))) * 635
    assert width >= Mm(85)
    assert field.cells[0].text == "het college van Burgemeester en\nWethouders De Wolden\n" \
                                  "Postbus 20\n7920 AA ZUIDWOLDE"


def test_uw_kenmerk_and_enclosures_show_only_when_given(sample, own):
    assert "Ons kenmerk VOORBEELD/2024-H1/001\nUw kenmerk VOORBEELD-2024-0001" in body(
        letter(sample, "Assen"))
    for document in (letter(sample), letter(own)):
        text = "\n".join(body(document))
        assert "Uw kenmerk" not in text and "{" not in text
    assert "Bijlage" not in "\n".join(body(letter(sample)))
    assert "Ons kenmerk (nog toe te kennen)\nUw kenmerk Z/24/0099" in body(letter(own, "Assen"))
    for naam in ("De Wolden", "Assen"):
        assert ("Behandeld door B. Handelaar\nBijlage(n): Overzicht per gemeente; Rekenblad"
                in body(letter(own, naam)))


def test_a_logo_is_shown_in_the_letterhead_when_given(sample, own):
    assert len(letter(sample).inline_shapes) == 0
    shapes = letter(own).inline_shapes
    assert len(shapes) == 1
    assert abs(shapes[0].height - Mm(18)) < Mm(0.1)  # 60 × 20: 54 mm wide, within the block
    blip = shapes[0]._inline.xpath(".//a:blip/@r:embed")[0]
    assert letter(own).part.related_parts[blip].blob == LOGO


def settings_with_logo(tmp_path, name: str, content: bytes | None) -> str:
    """The report that reading settings naming the logo ``name`` gives."""
    (tmp_path / "brieven").mkdir()
    (tmp_path / "brieven" / "brieven.toml").write_text(
        OWN.replace("beeld/logo.png", name), encoding="utf-8")
    if content is not None:
        (tmp_path / "brieven" / name).write_bytes(content)
    with pytest.raises(InputError) as caught:
        Briefinstellingen.read(tmp_path)
    return caught.value.report()


GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("logo.png", None, "[afzender] logo: {raw}/brieven/logo.png bestaat niet"),
    ("logo.png", b"geen afbeelding", "[afzender] logo: logo.png: het bestand is geen leesbare "
                                     "PNG- of JPEG-afbeelding"),
    ("logo.png", GIF, "[afzender] logo: logo.png: het bestand is geen PNG- of JPEG-afbeelding "
                      "(maar image/gif)"),
    ("logo.gif", GIF, "[afzender] logo: logo.gif is geen PNG- of JPEG-bestand"),
    ("logo.png", png(6000, 5000), "[afzender] logo: logo.png: de afbeelding heeft 6000 × 5000 "
                                  "beeldpunten"),
])
def test_a_logo_that_is_missing_or_no_image_is_refused(tmp_path, name, content, expected):
    report = settings_with_logo(tmp_path, name, content)
    assert f"brieven/brieven.toml: {expected.format(raw=tmp_path)}" in report


def test_a_logo_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(briefhoofd, "MAX_LOGO_BYTES", 1000)
    report = settings_with_logo(tmp_path, "logo.png", LOGO + b"\0" * 2500)
    assert "[afzender] logo: logo.png: het logo is 2 kB; een logo is hoogstens 1 kB" in report


def test_the_letterhead_settings_are_checked(tmp_path):
    (tmp_path / "brieven").mkdir()
    (tmp_path / "brieven" / "brieven.toml").write_text(
        '[afzender]\nprovincie = "Drenthe"\nplaats = "Assen"\nbehandeld_door = "x"\n'
        'adres = "Westerbrink 1"\nwebsite = ""\nfax = "1"\n\n'
        '[uw_kenmerken."2024-H1"]\nNergenshuizen = "1"\n\n[bijlagen]\n"2024-H1" = "lijst"\n',
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Briefinstellingen.read(tmp_path)
    report = caught.value.report()
    assert "[afzender]: onbekende sleutel 'fax'" in report
    assert "[afzender]: adres is tekst; verwacht een lijst van adresregels" in report
    assert "[afzender]: website moet tekst zijn van 1 tot 200 tekens (nu leeg)" in report
    assert "[uw_kenmerken] 2024-H1: onbekende gemeente 'Nergenshuizen'" in report
    assert "[bijlagen] 2024-H1: verwacht een lijst van bijlagen als tekst" in report


def test_late_means_more_than_six_months_after_the_peildatum():
    closing = dt.date(2024, 7, 1)
    assert months_after(closing, 6) == dt.date(2025, 1, 1)
    assert months_after(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert late_note("2024-H1", dt.date(2025, 1, 1), closing) is None
    assert late_note("2024-H1", dt.date(2025, 1, 2), closing) == (
        "de brieven over 2024-H1 zijn gedateerd 2 januari 2025, meer dan zes maanden na de "
        "peildatum 1 juli 2024 (na 1 januari 2025); controleer of die datum klopt")


@pytest.mark.parametrize(("periode", "datum", "late"), [
    ("2024-H1", "2025-01-02", True),
    ("2024-H2", "2025-01-02", False),
])
def test_letters_dated_long_after_the_peildatum_are_made_with_a_note(
        computed, tmp_path, capsys, periode, datum, late, without_pdfs):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    assert main(["bereken", "--processed", str(processed), "--datum", datum]) == 0
    capsys.readouterr()
    assert main(["brieven", "--raw", str(RAW_DIR), "--processed", str(processed), "--reports",
                 str(tmp_path / "reports"), "--periode", periode, "--datum", datum]) == 0
    out = capsys.readouterr().out
    note = ("let op: de brieven over 2024-H1 zijn gedateerd 2 januari 2025, meer dan zes "
            "maanden na de peildatum 1 juli 2024")
    assert (note in out) is late and ("meer dan zes maanden" in out) is late
    assert len(list((tmp_path / "reports" / periode / "brieven").glob("*.docx"))) == 12
    record = json.loads((tmp_path / "reports" / periode / "run.json").read_text("utf-8"))
    assert any("meer dan zes maanden" in item for item in record["brieven"]["opmerkingen"]) \
        is late


def test_the_results_block_is_kept_on_one_page(sample):
    styles = letter(sample).styles
    assert styles["Resultaat"].paragraph_format.keep_with_next
    assert styles["Kop"].paragraph_format.keep_with_next
