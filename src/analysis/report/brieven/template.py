"""The letter template: the placeholders the tool fills, the default template in the structure of
the province's letter, and the check that refuses a template the tool cannot fill.

A template is a Word document with placeholders such as ``{{ gemeente }}`` (docxtpl, Jinja2
syntax); analysts edit the text around them in Word.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

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


# What a template may use: placeholders, text, {% if %} (with elif and else) on and/or/not and
# comparisons (==, !=, in) with text or numbers, and a few filters that change case or trim.
# Nothing repeats (for, macro, call, recursion), calls a function or reaches into an object, so
# filling a template takes time in proportion to its size and cannot leave the sandbox; loops
# are refused before anything is written, not stopped halfway. A timer (signal.setitimer) would
# work only in the main thread and on Unix and cannot stop one long C call such as 'x' * 10**9;
# counting calls misses a loop, which calls nothing.
ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
           nodes.If, nodes.CondExpr, nodes.Not, nodes.And, nodes.Or, nodes.Compare,
           nodes.Operand, nodes.Filter, nodes.Concat, nodes.List, nodes.Tuple)
FILTERS = ("capitalize", "lower", "title", "trim", "upper")
OPERATORS = ("eq", "ne", "in", "notin")
MAX_DEPTH = 50  # nesting of a template's expressions
MAX_TEMPLATE_BYTES = 20_000_000  # a letter with a logo is well under a megabyte
MAX_UNPACKED_BYTES = 100_000_000  # what the .docx (a zip file) holds, unpacked
# what filling one part of a letter (its body, a header) may give and take: a letter's body is
# some 50,000 characters of XML; its values are bounded by the settings' checks
MAX_RENDERED = 10_000_000  # characters
MAX_SECONDS = 5.0


class _Limit(Exception):
    """Filling a template went past a limit; ``alinea`` is the paragraph it reached."""

    def __init__(self, melding: str, alinea: int):
        super().__init__(melding)
        self.alinea = alinea


class _Bounded(Template):
    """A template whose filling stops with :class:`_Limit` past ``MAX_RENDERED`` characters or
    ``MAX_SECONDS`` seconds, checked at every piece of output."""

    def render(self, *args, **kwargs) -> str:
        deadline, pieces, size = time.monotonic() + MAX_SECONDS, [], 0
        for piece in self.generate(*args, **kwargs):
            pieces.append(piece)
            size += len(piece)
            if size > MAX_RENDERED or time.monotonic() > deadline:
                what = (f"de brief wordt te groot (meer dan {MAX_RENDERED:,} tekens)"
                        if size > MAX_RENDERED else
                        f"de opmaak duurt te lang (meer dan {MAX_SECONDS:g} s)")
                # docxtpl starts every paragraph on a line of its own
                raise _Limit(what.replace(",", "."), "".join(pieces).count("\n<w:p"))
        return "".join(pieces)


class _LetterEnvironment(SandboxedEnvironment):
    """The sandbox with arithmetic refused as well: a template that was not checked still
    cannot make 'x' * 10**9 (nor have Jinja2 compute it while compiling)."""

    template_class = _Bounded
    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))
    intercepted_unops = frozenset(("+", "-"))

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"rekenen met '{operator}' kan niet in een briefsjabloon")

    def call_unop(self, context, operator, arg):
        raise SecurityError(f"rekenen met '{operator}' kan niet in een briefsjabloon")


def environment() -> SandboxedEnvironment:
    """Jinja2 as the letters use it: values are escaped, a missing value is an error, no
    functions (range, lipsum, ...) and only the filters a template may use."""
    env = _LetterEnvironment(autoescape=True, undefined=StrictUndefined)
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in FILTERS}
    return env


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


@dataclass(frozen=True)
class Sjabloon:
    """A checked template and the name a message gives it (its file, or the default)."""

    naam: str
    inhoud: bytes


def read_template(path: Path | None, soort: str = "resultaten") -> Sjabloon:
    """The template, checked; the kind's default template when no path is given."""
    if path is None:
        content, name = default_template(soort), f"{DEFAULT_NAME} ({soort})"
    else:
        content, name = _read(path), path.name
    check_template(content, name)
    return Sjabloon(name, content)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise InputError([Problem(path.name, f"sjabloon is {size // 1_000_000} MB; een "
                                                 f"briefsjabloon is hoogstens "
                                                 f"{MAX_TEMPLATE_BYTES // 1_000_000} MB")])
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"sjabloon bestaat niet: {path}")]) from None
    except OSError as error:
        raise InputError([Problem(path.name, f"kan niet worden gelezen ({error.strerror or error})"
                                  )]) from None


