"""Measuring a workbook's shared-string table: how many strings it holds and how long they are
together, both bounded (a reader loads the whole table before any cell).

The strings are counted by their start tags with numpy, a piece at a time: ``<si`` and, for a
prefix, ``:si``, each followed by what may end a name; that is never fewer than expat counts.
Their length is bounded by the table's size: a character takes at least one byte of UTF-8 and
an entity reference is longer than what it stands for (only a DOCTYPE could declare longer ones,
and a table with one is read by expat, which refuses the declarations). expat reads the table
instead, from the start, when its size does not keep it within the limit of characters, when it
is not plainly UTF-8, or does not start with its root element after an XML declaration (a
DOCTYPE, a comment); and, reading it a second time, when the count passes the limit in a table
where it may count too many (one that holds ``<!``, ``<?`` or ``:si`` after its start).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO
from xml.parsers import expat

import numpy as np

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.archive import xml_parser
from analysis.ingest.measure.refusal import refuse

_PIECE = 1 << 20
_PROLOG = re.compile(rb"(\xef\xbb\xbf)?(<\?xml[^>]*?\?>)?\s*(<)[A-Za-z_][-.\w]*[\s>/]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_PREFIXED = re.compile(rb":si[\s>/]")
_DELIMITERS = np.zeros(256, np.bool_)  # what may end the name of a start tag
_DELIMITERS[[ord(c) for c in " \t\r\n>/"]] = True
_TOO_MANY = "tabel met gedeelde teksten heeft meer dan {} teksten; niet gelezen"
_TOO_LONG = "tabel met gedeelde teksten is langer dan {} tekens; niet gelezen"


def measure_shared_strings(archive: zipfile.ZipFile, member: str, name: str) -> None:
    """Refuse a shared-string table past the limits of ``limits.LIMITS``."""
    limit = limits.LIMITS
    with archive.open(member) as stream:
        first = stream.read(_PIECE)
        prolog = _PROLOG.match(first)
        encoding = _ENCODING.search(prolog[2] or b"") if prolog else None
        if (archive.getinfo(member).file_size > limit.max_shared_string_chars or not prolog
                or b"\0" in first[:4]
                or (encoding and encoding[1].lower() not in (b"utf-8", b"utf8"))):
            _exact(_chunks(stream, first), member, name)
            return
        count, plain = _count(_chunks(stream, first[prolog.start(3):]))
    if count <= limit.max_shared_strings:
        return
    if plain:  # the count is exact
        raise refuse(name, _TOO_MANY.format(getal(limit.max_shared_strings)))
    with archive.open(member) as stream:
        _exact(_chunks(stream), member, name)


def _chunks(stream: IO[bytes], first: bytes = b"") -> Iterator[bytes]:
    if first:
        yield first
    while chunk := stream.read(_PIECE):
        yield chunk


def _count(chunks: Iterable[bytes]) -> tuple[int, bool]:
    """The start tags of strings in a table that starts with its root element, never fewer
    than there are; and whether the count is exact (no ``<!``, ``<?`` or ``:si``)."""
    count, plain, buf = 0, True, b""
    for chunk in itertools.chain(chunks, [b""]):
        buf += chunk
        end = max(len(buf) - 8, 0) if chunk else len(buf)  # bytes after a '<' read with it
        a = np.frombuffer(buf + bytes(8), np.uint8) if not chunk else np.frombuffer(buf, np.uint8)
        at = (a[:end] == 60).nonzero()[0]
        first, second = a[1:].take(at), a[2:].take(at)
        count += int(np.count_nonzero((first == ord("s")) & (second == ord("i")) & (
            _DELIMITERS.take(a[3:].take(at)))))
        prefixed = len(_PREFIXED.findall(buf, 0, end + 3))
        count += prefixed
        plain &= not prefixed and not ((first == ord("!")) | (first == ord("?"))).any()
        buf = buf[end:]
    return count, plain


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
