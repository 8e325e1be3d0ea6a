"""The letter template: the placeholders the tool fills, the default template in the structure of
the province's letter, and the check that refuses a template the tool cannot fill.

A template is a Word document with placeholders such as ``{{ gemeente }}`` (docxtpl, Jinja2
syntax); analysts edit the text around them in Word.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from analysis.problems import InputError, Problem
from analysis.report.brieven.soorten import KINDS

PLACEHOLDERS: dict[str, str] = {
    "geadresseerde": "aanhef en adres van het college, regel voor regel (brieven.toml)",
    "plaats": "plaats van verzending, bijvoorbeeld Assen (brieven.toml)",
    "datum": "datum van de brief, bijvoorbeeld 19 november 2024",
    "kenmerk": "ons kenmerk van deze brief (brieven.toml, [kenmerken])",
    "behandeld_door": "behandelaar en telefoonnummer (brieven.toml)",
    "provincie": "naam van de provincie",
    "gemeente": "naam van de gemeente",
    "periode": "de periode zoals in het resultatenblok: 1e helft 2024",
    "periode_voluit": "de periode voluit: eerste helft van 2024",
    "peildatum": "einde van de periode: 1 juli 2024",
    "resultaten": "de cijferregels van het blok 'Resultaten gemeente', elk als eigen alinea",
    "conclusie": "de conclusiezin: Taakstelling 1e helft 2024 niet gehaald, achterstand "
                 "toegenomen.",
    "oordeel": "het oordeel volgens het beoordelingskader, als label",
    "beoordeling": "het oordeel in zinnen: wat er gehuisvest is, in procenten van de "
                   "taakstelling (en van de totaalopgave als het kader die beoordeelt), en het "
                   "oordeel",
    "alineas": "de vrije alinea's voor de periode (brieven.toml, [alineas])",
    "ondertekening": "naam en functie van elke ondertekenaar (brieven.toml, [[ondertekenaar]])",
    "ladder_gevolg": "een verschoning en de trede op de interventieladder zoals Gedeputeerde "
                     "Staten die vastlegden, elk met het besluit (nooit het advies)",
    "volgend_meetpunt": "datum van het volgende meetpunt: 1 januari 2025",
    "besluit_datum": "datum van het besluit waarover de brief gaat (gesprek, voornemen)",
    "besluit_kenmerk": "kenmerk van dat besluit, of leeg",
    "termijn": "de termijn uit dat besluit: voor het plan van aanpak of de resultaten",
    "aantal": "het aantal te huisvesten vergunninghouders uit het voornemen",
    "besluit_resultaten": "de resultaten die het voornemen vraagt",
    "zienswijze_termijn": "tot wanneer het college een zienswijze kan geven",
}


DEFAULT_NAME = "standaardsjabloon"


def environment() -> SandboxedEnvironment:
    """Jinja2 as the letters use it: values are escaped, and a missing value is an error."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


