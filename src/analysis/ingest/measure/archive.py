"""A workbook's zip and its XML, read safely: members that unpack too large or pack too well
refused (a zip bomb), XML streamed by expat with entity declarations refused (an XML bomb), and
the sheets' members found through the workbook's relationships.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.parsers import expat

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
