"""How long hostile input takes to be refused, against the targets the fault suite once asserted
(tests/test_hostile_*.py now assert what is refused and before what, not how fast): a far cell, a
forged dimension, a zip bomb, an XML bomb and a repeated ODS value refused in under 2 s (what the
tests called QUICK); measuring a genuine 100,000-row export in under 5 s; hostile letter
templates refused, and unchecked ones filled, in under 5 s; and the CLI refusing a looping
template in under 10 s (a fresh process, its start included). Prints each figure with its target;
a target missed is reported, not an error. A case that is not refused as it should be is."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document

from analysis.config import RAW_DIR
from analysis.ingest.measure import measure_xlsx
from analysis.ingest.spreadsheet import Book, WorkbookError
from analysis.problems import InputError
from analysis.report.brieven.template import (
    PLACEHOLDERS,
    Sjabloon,
    default_template,
    fill,
    read_template,
)

QUICK = 2.0  # seconds a workbook may take to be refused
MEASURE = 5.0  # seconds measuring the 100,000-row export may take
TEMPLATE = 5.0  # seconds a hostile template may take to be refused, or filled unchecked
CLI = 10.0  # seconds the CLI may take to refuse a looping template, its start included
EXPORT_ROWS = 100_000
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
KIND = "application/vnd.openxmlformats-officedocument.spreadsheetml"
LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
missed: list[str] = []


def report(what: str, seconds: float, target: float) -> None:
    met = seconds < target
    if not met:
        missed.append(what)
    print(f"{what}: {seconds:.3f} s (doel < {target:g} s): "
          f"{'gehaald' if met else 'NIET GEHAALD'}")


def timed(action: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    outcome = action()
    return outcome, time.perf_counter() - start


def write_xlsx(path: Path, rows: str | Callable[[io.RawIOBase], None], strings: tuple[str, ...],
               dimension: str = "", extra: dict[str, bytes] | None = None,
               shared: str | None = None) -> Path:
    """A one-sheet xlsx written by hand: ``rows`` is the <sheetData> XML, or writes it;
    ``shared``, when given, is the whole shared-string part instead of one made of ``strings``."""
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="/xl/{part}" ContentType="{KIND}.{kind}+xml"/>'
                      for part, kind in (("workbook.xml", "sheet.main"),
                                         ("sharedStrings.xml", "sharedStrings"),
                                         ("worksheets/sheet1.xml", "worksheet")))
            + "</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                         f'Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
                         '<sheets><sheet name="Overzicht" sheetId="1" r:id="rId1"/></sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/sharedStrings.xml", shared or (
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}'
            "</sst>"))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            size = f'<dimension ref="{dimension}"/>' if dimension else ""
            sheet.write(f'<worksheet xmlns="{MAIN}">{size}<sheetData>'.encode())
            if callable(rows):
                rows(sheet)
            else:
                sheet.write(rows.encode())
            sheet.write(b"</sheetData></worksheet>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def write_ods(path: Path, rows: str) -> Path:
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               f'office:1.0" xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:'
               'xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Overzicht">{rows}</table:table></office:spreadsheet>'
               "</office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return path


def refused_workbook(path: Path, engine: str) -> str:
    """The Dutch message refusing ``path``: opened and every sheet read, as the ingest does."""
    try:
        with Book(path, path.name, engine) as book:
            for sheet in book.sheet_names:
                book.grid(sheet)
    except WorkbookError as error:
        return error.problem.melding
    raise SystemExit(f"{path.name} ({engine}) is niet geweigerd")


def workbooks(folder: Path) -> None:
    far = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
           '<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>')
    bomb = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "' + f"&{chr(97 + n)};" * 10 + '">' for n in range(8))
        + f']><sst xmlns="{MAIN}"><si><t>&i;</t></si></sst>')
    repeated = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
                'office:value-type="string" table:number-columns-repeated="16384"><text:p>x'
                "</text:p></table:table-cell></table:table-row>")
    one = '<row r="1"><c r="A1"><v>1</v></c></row>'
    cases = {
        "Verre cel in XFD1048576": (
            write_xlsx(folder / "ver.xlsx", far, ("Gemeente", " ")), "cel in XFD1048576"),
        "Vervalste afmeting A1:XFD1048576": (
            write_xlsx(folder / "afmeting.xlsx", far, ("Gemeente", " "), "A1:XFD1048576"),
            "volgens de opgegeven afmeting"),
        "Zip-bom (5 MiB spaties)": (
            write_xlsx(folder / "bom.xlsx", one, (), extra={
                "xl/media/opvulling.xml": b" " * (5 * 1024**2)}), "mogelijk een zip-bom"),
        "XML-bom in de gedeelde teksten": (
            write_xlsx(folder / "lach.xlsx", one, (), shared=bomb), "mogelijk een XML-bom"),
    }
    for what, (path, expected) in cases.items():
        for engine in ("openpyxl", "calamine"):
            message, seconds = timed(lambda p=path, e=engine: refused_workbook(p, e))
            if expected not in message:
                raise SystemExit(f"{what} ({engine}): onverwachte melding: {message}")
            report(f"{what} ({engine}) geweigerd", seconds, QUICK)
    path = write_ods(folder / "herhaald.ods", repeated)
    message, seconds = timed(lambda: refused_workbook(path, "calamine"))
    if "blad heeft een cel in" not in message:
        raise SystemExit(f"herhaalde waarde in ODS: onverwachte melding: {message}")
    report("Herhaalde waarde in ODS (1.048.576 × 16.384) geweigerd", seconds, QUICK)


def large_export(folder: Path) -> None:
    def rows(sheet: io.RawIOBase) -> None:
        for r in range(1, EXPORT_ROWS + 1):
            sheet.write((f'<row r="{r}">' + "".join(
                f'<c r="{col}{r}" t="s"><v>{r % 2}</v></c>' if col in "AE"
                else f'<c r="{col}{r}"><v>{r * 7 + 3}</v></c>' for col in "ABCDEFGHIJ")
                + "</row>").encode())

    path = write_xlsx(folder / "export.xlsx", rows, ("Assen", "Ja"), f"A1:J{EXPORT_ROWS}")
    with zipfile.ZipFile(path) as archive:
        sizes, seconds = timed(lambda: measure_xlsx(archive, path.name))
    size = sizes["Overzicht"]
    if (size.rows, size.cols) != (EXPORT_ROWS, 10):
        raise SystemExit(f"export verkeerd gemeten: {size.rows} rijen × {size.cols} kolommen")
    report(f"Meten van een echte export ({EXPORT_ROWS:,} rijen × 10 kolommen)".replace(",", "."),
           seconds, MEASURE)


def template(folder: Path, extra: str) -> Path:
    """The default template with ``extra`` added to its tenth paragraph."""
    document = Document(io.BytesIO(default_template()))
    document.paragraphs[9].add_run(extra)
    path = folder / "brief-resultaten.docx"
    document.save(path)
    return path


def refused_template(path: Path, action: Callable[[], object]) -> str:
    try:
        action()
    except InputError as error:
        return error.report()
    raise SystemExit(f"{path.name} is niet geweigerd")


def templates(folder: Path) -> None:
    hostile = {
        "geneste lus van 10^10 keer": LOOP,
        "'x' * 10**9": "{{ 'x' * 10**9 }}",
        "|center(1000000000)": "{{ gemeente|center(1000000000) }}",
        "10.000 haakjes diep": "{{ " + "(" * 10_000 + "gemeente" + ")" * 10_000 + " }}",
        "5.000 keer 'not'": "{{ " + "not " * 5_000 + "gemeente }}",
        "getal van 5.000 cijfers": "{{ 9" + "9" * 5_000 + " }}",
        "macro die zichzelf twee keer aanroept": "{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}",
    }
    for what, extra in hostile.items():
        path = template(folder, extra)
        message, seconds = timed(lambda p=path: refused_template(p, lambda: read_template(p)))
        if "alinea 10" not in message:
            raise SystemExit(f"sjabloon met {what}: onverwachte melding: {message}")
        report(f"Sjabloon met {what} geweigerd", seconds, TEMPLATE)
    values = dict.fromkeys(PLACEHOLDERS, "waarde")
    for what in ("'x' * 10**9", "|center(1000000000)"):
        path = template(folder, hostile[what])
        unchecked = Sjabloon(path.name, path.read_bytes())
        _, seconds = timed(lambda p=path, s=unchecked: refused_template(
            p, lambda: fill(s, values)))
        report(f"Ongecontroleerd sjabloon met {what} gevuld en geweigerd", seconds, TEMPLATE)


def cli(folder: Path) -> None:
    path = template(folder, LOOP)
    command = [sys.executable, "-m", "analysis", "brieven", "--raw", str(RAW_DIR),
               "--processed", str(folder / "processed"), "--reports", str(folder / "reports"),
               "--periode", "2024-H1", "--sjabloon", str(path)]
    child, seconds = timed(lambda: subprocess.run(command, capture_output=True, text=True))
    if child.returncode != 2 or "alinea 10: een lus" not in child.stderr:
        raise SystemExit(f"brieven met een lus: afgesloten met {child.returncode}: "
                         f"{child.stderr}")
    report("CLI 'brieven' met een sjabloon met een lus geweigerd (nieuw proces)", seconds, CLI)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workbooks(Path(folder))
        large_export(Path(folder))
        templates(Path(folder))
        cli(Path(folder))
    print(f"{'Alle doelen gehaald' if not missed else f'{len(missed)} doel(en) niet gehaald'}")


if __name__ == "__main__":
    main()
