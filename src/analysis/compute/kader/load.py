"""Reading a beoordelingskader from its TOML file: every key and value checked, with a Dutch
message that names the file, the block and what was expected.

One TOML file per province in ``kaders/`` (or any path); a kader is loaded completely checked
or not at all.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from analysis.compute.afstemming import SOURCES
from analysis.compute.kader.model import Kader, Oordeel
from analysis.compute.kader.probes import check_ratings
from analysis.compute.kader.rules import parse_rule
from analysis.compute.kader.terms import (
    LADDER_COLUMNS,
    MAX_UITLOOP,
    NORMS,
    ON_EXCUSE,
    RULE_COLUMNS,
    KaderError,
    quote,
)
from analysis.config import KADERS_DIR
from analysis.domain.telkalender import Telkalender
from analysis.tomlfile import TomlFileError, read_toml, soort

# bounds that keep a text fit for a report
LENGTHS = {"naam": 100, "toelichting": 2_000, "code": 40, "label": 200, "trede": 100}

TOP_KEYS = ("naam", "toelichting", "leidende_bron", "norm", "uitloop_dagen", "oordelen",
            "ladder")
RATING_KEYS = ("code", "label", "kleur", "regel", "bij_verschoning_van")
LADDER_KEYS = ("treden", "opschalen", "afschalen", "bij_verschoning")


def load_kader(name: str | Path) -> Kader:
    """A beoordelingskader by province name (``drenthe``) or path, checked completely."""
    path = Path(name)
    if not path.suffix:
        path = KADERS_DIR / f"{str(name).strip().lower().replace(' ', '-')}.toml"
    where = f"beoordelingskader {path.name}"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in KADERS_DIR.glob("*.toml")))
        raise KaderError(f"{where} niet gevonden (meegeleverd: {known})")
    try:
        data, content = read_toml(path)
    except TomlFileError as error:
        raise KaderError(f"{where}: {error}") from None
    raw_ratings = _required(data, "oordelen", list, where, "blokken [[oordelen]]")
    ladder = _required(data, "ladder", dict, where, "een tabel [ladder]")
    oordelen = tuple(_oordeel(item, f"{where}, oordeel {number}")
                     for number, item in enumerate(raw_ratings, start=1))
    codes = [o.code for o in oordelen]
    if len(set(codes)) != len(codes):
        raise KaderError(f"{where}: oordeelcodes komen dubbel voor: {', '.join(codes)}")
    for o in oordelen:
        unknown = set(o.bij_verschoning_van) - set(codes)
        if unknown:
            raise KaderError(f"{where}: oordeel '{o.code}' verwijst naar onbekend oordeel "
                             f"{', '.join(sorted(unknown))}")
    treden = _required(ladder, "treden", list, f"{where}, ladder", "een lijst van treden")
    if not all(_short_text(t, "trede") for t in treden):
        raise KaderError(f"{where}, ladder.treden: elke trede is tekst van hoogstens "
                         f"{LENGTHS['trede']} tekens")
    if len(treden) < 2 or len(set(treden)) != len(treden):
        raise KaderError(f"{where}: de ladder heeft minstens twee verschillende treden nodig")
    on_excuse = ladder.get("bij_verschoning", "niet_opschalen")
    if not isinstance(on_excuse, str) or on_excuse not in ON_EXCUSE:
        raise KaderError(f"{where}: bij_verschoning {quote(on_excuse)} bestaat niet; kies "
                         f"{' of '.join(ON_EXCUSE)}")
    _known_keys(data, TOP_KEYS, where)
    _known_keys(ladder, LADDER_KEYS, f"{where}, [ladder]")
    kader = Kader(
        naam=_text_field(data, "naam", where, required=True),
        toelichting=_text_field(data, "toelichting", where), path=path,
        oordelen=oordelen, treden=tuple(treden),
        opschalen=parse_rule(_required(ladder, "opschalen", object, f"{where}, ladder",
                                       "een regel"),
                             f"{where}, ladder.opschalen", LADDER_COLUMNS, set(codes)),
        afschalen=parse_rule(_required(ladder, "afschalen", object, f"{where}, ladder",
                                       "een regel"),
                             f"{where}, ladder.afschalen", LADDER_COLUMNS, set(codes)),
        bij_verschoning=on_excuse,
        leidende_bron=_leading(data.get("leidende_bron", "COA"), where),
        norm=_norm(data.get("norm", "taakstelling"), where),
        kalender=_kalender(data.get("uitloop_dagen", 0), data.get("leidende_bron", "COA"),
                           where),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    if not any(o.regel for o in oordelen):
        raise KaderError(f"{where}: geen enkel oordeel heeft een regel")
    check_ratings(oordelen, where, kader.norm)
    return kader




def _required(table: dict, key: str, kind: type, where: str, expected: str):
    """A key that must be there, with a value of the kind expected."""
    if key not in table:
        raise KaderError(f"{where}: verplichte sleutel '{key}' ontbreekt (verwacht {expected})")
    if not isinstance(table[key], kind):
        raise KaderError(f"{where}: {key} is {soort(table[key])}; verwacht {expected}")
    return table[key]


def _known_keys(table: dict, known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise KaderError(f"{where}: onbekende sleutel {', '.join(map(quote, unknown))} "
                         f"(bekend: {', '.join(known)})")


def _short_text(value: object, field: str) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= LENGTHS[field]


def _text_field(table: dict, key: str, where: str, required: bool = False) -> str:
    """Text a report shows (a name, a label, an explanation), not longer than it needs."""
    if key not in table and not required:
        return ""
    value = _required(table, key, str, where, "tekst")
    if not _short_text(value, key) and (required or value):
        raise KaderError(f"{where}: {key} moet tekst zijn van 1 tot {LENGTHS[key]} tekens (nu "
                         f"{len(value)})")
    return value


def _leading(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in SOURCES:
        raise KaderError(f"{where}: leidende_bron {quote(value)} bestaat niet; kies "
                         f"{' of '.join(SOURCES)}")
    return str(value)


def _norm(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in NORMS:
        raise KaderError(f"{where}: norm {quote(value)} bestaat niet; kies {' of '.join(NORMS)} "
                         "(taakstelling: de opgave gehuisvest; totaalopgave: de stand eindigt op "
                         "0 of hoger)")
    return str(value)


def _kalender(value: object, leading: object, where: str) -> Telkalender:
    """The counting calendar from ``uitloop_dagen``, the days after a half-year's end that still
    count for it: a whole number from 0 to ``MAX_UITLOOP``; counting per day needs COA
    (municipalities report per month)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UITLOOP:
        raise KaderError(f"{where}: uitloop_dagen '{str(value)[:40]}' is geen geheel getal van "
                         f"0 tot en met {MAX_UITLOOP} (24 betekent: de telling sluit op 25 "
                         "januari en 25 juli)")
    if value and leading != "COA":
        raise KaderError(f"{where}: uitloop_dagen vraagt een telling per dag en kan niet samen met "
                         f"leidende_bron '{leading}' (gemeenten rapporteren per maand)")
    return Telkalender(value)


