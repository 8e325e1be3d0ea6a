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
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise TomlFileError(f"geen UTF-8 (regel {line}, byte {error.start + 1}); sla het "
                            "bestand op als UTF-8") from None
    try:
        return tomllib.loads(text), content
    except tomllib.TOMLDecodeError as error:
        raise TomlFileError(f"geen geldige TOML {_position(str(error))}(TOML-lezer meldt: "
                            f"{_POSITION.sub('', str(error))})") from None
    except (RecursionError, MemoryError):
        raise TomlFileError("geen bruikbare TOML: lijsten of tabellen zijn te diep genest"
                            ) from None


def _position(message: str) -> str:
    """'op regel 3, kolom 5 ' from tomllib's English message, or 'aan het einde '."""
    found = _POSITION.search(message)
    if found is None:
        return ""
    if found.group(1) is None:
        return "aan het einde van het bestand "
    return f"op regel {found.group(1)}, kolom {found.group(2)} "


_KINDS = {str: "tekst", bool: "true of false", int: "een geheel getal", float: "een getal",
          list: "een lijst [...]", dict: "een tabel [...]"}


def soort(value: object) -> str:
    """What a TOML value is, in Dutch: for 'verwacht tekst, gevonden een lijst [...]'."""
    for kind, name in _KINDS.items():
        if isinstance(value, kind):
            return name
    return "een datum" if hasattr(value, "isoformat") else type(value).__name__
