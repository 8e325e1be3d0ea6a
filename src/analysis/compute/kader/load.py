"""Reading a beoordelingskader from its TOML file: every key and value checked, with a Dutch
message that names the file, the block and what was expected.

One TOML file per province in ``kaders/`` (or any path); a kader is loaded completely checked
or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from pathlib import Path

from analysis import schema
from analysis.compute.afstemming import SOURCES
from analysis.compute.kader.maandsignalen import maandsignalen
from analysis.compute.kader.model import (
    OVERNAMES,
    Cohorten,
    Indeplaatsstelling,
    Kader,
    Oordeel,
    Vaststelling,
)
from analysis.compute.kader.probes import check_ratings
from analysis.compute.kader.rules import parse_rule
from analysis.compute.kader.terms import (
    COHORT_ORDERS,
    LADDER_COLUMNS,
    MAX_TERMIJN_HALFJAREN,
    MAX_UITLOOP,
    NORMS,
    ON_EXCUSE,
    RULE_COLUMNS,
    KaderError,
    code_word,
)
from analysis.config import KADERS_DIR, kader_path
from analysis.domain.gemeenten import provincies
from analysis.domain.telkalender import Telkalender
from analysis.schema import SchemaError, quote
from analysis.tomlfile import TomlFileError, read_toml

# bounds that keep a text fit for a report
LENGTHS = {"naam": 100, "toelichting": 2_000, "code": 40, "label": 200, "trede": 100}

TOP_KEYS = ("naam", "toelichting", "provincie", "vastgesteld", "leidende_bron", "norm",
            "uitloop_dagen", "oordelen", "ladder", "maandsignalen", "indeplaatsstelling",
            "cohorten")
ADOPTION_KEYS = ("datum", "kenmerk")
COHORT_KEYS = ("volgorde", "termijn_halfjaren")
COHORT_ORDER_HINT = ("oudste_eerst: wat een gemeente huisvest, gaat eerst van de oudste "
                     "achterstand af; nieuwste_eerst: eerst van de jongste")
RATING_KEYS = ("code", "label", "kleur", "regel", "bij_verschoning_van", "zin", "toezicht")
# what a rating's sentence for the letters may name: the figures of the half-year
SENTENCE_FIELDS = ("achterstand", "voorsprong", "opgave", "taakstelling", "realisatie",
                   "peildatum")
LADDER_KEYS = ("treden", "opschalen", "afschalen", "bij_verschoning")
NORM_HINT = ("taakstelling: de opgave gehuisvest; totaalopgave: de stand eindigt op 0 of "
             "hoger")


def load_kader(name: str | Path) -> Kader:
    """A beoordelingskader by province name (``drenthe``) or path, checked completely."""
    path = kader_path(name)
    where = f"beoordelingskader {path.name}"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in KADERS_DIR.glob("*.toml")))
        raise KaderError(f"{where} niet gevonden (meegeleverd: {known})")
    try:
        data, content = read_toml(path)
    except TomlFileError as error:
        raise KaderError(f"{where}: {error}") from None
    try:
        kader = _kader(data, where, path, hashlib.sha256(content).hexdigest())
    except SchemaError as error:
        raise KaderError(str(error)) from None
    check_ratings(kader.oordelen, where, kader.norm)
    return kader


def _kader(data: dict, where: str, path: Path, sha256: str) -> Kader:
    """The kader a file's content describes, every key checked."""
    blocks = schema.tables(data, "oordelen", where, "oordeel", "code, label, kleur en regel")
    ladder = schema.required(data, "ladder", dict, where, "een tabel [ladder]")
    oordelen = tuple(_oordeel(item, at) for at, item in blocks)
    codes = [o.code for o in oordelen]
    if len(set(codes)) != len(codes):
        raise KaderError(f"{where}: oordeelcodes komen dubbel voor: {', '.join(codes)}")
    for o in oordelen:
        unknown = set(o.bij_verschoning_van) - set(codes)
        if unknown:
            raise KaderError(f"{where}: oordeel '{o.code}' verwijst naar onbekend oordeel "
                             f"{', '.join(sorted(unknown))}")
    treden = schema.texts(ladder, "treden", f"{where}, ladder", LENGTHS["trede"], min_items=0)
    if len(treden) < 2 or len(set(treden)) != len(treden):
        raise KaderError(f"{where}: de ladder heeft minstens twee verschillende treden nodig")
    on_excuse = schema.choice(ladder, "bij_verschoning", ON_EXCUSE, where,
                              default="niet_opschalen")
    schema.known_keys(data, TOP_KEYS, where)
    schema.known_keys(ladder, LADDER_KEYS, f"{where}, [ladder]")
    rules = {key: parse_rule(schema.required(ladder, key, object, f"{where}, ladder",
                                             "een regel"),
                             f"{where}, ladder.{key}", LADDER_COLUMNS, set(codes))
             for key in ("opschalen", "afschalen")}
    kader = Kader(
        naam=schema.text(data, "naam", where, LENGTHS["naam"]),
        toelichting=schema.text(data, "toelichting", where, LENGTHS["toelichting"], default=""),
        path=path, oordelen=oordelen, treden=treden, **rules, bij_verschoning=on_excuse,
        leidende_bron=schema.choice(data, "leidende_bron", SOURCES, where, default="COA"),
        norm=schema.choice(data, "norm", NORMS, where, default="taakstelling", hint=NORM_HINT),
        kalender=_kalender(data.get("uitloop_dagen", 0), data.get("leidende_bron", "COA"),
                           where),
        sha256=sha256, provincie=_provincie(data, where),
        vastgesteld=_vastgesteld(data, where), maandsignalen=maandsignalen(data, where),
        indeplaatsstelling=_indeplaatsstelling(data, where),
        cohorten=_cohorten(data, where),
    )
    if not any(o.regel for o in oordelen):
        raise KaderError(f"{where}: geen enkel oordeel heeft een regel")
    return kader


