"""Ingest time of a 100,000-row person-level export with openpyxl and with calamine; then the
measurement time and the peak memory of ingesting a 1,000,000-row export with calamine."""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from analysis.ingest.measure import measure_xlsx
from analysis.ingest.mirror import ingest
from analysis.sample import MUNICIPALITIES, SYNTHETIC, write_tvs

ROWS = 100_000
LARGE_ROWS = 1_000_000
PEAK_BOUND_GIB = 4.0  # what ingesting the 1,000,000-row export may take at most
TVS = "tvs/TVS_export_huisvestingen_2022-2025.xlsx"
HEADER = ["Registratienummer", "Huishouden", "Relatie", "Geboortejaar", "Land van herkomst",
          "Gemeente", "Gemeentecode", "Datum huisvesting", "Nareiziger", "Mutatie", "Telling"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
KIND = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def people(rows: int = ROWS, seed: int = 7) -> pd.DataFrame:
    """Synthetic person-level rows in the sample's TVS layout, each a different person (a
    person housed twice is refused unless the second row is a correction)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 4 * 365, rows)
    return pd.DataFrame({
        "persoon_id": [f"V{n}" for n in rng.choice(9 * 10**9, rows, replace=False) + 10**9],
        "huishouden": [f"HH{n:08X}" for n in rng.integers(0, 16**8, rows)],
        "relatie": "Referent", "geboortejaar": rng.integers(1960, 2024, rows),
        "land": "Syrië",
        "gemeente_code": rng.choice(MUNICIPALITIES["gemeente_code"].to_numpy(), rows),
        "datum": [dt.date(2022, 1, 1) + dt.timedelta(days=int(d)) for d in days],
        "nareiziger": rng.random(rows) < 0.25, "mutatie": "Huisvesting", "telling": 1,
    })


def write_large_tvs(frame: pd.DataFrame, raw: Path) -> Path:
    """The same export as ``write_tvs``, written as sheet XML directly (openpyxl would take
    minutes for a million rows): shared strings, dates as serial numbers with a date style."""
    names = MUNICIPALITIES.set_index("gemeente_code")["gemeente_naam"]
    strings: dict[str, int] = {}

    def text(value: str) -> str:
        return f't="s"><v>{strings.setdefault(value, len(strings))}</v>'

    def row(number: int, cells: list[str]) -> bytes:
        return (f'<row r="{number}">' + "".join(
            f'<c r="{chr(65 + i)}{number}" {cell}</c>' for i, cell in enumerate(cells))
            + "</row>").encode()

    epoch = dt.date(1899, 12, 30)
    path = raw / TVS
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet.write(row(1, [text("Taakstellingvolgsysteem - export gehuisveste "
                                     "vergunninghouders")]))
            sheet.write(row(2, [text(SYNTHETIC)]))
            sheet.write(row(3, [text("Exportdatum"),
                                f's="1"><v>{(dt.date(2026, 1, 5) - epoch).days}</v>']))
            sheet.write(row(5, [text(label) for label in HEADER]))
            for number, person in enumerate(frame.itertuples(), start=6):
                sheet.write(row(number, [
                    text(person.persoon_id), text(person.huishouden), text(person.relatie),
                    f"><v>{person.geboortejaar}</v>", text(person.land),
                    text(names[person.gemeente_code]), text(person.gemeente_code),
                    f's="1"><v>{(person.datum - epoch).days}</v>',
                    text("Ja" if person.nareiziger else "Nee"), text(person.mutatie),
                    f"><v>{person.telling}</v>"]))
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(f'<sst xmlns="{MAIN}" uniqueCount="{len(strings)}">'.encode())
            for value in strings:
                shared.write(f"<si><t>{escape(value)}</t></si>".encode())
            shared.write(b"</sst>")
        parts = {"workbook.xml": "sheet.main", "worksheets/sheet1.xml": "worksheet",
                 "sharedStrings.xml": "sharedStrings", "styles.xml": "styles"}
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="/xl/{part}" ContentType="{KIND}.{kind}+xml"/>'
                      for part, kind in parts.items()) + "</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                         f'Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
                         '<sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/>'
            '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
            '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" '
            'applyNumberFormat="1"/></cellXfs></styleSheet>'))
    return path


def compare_engines() -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        start = time.perf_counter()
        write_tvs(people(), raw)
        print(f"Schrijven van {ROWS:,} persoonsrijen: {time.perf_counter() - start:.1f} s")
        timings = {}
        for engine in ("openpyxl", "calamine"):
            start = time.perf_counter()
            result = ingest(raw, engine=engine)
            timings[engine] = time.perf_counter() - start
            days = len(result.tables["realisatie_dag"])
            print(f"Ingest met {engine}: {timings[engine]:.2f} s "
                  f"({ROWS / timings[engine]:,.0f} rijen/s) -> {days} gemeente x dag")
        print(f"calamine is {timings['openpyxl'] / timings['calamine']:.1f}x sneller")


# Run in a child process, so that its peak memory is the ingest's own.
CHILD = """
import sys, time
from pathlib import Path
from analysis.ingest.mirror import ingest
start = time.perf_counter()
result = ingest(Path(sys.argv[1]), engine="calamine")
print(f"{time.perf_counter() - start:.1f} {len(result.tables['realisatie_dag'])}")
"""


def large_export() -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        start = time.perf_counter()
        path = write_large_tvs(people(LARGE_ROWS), raw)
        print(f"Schrijven van {LARGE_ROWS:,} persoonsrijen: {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 1024**2:.0f} MB)")
        start = time.perf_counter()
        with zipfile.ZipFile(path) as archive:
            sizes = measure_xlsx(archive, path.name)
        print(f"Meten vooraf: {time.perf_counter() - start:.1f} s "
              f"({sizes['Export'].rows:,} rijen × {sizes['Export'].cols} kolommen)")
        child = subprocess.run([sys.executable, "-c", CHILD, str(raw)], check=True,
                               capture_output=True, text=True)
        seconds, days = child.stdout.split()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1024**3
        print(f"Ingest met calamine: {seconds} s ({LARGE_ROWS / float(seconds):,.0f} rijen/s, "
              f"meten inbegrepen) -> {days} gemeente x dag")
        verdict = "binnen de grens" if peak <= PEAK_BOUND_GIB else "BOVEN DE GRENS"
        print(f"Piek geheugen {peak:.1f} GiB (grens {PEAK_BOUND_GIB:.0f} GiB): {verdict}")
        if peak > PEAK_BOUND_GIB:
            raise SystemExit(1)


def main() -> None:
    compare_engines()
    large_export()


if __name__ == "__main__":
    main()