def _paragraph_texts(document: DocumentObject) -> list[str]:
    """Every paragraph's text in the order Word shows them (tables included), then headers and
    footers."""
    texts = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def _find(texts: list[str], pattern: str) -> str:
    """'alinea N' for the first paragraph with a placeholder or tag that matches ``pattern``."""
    found = re.compile(r"\{[{%][^}%]*" + pattern)
    for number, text in enumerate(texts, start=1):
        if found.search(text):
            return f"alinea {number}"
    return "plek onbekend"


def _where(texts: list[str], name: str) -> str:
    """'alinea N' for the first paragraph that uses the placeholder."""
    return _find(texts, r"\b" + re.escape(name) + r"\b")


def _longest(texts: list[str]) -> str:
    """'alinea N' for the paragraph with the longest placeholder or tag."""
    sizes = [max((len(m) for m in re.findall(r"\{[{%].*?(?:\}\}|%\}|$)", text)), default=0)
             for text in texts]
    return f"alinea {sizes.index(max(sizes)) + 1}" if sizes and max(sizes) else "plek onbekend"


def _unbalanced(texts: list[str]) -> str:
    """'alinea N: ' for the first paragraph whose braces do not pair up."""
    for number, text in enumerate(texts, start=1):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return f"alinea {number}: "
    return ""


def _sources(content: bytes, document: DocumentObject) -> list[str]:
    """Everything docxtpl fills: body, headers, footers and footnotes as it prepares them for
    Jinja2, and the document's properties."""
    template = DocxTemplate(io.BytesIO(content))
    parts = [template.xml_to_string(document.element.body)]
    for rel in document.part.rels.values():
        if rel.reltype in (template.HEADER_URI, template.FOOTER_URI) and rel.target_part.blob:
            parts.append(template.xml_to_string(parse_xml(rel.target_part.blob)))
    parts += [part.blob.decode("utf-8") for part in document.part.package.parts
              if part.content_type == FOOTNOTES]
    properties = document.core_properties
    return [template.patch_xml(part) for part in parts] + [
        getattr(properties, name) or "" for name in PROPERTIES]


FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _forbidden(node: nodes.Node) -> tuple[str, str] | None:
    """What in a template's tree is not allowed: (a pattern to find it, a Dutch description)."""
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return r"\|\s*" + re.escape(node.name), f"het filter |{node.name}"
    if isinstance(node, nodes.Operand) and node.op not in OPERATORS:
        return r"[<>]", "een vergelijking als < of > (alleen ==, != en in)"
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return r"\b" + re.escape(node.name) + r"\b", f"een toewijzing aan {node.name}"
    if isinstance(node, ALLOWED):
        return None
    if isinstance(node, nodes.For):
        return r"\bfor\b", "een lus ({% for %})"
    if isinstance(node, nodes.Getattr):
        return r"\." + re.escape(node.attr), f"'.{node.attr}'"
    if isinstance(node, nodes.Call):
        return r"\(", "een functieaanroep (...)"
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
        return re.escape(node.operator), f"rekenen met '{node.operator}'"
    word = {nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Assign: "set",
            nodes.AssignBlock: "set", nodes.Include: "include", nodes.Import: "import",
            nodes.FromImport: "from", nodes.Extends: "extends", nodes.FilterBlock: "filter",
            nodes.With: "with", nodes.Block: "block", nodes.Test: "is"}.get(type(node))
    if word:
        return r"\b" + word + r"\b", f"'{word}'"
    if isinstance(node, nodes.Getitem | nodes.Slice):
        return r"\[", "'[...]'"
    return r"(?!)", f"'{type(node).__name__}'"


