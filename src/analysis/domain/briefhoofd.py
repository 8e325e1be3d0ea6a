"""The letterhead of the letters, from ``[afzender]`` in brieven.toml: the sender's ``naam``
(default "Provincie <provincie>"), ``adres`` lines, ``website``, ``telefoon`` and a ``logo``, a
PNG or JPEG file next to the settings. All are optional; each is checked with a Dutch message
naming the entry. The logo is read on ingest and stored with its hash like a template, so the
letters read it from the processed folder only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from analysis import schema
from analysis.problems import InputError, Problem

HEAD_KEYS = ("naam", "adres", "website", "telefoon", "logo")
MAX_HEAD_TEXT = 200  # a name, an address line, a website or a phone number is far shorter
MAX_ADDRESS_LINES = 6
MAX_LOGO_BYTES = 2_000_000  # a letterhead's logo is some tens of kilobytes
MAX_LOGO_PIXELS = 25_000_000  # what LibreOffice unpacks to print it
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
LOGO_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class Briefhoofd:
    """The sender as the letterhead and the footer show it; ``logo`` is the logo's path
    relative to the raw folder (as the stored settings name it), None without one."""

    naam: str = ""
    adres: tuple[str, ...] = ()
    website: str = ""
    telefoon: str = ""
    logo: str | None = None
    logo_inhoud: bytes | None = field(default=None, repr=False)  # the stored file's bytes

    def regels(self) -> list[str]:
        """The sender block's lines under the name: address lines, website, telephone."""
        return [*self.adres, *(item for item in (self.website, self.telefoon) if item)]

    def voetregel(self) -> str:
        """The footer: name, address lines, website and telephone on one line."""
        return " · ".join([self.naam, *self.regels()])


def briefhoofd(sender: dict, provincie: str, where: str, problems: list[Problem],
               missing: Callable[[str], str | None]) -> Briefhoofd:
    """The letterhead from the ``[afzender]`` table ``sender``; every problem is added to
    ``problems``. ``missing`` says why the logo (its path relative to the raw folder) cannot be
    used, None if it can."""
    errors: list[schema.SchemaError] = []
    name = schema.collect(errors, lambda: schema.text(
        sender, "naam", "[afzender]", MAX_HEAD_TEXT, default=f"Provincie {provincie}"), "")
    lines = schema.collect(errors, lambda: schema.texts(
        sender, "adres", "[afzender]", MAX_HEAD_TEXT, default=(), min_items=1,
        max_items=MAX_ADDRESS_LINES, noun="adresregels",
        example='["Westerbrink 1, 9405 BJ Assen", "Postbus 122, 9400 AC Assen"]'), ())
    website, phone = (schema.collect(errors, lambda key=key: schema.text(
        sender, key, "[afzender]", MAX_HEAD_TEXT, default=""), "")
        for key in ("website", "telefoon"))
    problems += [Problem(where, str(error)) for error in errors]
    logo = _logo(sender["logo"], where, problems, missing) if "logo" in sender else None
    return Briefhoofd(name, tuple(lines), website, phone, logo)


def _logo(file: object, where: str, problems: list[Problem],
          missing: Callable[[str], str | None]) -> str | None:
    """The logo named in the settings, relative to the settings file: its path relative to
    the raw folder, None (with a problem) when it is no PNG or JPEG file that is there."""
    entry = "[afzender] logo"
    if not isinstance(file, str) or not file.strip() or len(file) > 500 or "\0" in file:
        problems.append(Problem(where, f"{entry}: verwacht de naam van een PNG- of "
                                       "JPEG-bestand naast brieven.toml, bijvoorbeeld "
                                       "\"logo.png\""))
        return None
    found = PurePosixPath(where).parent / file
    if found.suffix.lower() not in LOGO_SUFFIXES:
        problems.append(Problem(where, f"{entry}: {file} is geen PNG- of JPEG-bestand (.png, "
                                       ".jpg of .jpeg)"))
        return None
    why = missing(found.as_posix())
    if why is not None:
        problems.append(Problem(where, f"{entry}: {why}"))
        return None
    return found.as_posix()


def logo_problem(content: bytes) -> str | None:
    """Why these bytes cannot be a letterhead's logo (too large, no PNG or JPEG image, too
    many pixels); None when they can."""
    from docx.image.image import Image  # here: reading the settings without a logo needs none

    if len(content) > MAX_LOGO_BYTES:
        return _too_large(len(content))
    try:
        image = Image.from_blob(content)
    except Exception:  # a broken header gives struct.error, IndexError, ...
        return "het bestand is geen leesbare PNG- of JPEG-afbeelding"
    if image.content_type not in LOGO_TYPES:
        return f"het bestand is geen PNG- of JPEG-afbeelding (maar {image.content_type})"
    if not image.px_width or not image.px_height:
        return "de afbeelding heeft geen breedte of hoogte"
    if image.px_width * image.px_height > MAX_LOGO_PIXELS:
        return (f"de afbeelding heeft {image.px_width} × {image.px_height} beeldpunten; een "
                f"logo heeft er hoogstens {MAX_LOGO_PIXELS // 1_000_000} miljoen")
    return None


def _too_large(size: int) -> str:
    return f"het logo is {size // 1000} kB; een logo is hoogstens {MAX_LOGO_BYTES // 1000} kB"


def read_logo_file(path: Path, where: str) -> bytes:
    """A logo's bytes, checked (:func:`logo_problem`); a Dutch problem naming ``where`` (the
    settings file), the entry and the file otherwise."""
    content = b""
    try:
        size = path.stat().st_size
        why = _too_large(size) if size > MAX_LOGO_BYTES else logo_problem(
            content := path.read_bytes())
    except FileNotFoundError:
        why = f"{path} bestaat niet"
    except OSError as error:
        why = f"{path} kan niet worden gelezen ({error.strerror or error})"
    else:
        why = why and f"{path.name}: {why}"
    if why is not None:
        raise InputError([Problem(where, f"[afzender] logo: {why}")])
    return content