def _indeplaatsstelling(data: dict, where: str) -> Indeplaatsstelling:
    """What GS take over after a besluit tot indeplaatsstelling ([indeplaatsstelling]: overname
    "totaalopgave" or "aantal", optional label of the fixed rating); the default without it."""
    if "indeplaatsstelling" not in data:
        return Indeplaatsstelling()
    at = f"{where}, [indeplaatsstelling]"
    block = schema.table(data["indeplaatsstelling"], at, "een tabel met overname en label")
    schema.known_keys(block, ("overname", "label"), at)
    return Indeplaatsstelling(
        overname=schema.choice(block, "overname", OVERNAMES, at, default="aantal",
                               hint="totaalopgave: de hele taakstelling met de achterstand; "
                                    "aantal: het aantal uit het besluit"),
        label=schema.text(block, "label", at, LENGTHS["label"],
                          default=Indeplaatsstelling().label))


def _provincie(data: dict, where: str) -> str | None:
    """The province whose kader this is, by its name as the list of municipalities spells it."""
    if "provincie" not in data:
        return None
    value = schema.text(data, "provincie", where, LENGTHS["naam"])
    known = {name.lower(): name for name in provincies()}
    if value.strip().lower() not in known:
        raise KaderError(f"{where}: provincie {quote(value)} is geen provincie (bekend: "
                         f"{', '.join(provincies())})")
    return known[value.strip().lower()]


def _vastgesteld(data: dict, where: str) -> Vaststelling | None:
    """The GS decision that adopted the kader ([vastgesteld] with datum and kenmerk), if any."""
    if "vastgesteld" not in data:
        return None
    at = f"{where}, [vastgesteld]"
    block = schema.required(data, "vastgesteld", dict, where,
                            "een tabel [vastgesteld] met datum en kenmerk")
    schema.required_keys(block, ADOPTION_KEYS, at)
    schema.known_keys(block, ADOPTION_KEYS, at)
    day = block["datum"]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise KaderError(f"{at}: datum {quote(str(day)[:40])} is geen datum (verwacht "
                         "bijvoorbeeld 2024-03-01)")
    return Vaststelling(day, schema.text(block, "kenmerk", at, LENGTHS["code"] * 2))


def _cohorten(data: dict, where: str) -> Cohorten | None:
    """The backlog per half-year of origin (``[cohorten]``), if the kader tracks it: the order
    housing clears the cohorts in and the default deadline in half-years."""
    if "cohorten" not in data:
        return None
    at = f"{where}, [cohorten]"
    block = schema.required(data, "cohorten", dict, where,
                            "een tabel [cohorten] met volgorde en termijn_halfjaren")
    schema.known_keys(block, COHORT_KEYS, at)
    return Cohorten(
        volgorde=schema.choice(block, "volgorde", COHORT_ORDERS, at, default="oudste_eerst",
                               hint=COHORT_ORDER_HINT),
        termijn_halfjaren=schema.integer(block, "termijn_halfjaren", at, low=1,
                                         high=MAX_TERMIJN_HALFJAREN, default=2))


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


def _oordeel(item: dict, where: str) -> Oordeel:
    """One [[oordelen]] block; ``where`` names the file and the block's number."""
    code = code_word(item, where, LENGTHS["code"])
    where = f"{where.rsplit(', oordeel ', 1)[0]}, oordeel '{code}'"
    schema.known_keys(item, RATING_KEYS, where)
    label = schema.text(item, "label", where, LENGTHS["label"])
    kleur = item.get("kleur", "")
    if not isinstance(kleur, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", kleur):
        raise KaderError(f"{where} heeft geen kleur als '#rrggbb'")
    excused = schema.texts(item, "bij_verschoning_van", where, LENGTHS["code"], default=(),
                           min_items=0, noun="oordeelcodes", example='["onvoldoende"]')
    if ("regel" in item) == bool(excused):
        raise KaderError(f"{where} heeft óf een regel óf bij_verschoning_van nodig, niet "
                         "allebei of geen van beide")
    rule = parse_rule(item["regel"], where, RULE_COLUMNS) if "regel" in item else None
    return Oordeel(code=code, label=label, kleur=kleur, regel=rule, bij_verschoning_van=excused,
                   zin=_sentence(item, "zin", where), toezicht=_sentence(item, "toezicht", where))


def _sentence(item: dict, key: str, where: str) -> str:
    """A rating's sentence for the letters; the fields it names in braces must be known."""
    text = schema.text(item, key, where, LENGTHS["toelichting"], default="")
    try:
        named = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        raise KaderError(f"{where}: {key} heeft een accolade die niet sluit (velden staan "
                         "tussen { en }, bijvoorbeeld {achterstand})") from None
    unknown = sorted(named - set(SENTENCE_FIELDS))
    if unknown:
        raise KaderError(f"{where}: {key} noemt onbekend veld {', '.join(unknown)} (bekend: "
                         f"{', '.join(SENTENCE_FIELDS)})")
    return text
