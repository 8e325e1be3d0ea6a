"""Measuring a workbook's shared-string table: how many strings it holds and how long they are
together, both bounded (a reader loads the whole table before any cell).

The strings are counted by what starts their tags, ``<si`` and, for a prefix, ``:si``, at the
speed of ``bytes.count``: never fewer than there are. Their length is bounded by the table's
size: a character takes at least one byte of UTF-8 and an entity reference is longer than what
it stands for (only a DOCTYPE could declare longer ones, and a table with one is read by expat,
which refuses the declarations). expat reads the table instead, in the same pass, when its size
does not keep it within the limit of characters, when it is not plainly UTF-8, or does not start
with its root element after an XML declaration (a DOCTYPE, a comment); and, a second time, when
the count passes the limit, to refuse the table exactly as before (or not, when the count was
too high).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterable
from xml.parsers import expat

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.archive import inflated, xml_parser
from analysis.ingest.measure.refusal import refuse

_PROLOG = re.compile(rb"(\xef\xbb\xbf)?(<\?xml[^>]*?\?>)?\s*(<)[A-Za-z_][-.\w]*[\s>/]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_TOO_MANY = "tabel met gedeelde teksten heeft meer dan {} teksten; niet gelezen"
_TOO_LONG = "tabel met gedeelde teksten is langer dan {} tekens; niet gelezen"


def measure_shared_strings(archive: zipfile.ZipFile, member: str, name: str) -> None:
    """Refuse a shared-string table past the limits of ``limits.LIMITS``."""
    limit = limits.LIMITS
    chunks = inflated(archive, member)
    first = next(chunks, b"")
    prolog = _PROLOG.match(first)
    encoding = _ENCODING.search(prolog[2] or b"") if prolog else None
    if (archive.getinfo(member).file_size > limit.max_shared_string_chars or not prolog
            or b"\0" in first[:4] or (encoding and encoding[1].lower() not in (b"utf-8", b"utf8"))):
        _exact(itertools.chain([first], chunks), member, name)
        return
    if _count(itertools.chain([first[prolog.start(3):]], chunks)) > limit.max_shared_strings:
        _exact(inflated(archive, member), member, name)


def _count(chunks: Iterable[bytes]) -> int:
    """The tags that may start a string (``<si`` and ``:si``), never fewer than there are."""
    count, tail = 0, b""
    for chunk in chunks:
        joined = tail + chunk  # with what may begin one across the two
        count += joined.count(b"<si") + (joined.count(b":si") if b":" in joined else 0)
        tail = joined[-2:]
    return count


def _exact(chunks: Iterable[bytes], member: str, name: str) -> None:
    """Count the strings and their characters with expat, one call per element."""
    limit = limits.LIMITS
    counts = {"si": 0, "chars": 0}
    parser = xml_parser(name)

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] == "si":
            counts["si"] += 1
            if counts["si"] > limit.max_shared_strings:
                raise refuse(name, _TOO_MANY.format(getal(limit.max_shared_strings)))

    def text(data: str) -> None:
        counts["chars"] += len(data)
        if counts["chars"] > limit.max_shared_string_chars:
            raise refuse(name, _TOO_LONG.format(getal(limit.max_shared_string_chars)))

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise refuse(name, f"onderdeel {member} is geen geldige XML (regel {error.lineno}, "
                           f"kolom {error.offset}); niet gelezen") from None
