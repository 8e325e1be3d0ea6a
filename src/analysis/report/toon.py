"""Showing text from files on a report page as HTML: every text escaped, markup only our own.

Municipality names, a decision's reden and kenmerk, a kader's naam, labels and rungs all come
from files; shown through Markdown or a table's raw HTML, a ``<script>`` in one of them would
run in the reader's browser. The notebooks therefore show text only through these functions:
each escapes what it is given and wraps it in fixed markup written here (a heading, a
paragraph, bold, preformatted text), and ``tabel`` makes a Styler escape every cell and label.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML
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


def blok(waarde: object) -> HTML:
    """Preformatted text, line breaks and spacing kept: the letter's block of results."""
    return HTML(f"<pre>{tekst(waarde)}</pre>")


def samen(*stukken: HTML | None) -> HTML:
    """Headings, paragraphs and blocks made here, shown as one output; ``None`` is left out."""
    return HTML("".join(stuk.data for stuk in stukken if stuk is not None))


def tabel(frame: pd.DataFrame) -> Styler:
    """``frame.style`` escaping every cell, index and column label and their names: a Styler
    leaves text as HTML otherwise (``DataFrame.to_html`` does escape). Style it further with
    ``apply``; a later ``format`` would drop the escaping."""
    styler = frame.style.format(escape="html")
    for axis in (0, 1):
        styler = styler.format_index(escape="html", axis=axis).format_index_names(
            escape="html", axis=axis)
    return styler