# The default letter, paragraph by paragraph: (style, text). Written in the project's own words
# in the order of the province's letter: addressee, reference lines, introduction, appreciation,
# consequence for supervision, the municipality's results, conclusion, signature.
DEFAULT_TEXT: list[tuple[str, str]] = [
    ("Adres", "Aan:"),
    ("Adres", "{{ geadresseerde }}"),
    ("Normal", ""),
    ("Adres", "{{ plaats }}, {{ datum }}"),
    ("Adres", "Ons kenmerk {{ kenmerk }}"),
    ("Adres", "Behandeld door {{ behandeld_door }}"),
    ("Adres", "Onderwerp: Toezicht huisvesting vergunninghouders {{ periode_voluit }}"),
    ("Normal", ""),
    ("Normal", "Geacht college,"),
    ("Normal", "Gedeputeerde Staten houden toezicht op de manier waarop gemeenten hun wettelijke "
               "taakstelling voor het huisvesten van vergunninghouders uitvoeren "
               "(interbestuurlijk toezicht, IBT). Met deze brief laten wij u weten hoe de "
               "realisatie van de taakstelling in de {{ periode_voluit }} in uw gemeente is "
               "verlopen, hoe wij dat beoordelen en wat dat betekent voor het toezicht."),
    ("Kop", "Waardering voor uw inzet"),
    ("Normal", "Een thuis vinden voor vergunninghouders vraagt in de huidige woningmarkt veel van "
               "gemeenten en woningcorporaties. Wij waarderen de inzet van uw gemeente hiervoor "
               "en de samenwerking met de provincie."),
    ("Kop", "IBT-gevolg"),
    ("Normal", "{{ beoordeling }} {{ ladder_gevolg }}"),
    ("Normal", "Het volgende meetpunt is {{ volgend_meetpunt }}."),
    ("Normal", "{%p if alineas %}"),
    ("Normal", "{{ alineas }}"),
    ("Normal", "{%p endif %}"),
    ("Kop", "Resultaten gemeente {{ gemeente }}"),
    ("Resultaat", "{{ resultaten }}"),
    ("Normal", "{{ conclusie }}"),
    ("Kop", "Conclusie"),
    ("Normal", "Wij blijven de realisatie van de taakstelling per halfjaar volgen. Hebt u vragen "
               "over deze brief of over de cijfers, neem dan contact op met de behandelaar die "
               "hierboven staat."),
    ("Ondertekening", "Hoogachtend,\n\nGedeputeerde Staten van {{ provincie }},\n\n\n"
                      "{{ ondertekening }}"),
]


# What a letter of another kind says instead of the section "IBT-gevolg" of the results letter.
KIND_TEXT: dict[str, list[tuple[str, str]]] = {
    "gesprek": [
        ("Kop", "Verzoek om een plan van aanpak"),
        ("Normal", "{{ beoordeling }} {{ ladder_gevolg }}"),
        ("Normal", "Wij hebben op {{ besluit_datum }} besloten u te vragen om een plan van "
                   "aanpak{% if besluit_kenmerk %} (kenmerk {{ besluit_kenmerk }}){% endif %}. "
                   "Wij ontvangen dat plan graag uiterlijk {{ termijn }}. Daarin leest u hoe uw "
                   "gemeente de achterstand inloopt en de taakstelling weer haalt."),
        ("Normal", "Wij nodigen u uit voor een bestuurlijk gesprek over dit plan. De behandelaar "
                   "die hierboven staat, neemt contact met u op voor een afspraak."),
        ("Normal", "{%p if alineas %}"),
        ("Normal", "{{ alineas }}"),
        ("Normal", "{%p endif %}"),
    ],
    "voornemen": [
        ("Kop", "Voornemen tot indeplaatsstelling"),
        ("Normal", "{{ beoordeling }} {{ ladder_gevolg }}"),
        ("Normal", "Wij hebben op {{ besluit_datum }} besloten tot het voornemen om met "
                   "toepassing van artikel 124 van de Gemeentewet namens en op kosten van uw "
                   "gemeente in de huisvesting van vergunninghouders te voorzien"
                   "{% if besluit_kenmerk %} (kenmerk {{ besluit_kenmerk }}){% endif %}, tenzij "
                   "uw gemeente uiterlijk {{ termijn }} ten minste {{ aantal }} "
                   "vergunninghouders huisvest: {{ besluit_resultaten }}."),
        ("Normal", "U kunt tot en met {{ zienswijze_termijn }} uw zienswijze op dit voornemen "
                   "aan ons geven. Wij vragen u de gemeenteraad over dit voornemen te "
                   "informeren, zoals artikel 124, vierde lid, van de Gemeentewet voorschrijft."),
        ("Normal", "{%p if alineas %}"),
        ("Normal", "{{ alineas }}"),
        ("Normal", "{%p endif %}"),
    ],
}


