"""Showing text from files on a report page as HTML: every text escaped, markup only our own.

Municipality names, a decision's reden and kenmerk, a kader's naam, labels and rungs all come
from files; shown through Markdown or a table's raw HTML, a ``<script>`` in one of them would
run in the reader's browser. The notebooks therefore show text only through these functions:
each escapes what it is given and wraps it in fixed markup written here (a heading, a
paragraph, bold, preformatted text), ``tabel`` makes a Styler escape every cell and label,
and a chart (:class:`Grafiek`) carries its alt text escaped into the ``<img>``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import struct

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler


class Opmaak(str):
    """A piece of HTML made here: escaped text inside our own fixed markup."""


def tekst(waarde: object) -> Opmaak:
    """``waarde`` as text in HTML: escaped, unless it is markup made here already."""
    return waarde if isinstance(waarde, Opmaak) else Opmaak(html.escape(str(waarde)))


def _samengesteld(delen: tuple[object, ...]) -> str:
    return "".join(tekst(deel) for deel in delen)


def vet(*delen: object) -> Opmaak:
    """The parts in bold, to be placed in a paragraph."""
    return Opmaak(f"<strong>{_samengesteld(delen)}</strong>")


def kop(*delen: object, niveau: int = 2) -> HTML:
    """A heading (``<h2>`` unless ``niveau`` says otherwise)."""
    if niveau not in range(1, 7):
        raise ValueError(f"niveau {niveau} is geen kopniveau (1 tot en met 6)")
    return HTML(f"<h{niveau}>{_samengesteld(delen)}</h{niveau}>")


def alinea(*delen: object) -> HTML:
    """A paragraph of text and bold parts (from :func:`vet`)."""
    return HTML(f"<p>{_samengesteld(delen)}</p>")


def lijst(regels: list[object]) -> HTML:
    """A bulleted list, one escaped line per item."""
    return HTML("<ul>" + "".join(f"<li>{tekst(regel)}</li>" for regel in regels) + "</ul>")


def resultaten(blok: str) -> HTML:
    """The letter's block of results in its own words as a table: its first line the caption,
    each 'label: figure' line a row, a line without a figure (the conclusion) under it."""
    kop, *regels = blok.splitlines()
    rows = "".join(f'<tr><th scope="row">{tekst(label)}</th><td>{tekst(waarde)}</td></tr>'
                   for label, waarde in (r.split(": ", 1) for r in regels if ": " in r))
    rest = "".join(f"<p>{tekst(r)}</p>" for r in regels if ": " not in r and r.strip())
    return HTML(f'<table class="resultaten smal"><caption>{tekst(kop)}</caption>'
                f"<tbody>{rows}</tbody></table>{rest}")


def samen(*stukken: HTML | None) -> HTML:
    """Headings, paragraphs and blocks made here, shown as one output; ``None`` is left out."""
    return HTML("".join(stuk.data for stuk in stukken if stuk is not None))


class Grafiek:
    """A chart with its Dutch alt text: what it shows and its key figure. A notebook shows it as
    ``<figure><img alt="…"></figure>``, the PNG drawn as the inline backend draws a Figure (its
    own dpi, laid out as drawn), so a page reads the same to a screen reader as it looks. With a
    narrow variant (``smal``, the same data drawn for a phone) the figure holds a ``<picture>``
    whose ``<source>`` a narrow screen shows instead; print and wider screens show the wide one,
    and both have the one alt text."""

    def __init__(self, figure: Figure, alt: str, smal: Figure | None = None):
        self.figure = figure
        self.alt = alt
        self.smal = smal

    def png(self) -> bytes:
        """The wide variant as PNG."""
        return _png(self.figure)

    def _repr_html_(self) -> str:
        image = f'<img {_afbeelding("src", self.figure)} alt="{html.escape(self.alt, quote=True)}">'
        if self.smal is None:
            return f"<figure>{image}</figure>"
        return (f'<figure><picture><source media="{SMAL_SCHERM}" '
                f'{_afbeelding("srcset", self.smal)}>{image}</picture></figure>')

    def __repr__(self) -> str:
        return f"Grafiek({self.alt!r})"


SMAL_SCHERM = "(max-width: 40em)"  # a phone: 640 CSS px or less; printed pages are wider


def _png(figure: Figure) -> bytes:
    """The figure as PNG, drawn once: ``savefig`` would lay it out in a draw of its own first
    (a fifth of a page's time on its charts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imsave

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buffer = io.BytesIO()
    imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png")
    return buffer.getvalue()


def _afbeelding(attribute: str, figure: Figure) -> str:
    """``figure`` as a PNG data URI in ``attribute``, with the PNG's width and height in pixels
    (its header's; a fraction of a pixel of the figure is not drawn)."""
    png = _png(figure)
    width, height = struct.unpack(">II", png[16:24])
    data = base64.b64encode(png).decode("ascii")
    return f'{attribute}="data:image/png;base64,{data}" width="{width}" height="{height}"'


_HEADER = re.compile(r'<th (?P<id>id="[^"]*" )?class="(?P<soort>col_heading|row_heading|index_name'
                     r'|blank)(?P<rest>[^"]*)" >')


def _scoped(table: str) -> str:
    """Styler's HTML with ``scope`` on every header cell (a column heading and the index's name
    head a column, an index label its row) and the empty corner as a data cell. Every text in it
    is escaped, so a ``<th`` is always the Styler's own."""
    def header(match: re.Match) -> str:
        kind = match["soort"]
        if kind == "blank":
            return f'<td class="blank{match["rest"]}" >'
        scope = "row" if kind == "row_heading" else "col"
        return f'<th {match["id"] or ""}class="{kind}{match["rest"]}" scope="{scope}" >'

    table = _HEADER.sub(header, table)
    table = re.sub(r'(<td class="blank[^"]*" >)&nbsp;</th>', r"\1</td>", table)
    return _labelled(table)


_HEADING = re.compile(r'<th [^>]*class="col_heading level\d+ col(?P<col>\d+)"[^>]*>(?P<text>.*?)'
                      r"</th>", re.S)
_CELL = re.compile(r'<td (?P<id>id="[^"]*" )?class="(?P<cls>data row\d+ col(?P<col>\d+)[^"]*)" >')
_DATE = re.compile(r'(<td [^>]*class="[^"]*)("[^>]*>\d{2}-\d{2}-\d{4}</td>)')
# columns from which a table is wide (the history of a municipality), wider (the overview), and
# up to which it is narrow
WIDE, WIDER, NARROW = 9, 13, 3
SHORT = 20  # rows up to which a table is printed on one sheet


def _labelled(table: str) -> str:
    """Every data cell with its column's heading as ``data-label`` (shown beside the cell when
    a narrow screen lays a row out as a card) and the table classed by its size: ``breed``
    from nine columns, ``breder`` from thirteen, ``smal`` up to three, ``kort`` up to twenty
    rows (printed whole when it has a total). The headings are escaped text already."""
    labels = {match["col"]: re.sub(r"<[^>]*>", "", match["text"]).strip()
              for match in _HEADING.finditer(table)}
    table = _CELL.sub(lambda m: f'<td {m["id"] or ""}class="{m["cls"]}" '
                                f'data-label="{labels.get(m["col"], "")}" >', table)
    table = _DATE.sub(r'\1 datum\2', table)  # a date is not broken at its hyphens
    classes = " ".join(
        (["breed"] if len(labels) >= WIDE else ["smal"] if len(labels) <= NARROW else [])
        + (["breder"] if len(labels) >= WIDER else [])
        + (["kort"] if table.count("<tr") <= SHORT + 1 else []))
    return re.sub(r"<table ", f'<table class="{classes}" ', table, count=1) if classes else table


class ScopedStyler(Styler):
    """A Styler whose HTML has header scopes (:func:`_scoped`); styled further as any Styler."""

    def to_html(self, **kwargs) -> str:
        """The table's HTML, returned (written to no file); also what a notebook shows."""
        return _scoped(super().to_html(**kwargs))


def tabel(frame: pd.DataFrame, bijschrift: str | None = None) -> ScopedStyler:
    """``frame`` styled escaping every cell, index and column label and their names (a Styler
    leaves text as HTML otherwise), with ``bijschrift`` as its escaped ``<caption>``, header
    scopes, numbers in Dutch notation (12.000; 15,5; nothing for a missing value) and numeric
    columns right-aligned. An index's name stands in the
    top-left corner when the columns have none, instead of a row of its own. Style it further
    with ``apply``; a later ``format`` would drop the escaping. Its id is a digest of the table,
    so the same table gives the same HTML."""
    if frame.index.nlevels == 1 and frame.index.name is not None and frame.columns.name is None:
        frame = frame.rename_axis(index=None, columns=frame.index.name)
    digest = hashlib.sha1(f"{bijschrift}\n{frame.to_csv()}".encode()).hexdigest()[:10]
    styler = ScopedStyler(frame, uuid=digest, caption=None if bijschrift is None
                          else html.escape(bijschrift))
    styler = styler.format(escape="html", na_rep="", precision=1, decimal=",", thousands=".")
    for axis in (0, 1):
        styler = styler.format_index(escape="html", axis=axis).format_index_names(
            escape="html", axis=axis)
    numeric = [number for number, dtype in enumerate(frame.dtypes)
               if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)]
    if numeric:  # by position: an index or columns may repeat (decisions on one date)
        styler = styler.set_table_styles([{"selector": f"td.col{number}",
                                           "props": [("text-align", "right")]}
                                          for number in numeric])
    return styler


def tabel_html(frame: pd.DataFrame, bijschrift: str | None = None) -> HTML:
    """A plain table as :func:`tabel` shows it (escaped, captioned, with header scopes), ready
    for a page; an unnamed default index (0, 1, 2, …) is left out."""
    styler = tabel(frame, bijschrift)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        styler = styler.hide(axis="index")
    return HTML(styler.to_html())
