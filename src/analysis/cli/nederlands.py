"""argparse in Dutch: its own texts (usage, errors, the help option, section titles) through
a small translation table.

argparse looks every text up through ``gettext`` (its module names ``_`` and ``ngettext``).
:class:`Parser` puts a Dutch translation in their place only while one of its methods runs, so
the rest of the process (pytest, a notebook) keeps argparse as it was. The table holds the
message ids of Python 3.11 to 3.13; an id it lacks stays English, which the tests of the command
line would show.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
from collections.abc import Iterator

MESSAGES = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "optional arguments": "opties",
    "subcommands": "opdrachten",
    "show this help message and exit": "toon deze hulp en stop",
    "show program's version number and exit": "toon het versienummer en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: waarschuwing: %(message)s\n",
    # a message about one option starts with its name, as the tool's own messages do
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "onbekende opties: %s",
    "the following arguments are required: %s": "verplicht, maar niet opgegeven: %s",
    "one of the arguments %s is required": "een van deze opties is verplicht: %s",
    "not allowed with argument %s": "niet samen met %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "onbekende opdracht %(parser_name)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht een waarde",
    "expected at most one argument": "verwacht hooguit één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "ambiguous option: %(option)s could match %(matches)s":
        "optie %(option)s is niet eenduidig: bedoeld kan zijn %(matches)s",
    "ignored explicit argument %r": "deze optie krijgt geen waarde, niet %r",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
    "command '%(parser_name)s' is deprecated": "opdracht '%(parser_name)s' verdwijnt",
    "option '%(option)s' is deprecated": "optie '%(option)s' verdwijnt",
    "argument '%(argument_name)s' is deprecated": "argument '%(argument_name)s' verdwijnt",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("verwacht %s waarde",
                                                        "verwacht %s waarden"),
}


class Dutch(gettext.NullTranslations):
    """A translation from :data:`MESSAGES`; an unknown id is returned as it is."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        singular, plural = PLURALS.get((msgid1, msgid2), (msgid1, msgid2))
        return singular if n == 1 else plural


DUTCH = Dutch()


@contextlib.contextmanager
def in_dutch() -> Iterator[None]:
    """argparse's texts in Dutch within the block (nested blocks are fine)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = DUTCH.gettext, DUTCH.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts are Dutch; its subcommands are Parsers too."""

    def __init__(self, *args, **kwargs) -> None:
        with in_dutch():  # the help option and the section titles are made here
            super().__init__(*args, **kwargs)

    def parse_known_args(self, *args, **kwargs):
        with in_dutch():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args, **kwargs):
        with in_dutch():  # 3.11 words 'unrecognized arguments' here
            return super().parse_args(*args, **kwargs)

    def format_usage(self) -> str:
        with in_dutch():
            return super().format_usage()

    def format_help(self) -> str:
        with in_dutch():
            return super().format_help()

    def error(self, message: str):
        with in_dutch():
            super().error(message)


def integer(text: str) -> int:
    """A whole number for ``type=``; a Dutch message otherwise."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen geheel getal") from None
