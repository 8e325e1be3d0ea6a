"""The letter template: the placeholders the tool fills, the default template in the structure of
the province's letter, and the check that refuses a template the tool cannot fill.

A template is a Word document with placeholders such as ``{{ gemeente }}`` (docxtpl, Jinja2
syntax); analysts edit the text around them in Word.

This module reads a template (its bytes, its file, or the kind's default), checks it and fills
it, within the limits it holds: how large a template may unpack to, and how much and how long
filling it may give and take, enforced by the sandbox Jinja2 runs in here. What a template may
contain is in :mod:`.placeholders`, the parts docxtpl fills in :mod:`.parts`, the default
template in :mod:`.default`; their names are importable from here as well. How large a
template file may be is checked where it is read, in :mod:`analysis.domain.briefinstellingen`.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from analysis.domain.briefinstellingen import read_template_file
from analysis.formatting import getal
from analysis.problems import InputError, Problem
from analysis.report.brieven.briefpapier import images
from analysis.report.brieven.default import (
    DEFAULT_NAME,
    DEFAULT_TEXT,
    KIND_TEXT,
    default_template,
    default_text,
)
from analysis.report.brieven.parts import (
    find,
    longest,
    paragraph_texts,
    sources,
    unbalanced,
    where,
)
from analysis.report.brieven.placeholders import (
    ALLOWED,
    FILTERS,
    OPERATORS,
    PLACEHOLDERS,
    depth,
    forbidden,
)

__all__ = ["ALLOWED", "DEFAULT_NAME", "DEFAULT_TEXT", "FILTERS", "KIND_TEXT", "MAX_DEPTH",
           "MAX_RENDERED", "MAX_SECONDS", "MAX_UNPACKED_BYTES", "OPERATORS",
           "PLACEHOLDERS", "Sjabloon", "check_template", "checked_template", "default_template",
           "default_text", "environment", "fill", "read_template"]

# The limits, read here at each use: a limit lowered here takes effect at once.
MAX_DEPTH = 50  # nesting of a template's expressions
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
                what = (f"de brief wordt te groot (meer dan {getal(MAX_RENDERED)} tekens)"
                        if size > MAX_RENDERED else
                        f"de opmaak duurt te lang (meer dan {MAX_SECONDS:g} s)")
                # docxtpl starts every paragraph on a line of its own
                raise _Limit(what, "".join(pieces).count("\n<w:p"))
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


@dataclass(frozen=True)
class Sjabloon:
    """A checked template and the name a message gives it (its file, or the default)."""

    naam: str
    inhoud: bytes


def read_template(path: Path | None, soort: str = "resultaten") -> Sjabloon:
    """The template in the file at ``path``, checked; the kind's default when no path is
    given."""
    if path is None:
        return checked_template(default_template(soort), f"{DEFAULT_NAME} ({soort})")
    return checked_template(read_template_file(path), path.name)


def checked_template(content: bytes, name: str) -> Sjabloon:
    """The template of these bytes (a file's, as ingest stored it), checked."""
    check_template(content, name)
    return Sjabloon(name, content)


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
    texts = paragraph_texts(document)
    env = environment()
    trees = []
    try:
        for source in sources(content, document):
            trees.append(env.parse(source))
    except TemplateSyntaxError as error:
        raise InputError([Problem(name, f"{unbalanced(texts)}een plaatshouder is niet goed "
                                        "geschreven; schrijf plaatshouders als {{ naam }} "
                                        f"(Jinja2 meldt: {error.message})")]) from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError([Problem(name, f"{longest(texts)}: een plaatshouder is te lang of te "
                                        "diep genest; schrijf plaatshouders als {{ naam }}")]
                         ) from None
    for tree in trees:
        if depth(tree) > MAX_DEPTH:
            raise InputError([Problem(name, f"een plaatshouder is te diep genest (meer dan "
                                            f"{MAX_DEPTH} niveaus); schrijf hem eenvoudiger")])
        for node in tree.find_all(nodes.Node):
            found = forbidden(node)
            if found:
                raise InputError([Problem(name, f"{find(texts, found[0])}: {found[1]} kan niet "
                                                "in een briefsjabloon; gebruik plaatshouders als "
                                                "{{ gemeente }} en {% if ... %} ... {% endif %}")])
    used = {node.name for tree in trees for node in tree.find_all(nodes.Name)}
    unknown = sorted(used - PLACEHOLDERS.keys())
    if unknown:
        found = ", ".join(f"{{{{ {item} }}}} ({where(texts, item)})" for item in unknown)
        raise InputError([Problem(name, f"onbekende plaatshouder(s) {found}; bekende "
                                        f"plaatshouders: {', '.join(sorted(PLACEHOLDERS))}")])


def fill(template: Sjabloon, values: dict[str, object]) -> DocxTemplate:
    """The template filled with ``values`` (a logo as a picture); a limit reached or a refusal
    of the sandbox is a Dutch message naming the template (and the paragraph, where known)."""
    document = DocxTemplate(io.BytesIO(template.inhoud))
    try:
        document.render(images(document, values), jinja_env=environment())
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
