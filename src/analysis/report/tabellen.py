"""A table on a report page: its figures for download and its Dutch display, shown together.

``data`` holds the figures as numbers (Dutch column names, no index), for the CSV and Excel
downloads; ``weergave`` the same rows as text, written by :mod:`analysis.formatting`. The
page shows the display through :func:`toon.tabel` (every text escaped, no index, nothing cut
short) with a caption, and under it the CSV link. Only cells made by :func:`koppeling` are
shown as links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Number

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from analysis.report import downloads, toon

_PAGE = re.compile(r"^[a-z0-9-]+\.html$")


def koppeling(pagina: str, tekst: object) -> toon.Opmaak:
    """A relative link to another page of the same report folder, its text escaped."""
    if not _PAGE.match(pagina.lower()):
        raise ValueError(f"'{pagina}' is geen pagina van deze map")
    return toon.Opmaak(f'<a href="{html.escape(pagina, quote=True)}">{toon.tekst(tekst)}</a>')


def navigatie(*koppelingen: toon.Opmaak) -> HTML:
    """Links to the other pages, as one line above the page's content."""
    return HTML(f'<nav><p>{" · ".join(koppelingen)}</p></nav>')


def _getallen(column: pd.Series) -> bool:
    """Whether a column holds figures only (shown right-aligned)."""
    values = column.dropna()
    return len(values) > 0 and all(isinstance(v, Number) and not isinstance(v, bool)
                                   for v in values)


@dataclass(repr=False)
class Tabel:
    """One table of a page. Its plain-text form names it only: a notebook stores that form
    beside the HTML, and two frames' full reprs would cost more than the table's HTML."""

    naam: str                 # the sheet name in the page's Excel file
    bijschrift: str           # the caption, also the CSV's file name
    data: pd.DataFrame        # figures as numbers, for the downloads
    weergave: pd.DataFrame    # the same rows as text, for the page
    bestand: str              # the CSV's file name
    opmaak: Callable[[Styler], Styler] | None = None  # e.g. a row in bold

    def styler(self) -> Styler:
        """The display: escaped, captioned, without index; link cells kept as links."""
        styler = toon.tabel(self.weergave).hide(axis="index").set_uuid(
            downloads.bestandsnaam(self.naam)).set_caption(toon.tekst(self.bijschrift))
        links = [c for c in self.weergave.columns
                 if self.weergave[c].map(lambda v: isinstance(v, toon.Opmaak)).any()]
        if links:
            styler = styler.format(toon.tekst, subset=links)
        figures = [c for c in self.data.columns if c in self.weergave.columns
                   and _getallen(self.data[c])]
        if figures:
            styler = styler.set_properties(subset=figures, **{"text-align": "right"})
        return self.opmaak(styler) if self.opmaak else styler

    def _repr_html_(self) -> str:
        return self.styler().to_html() + downloads.csv_link(self.data, self.bestand).data

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        rijen = "1 rij" if len(self.data) == 1 else f"{len(self.data)} rijen"
        return f"Tabel({self.naam!r}, {rijen})"


def of_anders(tabel: Tabel, tekst: str) -> Tabel | HTML:
    """The table, or for an empty one a sentence saying so."""
    return tabel if len(tabel) else toon.alinea(tekst)


def excel(tabellen: list[Tabel], bestandsnaam: str) -> HTML:
    """The link to one Excel file with every table of the page, a sheet each."""
    return downloads.excel_link({t.naam: t.data for t in tabellen}, bestandsnaam)