def _depth(tree: nodes.Node) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.iter_child_nodes())
    return deepest


def _document(content: bytes, name: str) -> DocumentObject:
    """The template as a Word document, refused when it is none or unpacks to too much."""
    refusal = InputError([Problem(name, "geen Word-document (.docx); sla het sjabloon op als "
                                        "Word-document")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError([Problem(name, f"het sjabloon pakt uit tot {unpacked // 1_000_000} "
                                            f"MB; een briefsjabloon is hoogstens "
                                            f"{MAX_UNPACKED_BYTES // 1_000_000} MB")])
        return Document(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, SyntaxError,
            PackageNotFoundError, EOFError, zlib.error, NotImplementedError, TypeError):
        # lxml's XMLSyntaxError is a SyntaxError; a corrupt entry gives zlib.error or EOFError
        raise refusal from None


def check_template(content: bytes, name: str) -> None:
    """Refuse a template that is no Word document, has a broken placeholder, uses what a letter
    template may not (a loop, a function, an attribute), or a placeholder the tool does not
    fill; the message names the paragraph and what is allowed."""
    document = _document(content, name)
    texts = _paragraph_texts(document)
    env = environment()
    trees = []
    try:
        for source in _sources(content, document):
            trees.append(env.parse(source))
    except TemplateSyntaxError as error:
        raise InputError([Problem(name, f"{_unbalanced(texts)}een plaatshouder is niet goed "
                                        "geschreven; schrijf plaatshouders als {{ naam }} "
                                        f"(Jinja2 meldt: {error.message})")]) from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError([Problem(name, f"{_longest(texts)}: een plaatshouder is te lang of te "
                                        "diep genest; schrijf plaatshouders als {{ naam }}")]
                         ) from None
    for tree in trees:
        if _depth(tree) > MAX_DEPTH:
            raise InputError([Problem(name, f"een plaatshouder is te diep genest (meer dan "
                                            f"{MAX_DEPTH} niveaus); schrijf hem eenvoudiger")])
        for node in tree.find_all(nodes.Node):
            found = _forbidden(node)
            if found:
                raise InputError([Problem(name, f"{_find(texts, found[0])}: {found[1]} kan niet "
                                                "in een briefsjabloon; gebruik plaatshouders als "
                                                "{{ gemeente }} en {% if ... %} ... {% endif %}")])
    used = {node.name for tree in trees for node in tree.find_all(nodes.Name)}
    unknown = sorted(used - PLACEHOLDERS.keys())
    if unknown:
        found = ", ".join(f"{{{{ {item} }}}} ({_where(texts, item)})" for item in unknown)
        raise InputError([Problem(name, f"onbekende plaatshouder(s) {found}; bekende "
                                        f"plaatshouders: {', '.join(sorted(PLACEHOLDERS))}")])


def fill(template: Sjabloon, values: dict[str, object]) -> DocxTemplate:
    """The template filled with ``values``; a limit reached or a refusal of the sandbox is a
    Dutch message naming the template (and the paragraph, where known)."""
    document = DocxTemplate(io.BytesIO(template.inhoud))
    try:
        document.render(values, jinja_env=environment())
    except _Limit as limit:
        raise InputError([Problem(template.naam, f"alinea {max(limit.alinea, 1)}: {limit}; "
                                                 "gebruik minder of kortere plaatshouders")]
                         ) from None
    except SecurityError as error:
        raise InputError([Problem(template.naam, "het sjabloon vraagt iets wat een briefsjabloon "
                                                 "niet mag (een functie, een onderdeel van een "
                                                 "waarde of rekenen; Jinja2 meldt: "
                                                 f"{error.message}); gebruik alleen "
                                                 "plaatshouders als {{ gemeente }}")]) from None
    except TemplateError as error:
        raise InputError([Problem(template.naam, f"de brief kan niet worden gevuld (Jinja2 "
                                                 f"meldt: {error.message}); controleer de "
                                                 "plaatshouders")]) from None
    except (RecursionError, MemoryError):
        raise InputError([Problem(template.naam, "de brief kan niet worden gevuld: een "
                                                 "plaatshouder is te diep genest")]) from None
    return document