def default_text(soort: str = "resultaten") -> list[tuple[str, str]]:
    """The default letter of a kind: the results letter with its section "IBT-gevolg" replaced
    by the kind's own section."""
    if soort == "resultaten":
        return DEFAULT_TEXT
    start = DEFAULT_TEXT.index(("Kop", "IBT-gevolg"))
    end = DEFAULT_TEXT.index(("Kop", "Resultaten gemeente {{ gemeente }}"))
    subject = ("Adres", "Onderwerp: Toezicht huisvesting vergunninghouders {{ periode_voluit }}")
    text = [item if item != subject else ("Adres", f"{subject[1]}: {KINDS[soort]}")
            for item in DEFAULT_TEXT]
    return [*text[:start], *KIND_TEXT[soort], *text[end:]]


def default_template(soort: str = "resultaten") -> bytes:
    """The default template of a kind as a .docx: A4, Arial 10, bold headings kept with their
    text, the address without spacing, the results one line per paragraph, the signature on one
    page."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, after, before, bold in (("Adres", 0, 0, False), ("Resultaat", 2, 0, False),
                                      ("Kop", 4, 10, True), ("Ondertekening", 0, 0, False)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.space_before = Pt(before)
        style.font.bold = bold
    document.styles["Kop"].paragraph_format.keep_with_next = True
    document.styles["Ondertekening"].paragraph_format.keep_together = True
    for style, text in default_text(soort):
        document.add_paragraph(text, style=style)
    properties = document.core_properties
    properties.author = properties.last_modified_by = ""
    properties.comments = ""
    properties.title = "Toezicht huisvesting vergunninghouders"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read_template(path: Path | None, soort: str = "resultaten") -> bytes:
    """The template's bytes, checked; the kind's default template when no path is given."""
    if path is None:
        content = default_template(soort)
        check_template(content, f"{DEFAULT_NAME} ({soort})")
        return content
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"sjabloon bestaat niet: {path}")]) from None
    except OSError as error:
        raise InputError([Problem(path.name, f"kan niet worden gelezen ({error})")]) from None
    check_template(content, path.name)
    return content


def _paragraph_texts(content: bytes) -> list[str]:
    """Every paragraph's text, body first, then tables, headers and footers."""
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def _where(texts: list[str], name: str) -> str:
    """'alinea N' for the first paragraph that uses the placeholder."""
    pattern = re.compile(r"\{[{%][^}%]*\b" + re.escape(name) + r"\b")
    for number, text in enumerate(texts, start=1):
        if pattern.search(text):
            return f"alinea {number}"
    return "plek onbekend"


def _unbalanced(texts: list[str]) -> str:
    """'alinea N: ' for the first paragraph whose braces do not pair up."""
    for number, text in enumerate(texts, start=1):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return f"alinea {number}: "
    return ""


def check_template(content: bytes, name: str) -> None:
    """Refuse a template that is no Word document, has a broken placeholder, or uses a
    placeholder the tool does not fill; the message names the paragraph and what is known."""
    try:
        texts = _paragraph_texts(content)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise InputError([Problem(name, "geen Word-document (.docx); sla het sjabloon op als "
                                        "Word-document")]) from None
    try:
        used = DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(
            jinja_env=environment())
    except TemplateSyntaxError as error:
        raise InputError([Problem(name, f"{_unbalanced(texts)}een plaatshouder is niet goed "
                                        "geschreven; schrijf plaatshouders als {{ naam }} "
                                        f"(Jinja2 meldt: {error.message})")]) from None
    unknown = sorted(used - PLACEHOLDERS.keys())
    if unknown:
        found = ", ".join(f"{{{{ {item} }}}} ({_where(texts, item)})" for item in unknown)
        raise InputError([Problem(name, f"onbekende plaatshouder(s) {found}; bekende "
                                        f"plaatshouders: {', '.join(sorted(PLACEHOLDERS))}")])
