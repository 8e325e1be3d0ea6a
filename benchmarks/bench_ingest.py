"""The ingest against its reading floor, in CPU seconds of whole processes, and its peak memory.

The floor (``benchmarks/leesvloer.py``) reads the same sheets' cells with python-calamine into
DataFrames and writes them as Parquet, with no validation. Measured: the sample (the default
ingest, and the ingest with nothing changed), a refused period after a run, and synthetic
person-level exports of 100,000 and 1,000,000 rows; for the largest also the measurement that
guards the reader, against calamine's own reading of the sheet. Each figure is the best of a
few runs (the least disturbed by other work); each target is said to be met or not."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from analysis.config import RAW_DIR
from analysis.sample import MUNICIPALITIES, SYNTHETIC

ROWS = 100_000
LARGE_ROWS = 1_000_000
PEAK_TARGET_GIB = 1.0  # what ingesting the 1,000,000-row export may take at most
FLOOR = Path(__file__).with_name("leesvloer.py")
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


def child(args: list[str], env: dict[str, str] | None = None) -> tuple[int, float, float]:
    """Run ``python args`` and return its exit code, its CPU seconds and its peak memory (GiB),
    its own (wait4), not those of earlier children."""
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    process.stderr and process.stderr.close()
    if process.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(args)} faalde: {error}")
    return process.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2


def best(args: list[str], runs: int) -> tuple[float, float]:
    """The least CPU of ``runs`` runs, and the highest peak memory among them."""
    results = [child(args) for _ in range(runs)]
    return min(cpu for _, cpu, _ in results), max(peak for *_, peak in results)


def verdict(met: bool) -> str:
    return "gehaald" if met else "NIET GEHAALD"


def ingest_args(raw: Path, processed: Path, *extra: str) -> list[str]:
    return ["-m", "analysis", "ingest", "--raw", str(raw), "--processed", str(processed), *extra]


def against_floor(label: str, raw: Path, runs: int, peak_target: float | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        processed, out = Path(folder) / "processed", Path(folder) / "vloer"
        full, peak = best(ingest_args(raw, processed, "--opnieuw"), runs)
        floor, floor_peak = best([str(FLOOR), str(raw), str(processed), str(out)], runs)
        print(f"{label}: ingest {full:.2f} s CPU, piek {peak:.2f} GiB; leesvloer {floor:.2f} s "
              f"CPU, piek {floor_peak:.2f} GiB; verhouding {full / floor:.2f}x (doel <= 2x: "
              f"{verdict(full <= 2 * floor)})")
        if peak_target is not None:
            print(f"  piek geheugen {peak:.2f} GiB (doel <= {peak_target:.0f} GiB: "
                  f"{verdict(peak <= peak_target)})")


def sample() -> None:
    """The sample: default ingest against its floor; the ingest with nothing changed; a
    refused period after a run; each against the full ingest."""
    against_floor("Voorbeeld (60 werkmappen)", RAW_DIR, runs=5)
    with tempfile.TemporaryDirectory() as folder:
        processed, reports = Path(folder) / "processed", Path(folder) / "reports"
        full, _ = best(ingest_args(RAW_DIR, processed, "--opnieuw"), 3)
        same, _ = best(ingest_args(RAW_DIR, processed), 5)
        print(f"  niets gewijzigd: {same:.2f} s CPU = {same / full:.2f}x de volledige ingest "
              f"(doel <= 0,25x: {verdict(same <= 0.25 * full)})")
        run = ["-m", "analysis", "run", "--raw", str(RAW_DIR), "--processed", str(processed),
               "--reports", str(reports)]
        child([*run, "--jobs", "2"])
        refused, _ = best([*run, "--periode", "2030-H1"], 5)
        print(f"  run --periode 2030-H1 na een run: {refused:.2f} s CPU = {refused / full:.2f}x "
              f"de volledige ingest (doel <= 0,5x: {verdict(refused <= 0.5 * full)})")


def measurement(path: Path) -> None:
    """The guard against hostile workbooks against calamine's own reading of the sheet, each
    the best of three runs."""
    code = ("import sys, time, zipfile\n"
            "from python_calamine import CalamineWorkbook\n"
            "from analysis.ingest.measure import measure_xlsx\n"
            "start = time.process_time()\n"
            "with zipfile.ZipFile(sys.argv[1]) as archive:\n"
            "    measure_xlsx(archive, 'export')\n"
            "measured = time.process_time() - start\n"
            "start = time.process_time()\n"
            "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name('Export').to_python()\n"
            "print(measured, time.process_time() - start)")
    runs = [[float(value) for value in subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True,
        check=True).stdout.split()] for _ in range(3)]
    measured, read = (min(run[index] for run in runs) for index in (0, 1))
    print(f"  meten vooraf {measured:.2f} s CPU, calamine leest het blad in {read:.2f} s CPU: "
          f"{measured / read:.2f}x (doel <= 0,2x: {verdict(measured <= 0.2 * read)})")


def exports() -> None:
    for rows, runs in ((ROWS, 3), (LARGE_ROWS, 1)):
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder)
            path = write_large_tvs(people(rows), raw)
            label = f"TVS-export {rows:,} rijen ({path.stat().st_size / 1024**2:.0f} MB)"
            against_floor(label.replace(",", "."), raw, runs,
                          PEAK_TARGET_GIB if rows == LARGE_ROWS else None)
            if rows == LARGE_ROWS:
                measurement(path)


def main() -> None:
    print(f"Ingest tegen de leesvloer, {dt.date.today()}, belasting bij de start "
          f"{os.getloadavg()[0]:.2f}")
    sample()
    exports()


if __name__ == "__main__":
    main()