def _oordeel(item: object, where: str) -> Oordeel:
    """One [[oordelen]] block; ``where`` names the file and the block's number."""
    if not isinstance(item, dict):
        raise KaderError(f"{where}: verwacht een blok [[oordelen]] met code, label, kleur en "
                         f"regel, gevonden {soort(item)}")
    code = _required(item, "code", str, where, "tekst")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code) or len(code) > LENGTHS["code"]:
        raise KaderError(f"{where}: code {quote(code)} moet een woord zijn van letters, "
                         f"cijfers, _ of - (hoogstens {LENGTHS['code']} tekens)")
    where = f"{where.rsplit(', oordeel ', 1)[0]}, oordeel '{code}'"
    _known_keys(item, RATING_KEYS, where)
    label = _text_field(item, "label", where, required=True)
    kleur = item.get("kleur", "")
    if not isinstance(kleur, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", kleur):
        raise KaderError(f"{where} heeft geen kleur als '#rrggbb'")
    excused = item.get("bij_verschoning_van", [])
    if not isinstance(excused, list) or not all(isinstance(c, str) for c in excused):
        raise KaderError(f"{where}: bij_verschoning_van moet een lijst van oordeelcodes zijn, "
                         "bijvoorbeeld [\"onvoldoende\"]")
    if ("regel" in item) == bool(excused):
        raise KaderError(f"{where} heeft óf een regel óf bij_verschoning_van nodig, niet "
                         "allebei of geen van beide")
    rule = parse_rule(item["regel"], where, RULE_COLUMNS) if "regel" in item else None
    return Oordeel(code=code, label=label, kleur=kleur, regel=rule,
                   bij_verschoning_van=tuple(excused))
