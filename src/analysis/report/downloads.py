"""A page's tables to take away: each as CSV the way Dutch Excel opens it (UTF-8 with BOM, ``;``
between fields, a decimal comma), and all of them as one Excel file, one sheet per table.

Both are embedded in the page as ``data:`` links with a ``download`` name: the page stays one
file that loads nothing from elsewhere. A text that a spreadsheet would take for a formula
(``=``, ``+``, ``-``, ``@`` first) is stored as text, never as a formula; control characters,
which a worksheet cannot hold, are left out of the Excel file.
"""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile

import pandas as pd
from IPython.display import HTML
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CSV_TYPE = "text/csv;charset=utf-8"
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries dated alike: the same tables, the same file


def _tekst_veilig(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that start like a formula get a leading apostrophe, as Excel itself does."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            safe[column] = values.astype(object).map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return safe


def _zonder_stuurtekens(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters (which a worksheet cannot hold) removed from text cells."""
    clean = frame.copy()
    for column in clean.columns:
        if pd.api.types.is_object_dtype(clean[column]) or pd.api.types.is_string_dtype(
                clean[column]):
            clean[column] = clean[column].astype(object).map(
                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    return clean


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for Dutch Excel: UTF-8 with BOM, ``;``, decimal comma, dates as
    ``19-11-2024``, no index."""
    text = _tekst_veilig(frame).to_csv(sep=";", decimal=",", index=False,
                                       date_format="%d-%m-%Y", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def bladnaam(naam: str, bezet: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of ``[]:*?/\\``), unique."""
    base = re.sub(r"[\[\]:*?/\\']", " ", naam).strip() or "Tabel"
    name, number = base[:31], 2
    while name.lower() in {b.lower() for b in bezet}:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    bezet.add(name)
    return name


def _deterministic(content: bytes) -> bytes:
    """The workbook with fixed entry dates and without the moment it was saved."""
    source = zipfile.ZipFile(io.BytesIO(content))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
            archive.writestr(zipfile.ZipInfo(item.filename, _FIXED_TIME), data,
                             zipfile.ZIP_DEFLATED)
    return target.getvalue()


def excel_bytes(tabellen: dict[str, pd.DataFrame]) -> bytes:
    """The tables as one .xlsx, a sheet per table named by its key."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for naam, frame in tabellen.items():
            sheet = bladnaam(naam, used)
            _zonder_stuurtekens(frame).to_excel(writer, sheet_name=sheet, index=False)
            for row in writer.sheets[sheet].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text from a file, never a formula
                        cell.data_type = "s"
    return _deterministic(buffer.getvalue())


def _link(content: bytes, soort: str, bestandsnaam: str, tekst: str) -> HTML:
    data = base64.b64encode(content).decode("ascii")
    name = html.escape(bestandsnaam, quote=True)
    return HTML(f'<p class="download"><a href="data:{soort};base64,{data}" download="{name}">'
                f"{html.escape(tekst)}</a></p>")


def csv_link(frame: pd.DataFrame, bestandsnaam: str) -> HTML:
    """'Download als CSV': the table in the page as a link that saves ``bestandsnaam``."""
    return _link(csv_bytes(frame), CSV_TYPE, bestandsnaam, "Download als CSV")


def excel_link(tabellen: dict[str, pd.DataFrame], bestandsnaam: str) -> HTML:
    """Every table of the page as one Excel file, saved as ``bestandsnaam``."""
    return _link(excel_bytes(tabellen), EXCEL_TYPE, bestandsnaam,
                 "Alle tabellen van deze pagina als Excel-bestand")


def bestandsnaam(*delen: str) -> str:
    """A file name from parts: lower case, letters, digits and hyphens only."""
    text = "-".join(delen).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "tabel"
