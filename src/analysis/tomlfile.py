"""Reading a configuration file in TOML safely: one place that turns every way a file can fail
to be read (missing, unreadable, too large, not UTF-8, not TOML, nested too deep) into one Dutch
sentence, and that names the type a value should have.

Callers add the file's name and raise their own error (``InputError``, ``KaderError``, ...).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

# a settings file, a kader or a decision register is a few kilobytes; a file this large is a
# mistake (or worse), and reading it whole would cost memory for nothing
MAX_BYTES = 1_000_000
_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


class TomlFileError(ValueError):
    """A configuration file that cannot be read as TOML; the message is Dutch and names no
    file (the caller does)."""


def read_toml(path: Path) -> tuple[dict, bytes]:
    """The parsed file and its bytes (for a checksum)."""
    content = _read_bytes(path)
    return parse_toml(content), content


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise TomlFileError("bestand bestaat niet") from None
    except IsADirectoryError:
        raise TomlFileError("is een map, geen bestand") from None
    except OSError as error:
        raise TomlFileError(f"kan niet worden gelezen ({error.strerror or error})") from None
    if len(content) > MAX_BYTES:
        raise TomlFileError(f"bestand is groter dan {MAX_BYTES // 1_000_000} MB; een "
                            "instellingenbestand is klein, is dit het goede bestand?")
    return content


def parse_toml(content: bytes) -> dict:
    """A settings file's bytes as TOML (UTF-8, a byte-order mark allowed)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise TomlFileError(f"geen UTF-8 (regel {line}, byte {error.start + 1}); sla het "
                            "bestand op als UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlFileError(f"geen geldige TOML {_position(str(error))}: "
                            f"{_in_dutch(str(error))}") from None
    except (RecursionError, MemoryError):
        raise TomlFileError("geen bruikbare TOML: lijsten of tabellen zijn te diep genest"
                            ) from None


# tomllib's messages (Python 3.11-3.13) in Dutch; a message not listed is quoted as it is
_DUTCH = [
    (r"Cannot overwrite a value", "deze sleutel heeft al een waarde"),
    (r"Cannot declare (.+) twice", r"\1 staat er twee keer"),
    (r"Cannot (?:mutate immutable namespace|redefine namespace) (.+)",
     r"\1 is al eerder vastgelegd en kan hier niet opnieuw"),
    (r"Duplicate inline table key (.+)", r"sleutel \1 staat twee keer in de tabel"),
    (r"Expected '=' after a key in a key/value pair", "verwacht '=' na de sleutel"),
    (r"Expected '\]' at the end of a table declaration", "verwacht ']' aan het eind van de "
     "tabelkop"),
    (r"Expected '\]\]' at the end of an array declaration", "verwacht ']]' aan het eind van de "
     "kop"),
    (r"Expected newline or end of document after a statement", "verwacht een nieuwe regel na "
     "de waarde"),
    (r"Invalid date or datetime", "ongeldige datum of tijd"),
    (r"Invalid hex value", "ongeldige hexadecimale waarde"),
    (r"Invalid initial character for a key part", "ongeldig teken aan het begin van een sleutel"),
    (r"Invalid statement", "ongeldige regel"),
    (r"Invalid value", "ongeldige waarde (tekst hoort tussen aanhalingstekens)"),
    (r"Unclosed array", "lijst niet afgesloten met ']'"),
    (r"Unclosed inline table", "tabel niet afgesloten met '}'"),
    (r"Unterminated string", "tekst niet afgesloten met een aanhalingsteken"),
    (r"Unescaped '\\' in a string", "losse '\\' in een tekst (schrijf '\\\\')"),
    (r"Escaped character is not a Unicode scalar value", "ongeldig teken na '\\'"),
    (r"(?:Found invalid|Illegal) character (.+)", r"ongeldig teken \1"),
]


def _in_dutch(message: str) -> str:
    """tomllib's English message without its position, in Dutch where it is known."""
    message = _POSITION.sub("", message)
    message = re.sub(r"\(((?:'[^']*',? ?)+)\)",  # a key as tomllib shows it: ('a', 'b')
                     lambda found: "'" + ".".join(re.findall(r"'([^']*)'", found.group(1))) + "'",
                     message)
    for pattern, dutch in _DUTCH:
        found = re.fullmatch(pattern, message)
        if found:
            return found.expand(dutch) if found.groups() else dutch
    return f"TOML-lezer meldt: {message}"


def _position(message: str) -> str:
    """'op regel 3, kolom 5' from tomllib's English message, or 'aan het einde …'."""
    found = _POSITION.search(message)
    if found is None:
        return ""
    if found.group(1) is None:
        return "aan het einde van het bestand"
    return f"op regel {found.group(1)}, kolom {found.group(2)}"


_KINDS = {str: "tekst", bool: "true of false", int: "een geheel getal", float: "een getal",
          list: "een lijst [...]", dict: "een tabel [...]"}


def soort(value: object) -> str:
    """What a TOML value is, in Dutch: for 'verwacht tekst, gevonden een lijst [...]'."""
    for kind, name in _KINDS.items():
        if isinstance(value, kind):
            return name
    return "een datum" if hasattr(value, "isoformat") else type(value).__name__
