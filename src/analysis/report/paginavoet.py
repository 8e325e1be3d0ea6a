"""The foot of every printed sheet of a page: the line that identifies the page, set by the page
itself in a CSS ``@page`` rule beside the page number the style sheets give."""

from __future__ import annotations

import re

# a page's status in its identifying line: of the data it was made from
STATUS = {"definitief": "definitief", "voorlopig": "voorlopig",
          "lopend": "voorlopig, het halfjaar loopt nog"}


def css_tekst(text: str) -> str:
    """``text`` as a CSS string that nothing in it can end (nor the style element around it):
    every character but letters, digits and spaces as a CSS escape."""
    return '"' + re.sub(r"[^0-9A-Za-z ]", lambda m: f"\\{ord(m[0]):06x}", text) + '"'


def voet(text: str) -> str:
    """The ``@page`` rule that prints ``text`` at the foot of every sheet."""
    return f"@page {{ @bottom-left {{ content: {css_tekst(text)}; }} }}"
