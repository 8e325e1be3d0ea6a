"""The parts of a Word template that docxtpl fills (body, headers, footers, footnotes and the
document's properties), and the paragraph a message about a placeholder points to.
"""

from __future__ import annotations

import io
import re

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate


def paragraph_texts(document: DocumentObject) -> list[str]:
    """Every paragraph's text in the order Word shows them (tables included), then headers and
    footers."""
    texts = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def find(texts: list[str], pattern: str) -> str:
    """'alinea N' for the first paragraph with a placeholder or tag that matches ``pattern``."""
    found = re.compile(r"\{[{%][^}%]*" + pattern)
    for number, text in enumerate(texts, start=1):
        if found.search(text):
            return f"alinea {number}"
    return "plek onbekend"


def where(texts: list[str], name: str) -> str:
    """'alinea N' for the first paragraph that uses the placeholder."""
    return find(texts, r"\b" + re.escape(name) + r"\b")


def longest(texts: list[str]) -> str:
    """'alinea N' for the paragraph with the longest placeholder or tag."""
    sizes = [max((len(m) for m in re.findall(r"\{[{%].*?(?:\}\}|%\}|$)", text)), default=0)
             for text in texts]
    return f"alinea {sizes.index(max(sizes)) + 1}" if sizes and max(sizes) else "plek onbekend"


def unbalanced(texts: list[str]) -> str:
    """'alinea N: ' for the first paragraph whose braces do not pair up."""
    for number, text in enumerate(texts, start=1):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return f"alinea {number}: "
    return ""


def sources(content: bytes, document: DocumentObject) -> list[str]:
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
