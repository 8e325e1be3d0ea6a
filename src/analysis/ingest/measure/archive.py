"""A workbook's zip and its XML, read safely: members that unpack too large or pack too well
refused (a zip bomb), XML streamed by expat with entity declarations refused (an XML bomb), and
the sheets' members found through the workbook's relationships.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from isal import isal_zlib

from analysis.formatting import getal
from analysis.ingest import limits
from analysis.ingest.measure.refusal import XML_BOMB, refuse


def check_members(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip whose members unpack too large, or pack too well to be genuine."""
    limit = limits.LIMITS
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limit.max_member_bytes:
            raise refuse(name, f"onderdeel {info.filename} is uitgepakt "
                               f"{getal(info.file_size // limits.MIB)} MB; verwacht hoogstens "
                               f"{getal(limit.max_member_bytes // limits.MIB)} MB (mogelijk een "
                               "zip-bom); niet gelezen")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limit.ratio_from_bytes and ratio > limit.max_ratio:
            raise refuse(name, f"onderdeel {info.filename} pakt {ratio:.0f} keer zo groot uit "
                               f"als het is; verwacht hoogstens {limit.max_ratio} keer (mogelijk "
                               "een zip-bom); niet gelezen")
    if total > limit.max_total_bytes:
        raise refuse(name, f"uitgepakt {getal(total // limits.MIB)} MB; verwacht hoogstens "
                           f"{getal(limit.max_total_bytes // limits.MIB)} MB (mogelijk een "
                           "zip-bom); niet gelezen")


def inflated(archive: zipfile.ZipFile, member: str, size: int = 1 << 18) -> Iterator[bytes]:
    """A member's unpacked bytes, a piece of at most ``size`` at a time, checked against its
    CRC as zipfile checks them (BadZipFile). A deflated member is inflated from its packed data
    here, with ISA-L (``isal``: the same inflate and CRC as zlib's, in 60% of the time; its
    errors raised as zlib's): zipfile's reading by the size of what it unpacks copies what is
    left of each packed piece at every read, a third of the time of a large sheet."""
    info = archive.getinfo(member)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or not archive.fp:
        with archive.open(info) as stream:
            while chunk := stream.read(size):
                yield chunk
        return
    archive.fp.seek(info.header_offset)
    header = archive.fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"Bad magic number for file header of {member!r}")
    position = info.header_offset + 30 + sum(struct.unpack("<HH", header[26:30]))
    packed, left, crc = info.compress_size, info.file_size, 0
    inflater, data = isal_zlib.decompressobj(-zlib.MAX_WBITS), b""
    while left > 0 and not inflater.eof:
        if not data and packed > 0:
            archive.fp.seek(position)
            data = archive.fp.read(min(1 << 16, packed))
            if not data:
                break
            position, packed = position + len(data), packed - len(data)
        try:
            chunk = inflater.decompress(data, min(size, left))
        except isal_zlib.error as error:
            raise zlib.error(str(error)) from None
        data = inflater.unconsumed_tail
        if chunk:
            crc, left = isal_zlib.crc32(chunk, crc), left - len(chunk)
            yield chunk
        elif not data and packed <= 0:
            break  # the packed data ended early: its CRC tells
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {member!r}")


def xml_parser(name: str, namespaces: bool = True) -> expat.XMLParserType:
    """An expat parser that refuses entity declarations, as defusedxml does."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def forbidden(*_: object) -> None:
        raise refuse(name, XML_BOMB)

    parser.EntityDeclHandler = forbidden
    parser.UnparsedEntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    return parser


def parse_member(parser: expat.XMLParserType, archive: zipfile.ZipFile, member: str, name: str,
           sheet: str | None) -> None:
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise refuse(name, f"onderdeel {member} is geen geldige XML (regel {error.lineno}, "
                           f"kolom {error.offset}); niet gelezen", sheet) from None


def elements(archive: zipfile.ZipFile, member: str, name: str,
              wanted: str) -> list[dict[str, str]]:
    """The attributes of every element named ``wanted`` in a small XML member."""
    found: list[dict[str, str]] = []
    parser = xml_parser(name)

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] == wanted:
            found.append(attrs)

    parser.StartElementHandler = start
    parse_member(parser, archive, member, name, None)
    return found


def sheet_parts(archive: zipfile.ZipFile, name: str, workbook: str,
                 sheets: list[tuple[str, str]]) -> dict[str, str]:
    """Sheet name -> zip member, from (name, relationship id) pairs and the workbook's rels."""
    folder, base = posixpath.split(workbook)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    targets = {}
    if rels in archive.namelist():
        for rel in elements(archive, rels, name, "Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            targets[rel.get("Id")] = posixpath.normpath(path)
    return {sheet: targets[rid] for sheet, rid in sheets if targets.get(rid) in archive.namelist()}
