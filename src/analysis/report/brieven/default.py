"""The default letter template, one per kind of letter: the project's own words in the order
and structure of the province's letter, built as a Word document so that analysts can save it
and edit the text around the placeholders.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt

from analysis.domain.briefsoorten import KINDS
from analysis.report.brieven.briefpapier import (
    add_headers_footers,
    add_letterhead,
    add_styles,
    page_setup,
)

DEFAULT_NAME = "standaardsjabloon"


# The default letter below its letterhead (the addressee and the sender, :mod:`.briefpapier`),
# paragraph by paragraph: (style, text). Written in the project's own words in the order of the
# province's letter: reference lines (uw kenmerk and the enclosures only when given, each on a
# line of its own within the paragraph before it: a {%p if %} paragraph is left out of the
# filled letter, which would shift the paragraph numbers a message gives while filling),
# introduction, appreciation, consequence for supervision, the municipality's results,
# conclusion, signature.
DEFAULT_TEXT: list[tuple[str, str]] = [
    ("Normal", ""),
    ("Adres", "{{ plaats }}, {{ datum }}"),
    ("Adres", "Ons kenmerk {{ kenmerk }}{% if uw_kenmerk %}\nUw kenmerk {{ uw_kenmerk }}"
              "{% endif %}"),
    ("Adres", "Behandeld door {{ behandeld_door }}{% if bijlagen %}\nBijlage(n): {{ bijlagen }}"
              "{% endif %}"),
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
    ("Normal", "{{ beoordeling }} {{ toezicht }} {{ ladder_gevolg }}"),
    ("Normal", "Het volgende meetpunt is {{ volgend_meetpunt }}."),
    ("Normal", "{%p if alineas %}"),
    ("Normal", "{{ alineas }}"),
    ("Normal", "{%p endif %}"),
    ("Kop", "Resultaten gemeente {{ gemeente }}"),
    ("Resultaat", "{{ resultaten }}"),
    ("Normal", "{{ conclusie }}"),
    ("Normal", "{%p if cohorten %}"),
    ("Normal", "{{ cohorten }}"),
    ("Normal", "{%p endif %}"),
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


# What a herziene brief says before the section "IBT-gevolg" of the results letter, instead of
# its introduction: which letter it revises, and what changed.
REVISION_TEXT: list[tuple[str, str]] = [
    ("Normal", "Op {{ vorige_datum }} schreven wij u hoe de realisatie van de taakstelling in de "
               "{{ periode_voluit }} in uw gemeente is verlopen (ons kenmerk "
               "{{ vorig_kenmerk }}). Sindsdien zijn cijfers gewijzigd waarop die brief berust. "
               "Met deze brief herzien wij die brief: de cijfers, het oordeel en het gevolg "
               "voor het toezicht hieronder vervangen die uit onze brief van "
               "{{ vorige_datum }}."),
    ("Kop", "Wat is gewijzigd"),
    ("Resultaat", "{{ wijzigingen }}"),
]


def default_text(soort: str = "resultaten") -> list[tuple[str, str]]:
    """The default letter of a kind: the results letter with its section "IBT-gevolg" replaced
    by the kind's own section; a herziene brief is the results letter with the revision in
    place of its introduction."""
    if soort == "resultaten":
        return DEFAULT_TEXT
    subject = ("Adres", "Onderwerp: Toezicht huisvesting vergunninghouders {{ periode_voluit }}")
    if soort == "herzien":
        start = DEFAULT_TEXT.index(("Normal", "Geacht college,")) + 1
        end = DEFAULT_TEXT.index(("Kop", "Waardering voor uw inzet"))
        text = [item if item != subject else ("Adres", f"{subject[1]}: herziene brief")
                for item in DEFAULT_TEXT]
        return [*text[:start], *REVISION_TEXT, *text[end:]]
    start = DEFAULT_TEXT.index(("Kop", "IBT-gevolg"))
    end = DEFAULT_TEXT.index(("Kop", "Resultaten gemeente {{ gemeente }}"))
    text = [item if item != subject else ("Adres", f"{subject[1]}: {KINDS[soort]}")
            for item in DEFAULT_TEXT]
    return [*text[:start], *KIND_TEXT[soort], *text[end:]]


def default_template(soort: str = "resultaten") -> bytes:
    """The default template of a kind as a .docx: A4 on letterhead (:mod:`.briefpapier`),
    Arial 10, bold headings kept with their text, the reference lines without spacing, the
    results one line per paragraph, the signature on one page."""
    document = Document()
    section = document.sections[0]
    page_setup(section)
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
    document.styles["Resultaat"].paragraph_format.keep_with_next = True  # the block together
    document.styles["Ondertekening"].paragraph_format.keep_together = True
    add_styles(document)
    add_letterhead(document)
    for style, text in default_text(soort):
        document.add_paragraph(text, style=style)
    add_headers_footers(section)
    properties = document.core_properties
    properties.author = properties.last_modified_by = ""
    properties.comments = ""
    properties.title = "Toezicht huisvesting vergunninghouders"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
