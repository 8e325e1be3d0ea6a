"""The decision register: every supervision decision of Gedeputeerde Staten, as data (read and
stored by ingest, see ``ingest/register.py``; its entries are checked here).

``data/raw/besluiten/*.toml`` holds ``[[besluit]]`` entries. Every entry has ``soort``, the
municipalities (``gemeente = "De Wolden"`` or ``gemeenten = "alle"`` or a list), ``datum`` (the
day GS decided), ``reden`` and, where there is one, ``kenmerk``. Each kind adds its own fields:

=============================  ==================================================================
``starttrede``                 ``trede``: the rung on the interventieladder when the register starts
``trede``                      ``trede``: a rung GS set (up or down, any number of rungs)
``verschoning``                ``periode`` or ``peildatum``; optional ``personen`` (else the whole
                               backlog)
``plan_van_aanpak``            ``status`` (gevraagd, ontvangen, akkoord); optional ``termijn``
``inhaalafspraak``             ``aantal`` persons by ``uiterlijk``
``voornemen_indeplaatsstelling`` ``aantal``, ``resultaten``, ``termijn``, ``zienswijze_termijn``
``besluit_indeplaatsstelling``  ``aantal``, ``resultaten``, ``termijn``; optional ``ingang`` (from
                               when GS carry out the task; default its ``datum``)
``intrekking``                 ``verwijst_naar``: the kenmerk of the decision withdrawn
``bezwaar``, ``beroep``         ``verwijst_naar``; optional ``uitkomst`` (gegrond withdraws it)
``kwijtschelding``             ``periode`` or ``peildatum``, ``personen``
``verdeling``                  ``verdeling``: shares of a split municipality's successors
``uitruil``                    ``periode``, ``verschuiving``: persons added to (or taken from)
                               each municipality's taakstelling by an art. 29(2) agreement
                               between their colleges or a regional pooling; the sum is 0
``cohort``                     ``cohort`` (a half-year of origin), ``termijn``; optional ``aantal``
                               (the persons GS named) and ``trede`` (the cohort's own rung); only
                               with a kader that has ``[cohorten]``
``cohortvolgorde``             ``volgorde`` (oudste_eerst, nieuwste_eerst): the order the
                               municipality's cohorts are housed in; only with ``[cohorten]``
=============================  ==================================================================

Every entry is checked on load; the problems name the file and the entry, in Dutch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

from analysis import schema
from analysis.compute.kader.terms import COHORT_ORDERS
from analysis.domain import gemeenten
from analysis.domain.besluiten import Register
from analysis.domain.herindelingen import overgangen
from analysis.domain.periods import PeriodeError, parse_periode, periode_from_index, periode_index
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.domain.values import missing, same
from analysis.formatting import datum
from analysis.problems import InputError, Problem
from analysis.tomlfile import soort

STATUSES = ("gevraagd", "ontvangen", "akkoord")
OUTCOMES = ("ingediend", "gegrond", "ongegrond", "niet-ontvankelijk", "ingetrokken")
# the fields each kind needs (beyond soort, gemeente(n), datum, reden, kenmerk) and may have
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "starttrede": (("trede",), ()),
    "trede": (("trede",), ()),
    "verschoning": (("periode",), ("personen",)),
    "plan_van_aanpak": (("status",), ("termijn",)),
    "inhaalafspraak": (("aantal", "uiterlijk"), ()),
    "voornemen_indeplaatsstelling": (("aantal", "resultaten", "termijn", "zienswijze_termijn"),
                                     ()),
    "besluit_indeplaatsstelling": (("aantal", "resultaten", "termijn"), ("ingang",)),
    "intrekking": (("verwijst_naar",), ()),
    "bezwaar": (("verwijst_naar",), ("uitkomst",)),
    "beroep": (("verwijst_naar",), ("uitkomst",)),
    "kwijtschelding": (("periode", "personen"), ()),
    "verdeling": (("verdeling",), ()),
    "uitruil": (("periode", "verschuiving"), ()),
    "cohort": (("cohort", "termijn"), ("aantal", "trede")),
    "cohortvolgorde": (("volgorde",), ()),
}
COHORT_KINDS = ("cohort", "cohortvolgorde")  # need a kader with [cohorten]
DATES = ("datum", "termijn", "uiterlijk", "zienswijze_termijn", "ingang")
COLUMNS = ["besluit", "soort", "gemeente_code", "datum", "kenmerk", "reden", "periode", "trede",
           "personen", "aantal", "uiterlijk", "termijn", "zienswijze_termijn", "status",
           "resultaten", "verwijst_naar", "uitkomst", "cohort", "volgorde", "alle_gemeenten",
           "verschuiving", "ingang"]
ALLE = "alle"  # gemeenten = "alle": the decision is about every municipality
SHARES = ["oud_code", "nieuw_code", "gewicht"]
# the longest text a field may hold: a reason is a sentence or two, a kenmerk a short code
MAX_TEXT = {"reden": 2_000, "resultaten": 2_000, "kenmerk": 100, "verwijst_naar": 100}


def load_register(source: Register | None, alle_gemeenten: list[str],
                  treden: tuple[str, ...] = (),
                  kalender: Telkalender = STANDAARD,
                  periodes: list[str] | None = None,
                  cohorten: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per decision and municipality, every entry checked; empty without a register.
    ``alle_gemeenten`` marks the rows of an entry about every municipality (``gemeenten =
    "alle"``), which a product may show as one row.
    ``treden`` are the kader's rungs (a rung must be one of them); ``kalender`` its
    counting calendar (a peildatum must close a half-year); ``periodes`` the half-years in the
    data (an uitruil must be about one of them; not checked when None); ``cohorten`` the
    half-years a cohort decision may name (:func:`cohortbereik`; empty: any), None when the
    kader has no ``[cohorten]`` (then such decisions are refused)."""
    if source is None:
        return _typed(pd.DataFrame(columns=COLUMNS))
    rows, problems = [], []
    entries = source.entries()
    where = _entry_lines(source.inhoud, len(entries))
    for number, entry in enumerate(entries, start=1):
        try:
            rows.extend(_decision(entry, number, alle_gemeenten, treden, kalender, periodes,
                                  cohorten))
        except ValueError as error:
            problems.append(Problem(source.naam, f"{where(number)}: {error}"))
    register = _typed(pd.DataFrame(rows, columns=COLUMNS))
    problems.extend(Problem(source.naam, text) for text in _repeats(register, where))
    if problems:
        raise InputError(problems)
    return register


def _entry_lines(content: bytes, count: int) -> Callable[[int], str]:
    """How a message names entry ``number``: 'besluit 3 (regel 20)', the line of its
    ``[[besluit]]`` header; without the line when the file writes its entries otherwise."""
    text = content.decode("utf-8-sig")  # read_toml checked it is UTF-8
    lines = [number for number, line in enumerate(text.splitlines(), start=1)
             if re.match(r"\s*\[\[\s*besluit\s*\]\]", line)]
    if len(lines) != count:
        return lambda number: f"besluit {number}"
    return lambda number: f"besluit {number} (regel {lines[number - 1]})"


# what makes two decisions the same decision: the same kind, for the same municipality, on
# the same day, about the same half-year or the same earlier decision
SAME_DECISION = ["soort", "gemeente_code", "datum", "periode", "cohort", "verwijst_naar"]
LONG_TEXT = ("reden", "resultaten")  # named as changed, not quoted


def _repeats(register: pd.DataFrame, where: Callable[[int], str]) -> list[str]:
    """A line per entry that repeats an earlier one (for one of its municipalities), with what
    differs, and per entry that carries an earlier entry's kenmerk."""
    lines = []
    keyed = register.fillna({"periode": "", "cohort": "", "verwijst_naar": ""})
    again = keyed[keyed.duplicated(SAME_DECISION, keep="first")]
    firsts = keyed.drop_duplicates(SAME_DECISION).set_index(SAME_DECISION)["besluit"]
    pairs = again.assign(eerder=[firsts[tuple(row)] for row in
                                 again[SAME_DECISION].itertuples(index=False)])
    for (number, earlier), rows in pairs.groupby(["besluit", "eerder"], sort=True):
        if number == earlier:
            continue  # one entry naming a municipality twice is reported by _municipalities
        first = register[register["besluit"] == earlier].iloc[0]
        row = rows.iloc[0]
        changed = [_change(field, row[field], first[field]) for field in COLUMNS
                   if field not in (*SAME_DECISION, "besluit", "alle_gemeenten")
                   and not same(row[field], first[field])]
        tail = (f", met {' en '.join(changed)}; welke geldt? herstel of verwijder een van beide"
                if changed else " met dezelfde inhoud; verwijder een van beide")
        subject = f" over {row['periode']}" if row["periode"] else (
            f" over cohort {row['cohort']}" if row["cohort"] else (
                f" op {row['verwijst_naar']}" if row["verwijst_naar"] else ""))
        lines.append(f"{where(number)} herhaalt {where(earlier)}: {row['soort']} voor "
                     f"{_names(rows['gemeente_code'])}{subject} van {datum(row['datum'])}"
                     f"{tail}")
    marked = register[register["kenmerk"] != ""].drop_duplicates(["besluit"])
    shared = marked[marked.duplicated("kenmerk", keep="first")]
    for row in shared.itertuples():
        first = marked[marked["kenmerk"] == row.kenmerk].iloc[0]
        lines.append(f"{where(row.besluit)}: kenmerk {row.kenmerk} staat ook bij "
                     f"{where(first['besluit'])}; elk besluit heeft een eigen kenmerk (een "
                     "intrekking, bezwaar of beroep verwijst ernaar)")
    return lines


def _names(codes: pd.Series) -> str:
    names = sorted(gemeenten.naam(codes.drop_duplicates()).tolist())
    return ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:3])} en " \
        f"{len(names) - 3} andere gemeenten"


def _change(field: str, value: object, original: object) -> str:
    if field in LONG_TEXT:
        return f"een andere {field}"
    return f"{field} {_shown(value)} in plaats van {_shown(original)}"


def _shown(value: object) -> str:
    if missing(value) or value == "":
        return "niet gegeven"
    return datum(value) if isinstance(value, pd.Timestamp) else str(value)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    types = {column: "datetime64[ns]" for column in DATES} | {
        "besluit": "int64", "personen": "Int64", "aantal": "Int64", "alle_gemeenten": "bool",
        "verschuiving": "Int64"}
    types |= {column: "string" for column in COLUMNS if column not in types}
    return frame.astype(types)


def _decision(entry: object, number: int, alle: list[str], treden: tuple[str, ...],
              kalender: Telkalender, periodes: list[str] | None = None,
              cohorten: tuple[str, ...] | None = None) -> list[dict]:
    schema.table(entry, "", "een blok [[besluit]] met velden")
    kind = schema.choice(entry, "soort", tuple(KINDS), "")
    reden = entry.get("reden", "")
    if isinstance(reden, str) and not reden.strip():
        raise ValueError("een besluit heeft een reden nodig")
    required, optional = KINDS[kind]
    if "periode" in required and "periode" not in entry and "peildatum" in entry:
        required = tuple(f for f in required if f != "periode")
    schema.required_keys(entry, ("datum", *required), "", f"bij soort {kind}")
    schema.known_keys(entry, ("soort", "gemeente", "gemeenten", "datum", "reden", "kenmerk",
                              "peildatum", *required, *optional,
                              *(("periode",) if "periode" in KINDS[kind][0] else ())),
                      "", f"bekend bij soort {kind}")
    if kind == "verdeling":
        _shares(entry)
        return []
    if kind in COHORT_KINDS and cohorten is None:
        raise ValueError(f"een besluit van soort {kind} vraagt een beoordelingskader dat de "
                         "achterstand per halfjaar van ontstaan bijhoudt (een tabel [cohorten] "
                         "met volgorde en termijn_halfjaren); dit kader heeft die niet")
    record = {"besluit": number, "soort": kind,
              "reden": schema.text(entry, "reden", "", MAX_TEXT["reden"]),
              "kenmerk": schema.text(entry, "kenmerk", "", MAX_TEXT["kenmerk"], default="")}
    for field in DATES:
        if field in entry:
            record[field] = _date(entry[field], field)
    if "periode" in KINDS[kind][0]:
        record["periode"] = _period(entry, kalender)
    if "cohort" in entry:
        record["cohort"] = _cohort(entry["cohort"], cohorten)
    if "volgorde" in entry:
        record["volgorde"] = schema.choice(entry, "volgorde", COHORT_ORDERS, "")
    if "trede" in entry:
        if not isinstance(entry["trede"], str) or entry["trede"] not in treden:
            raise ValueError(f"trede '{entry['trede']}' staat niet op de interventieladder van "
                             f"het beoordelingskader ({', '.join(treden)})")
        record["trede"] = entry["trede"]
    for field in ("personen", "aantal"):
        if field in entry:
            record[field] = schema.integer(entry, field, "", low=1)
    for field, allowed in (("status", STATUSES), ("uitkomst", OUTCOMES)):
        if field in entry:
            record[field] = schema.choice(entry, field, allowed, "")
    for field in ("resultaten", "verwijst_naar"):
        if field in entry:
            record[field] = schema.text(entry, field, "", MAX_TEXT[field])
    if "zienswijze_termijn" in record and record["zienswijze_termijn"] > record["termijn"]:
        raise ValueError("de termijn voor een zienswijze valt na de termijn van het voornemen")
    if "ingang" in record and record["ingang"] < record["datum"]:
        raise ValueError(f"ingang {datum(record['ingang'])} ligt voor de datum van het besluit "
                         f"({datum(record['datum'])}); GS voeren de taak pas uit na hun besluit")
    everyone = entry.get("gemeenten", entry.get("gemeente")) == ALLE
    codes = _municipalities(entry, alle)
    shifts = (_shifts(entry, codes, record["periode"], periodes) if kind == "uitruil"
              else {})
    return [{**record, "gemeente_code": code, "alle_gemeenten": everyone,
             **({"verschuiving": shifts[code]} if shifts else {})} for code in codes]


def _shifts(entry: dict, codes: list[str], periode: str,
            periodes: list[str] | None) -> dict[str, int]:
    """An uitruil's shift per municipality (by code): given for exactly the municipalities it
    names, whole persons, summing to 0 (art. 29(2): the sum of the taakstellingen stays the
    same), about a half-year in the data."""
    if entry.get("gemeenten", entry.get("gemeente")) == ALLE or len(codes) < 2:
        raise ValueError("een uitruil is een afspraak tussen twee of meer gemeenten: geef ze "
                         "als lijst, bijvoorbeeld gemeenten = [\"Assen\", \"Tynaarlo\"]")
    shifts = entry["verschuiving"]
    if not isinstance(shifts, dict) or not shifts:
        raise ValueError("verschuiving moet per gemeente het aantal personen geven dat bij haar "
                         "taakstelling komt (negatief: eraf), bijvoorbeeld { Assen = 5, "
                         "Tynaarlo = -5 }")
    found = gemeenten.resolve(pd.Series(list(shifts), dtype=object))
    unknown = [gemeenten.onbekend(name) for name, code in zip(shifts, found, strict=True)
               if pd.isna(code)]
    if unknown:
        raise ValueError(f"verschuiving: {'; '.join(unknown)}")
    if found.duplicated().any():
        raise ValueError("verschuiving noemt een gemeente twee keer (ook als naam of code)")
    named = gemeenten.naam(pd.Series(codes, dtype="string"))
    extra = [str(name) for name, code in zip(shifts, found, strict=True) if code not in codes]
    if extra:
        raise ValueError(f"verschuiving noemt {', '.join(extra)}, niet in gemeenten "
                         f"({', '.join(named)}); elke gemeente van de afspraak staat in beide")
    absent = [str(name) for name, code in zip(named, codes, strict=True)
              if code not in set(found)]
    if absent:
        raise ValueError(f"verschuiving mist {', '.join(absent)} uit gemeenten; geef voor elke "
                         "gemeente van de afspraak haar verschuiving (0 als die gelijk blijft)")
    by_code = {code: schema.integer(shifts, name, "verschuiving")
               for name, code in zip(shifts, found, strict=True)}
    total = sum(by_code.values())
    if total != 0:
        raise ValueError(f"de verschuivingen tellen op tot {total:+d}, niet tot 0; bij een "
                         "uitruil (art. 29 lid 2 Huisvestingswet 2014) blijft de som van de "
                         "taakstellingen gelijk")
    if not any(by_code.values()):
        raise ValueError("verschuiving is voor elke gemeente 0; een uitruil verschuift "
                         "personen tussen taakstellingen")
    if periodes is not None and periode not in periodes:
        shown = f"{min(periodes)} tot en met {max(periodes)}" if periodes else "geen"
        raise ValueError(f"periode {periode} staat niet in de gegevens (halfjaren: {shown}); "
                         "een uitruil gaat over een halfjaar met een taakstelling")
    return by_code


def _date(value: object, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValueError(f"{field} '{value}' is geen datum (verwacht bijvoorbeeld 2024-11-19)")
    if not 1900 <= value.year <= 2200:
        raise ValueError(f"{field} {value} ligt niet tussen 1900 en 2200")
    return value


def _period(entry: dict, kalender: Telkalender) -> str:
    """The half-year a decision is about: named, or the one its peildatum closes. A peildatum
    must be a closing date of the count (1 January or 1 July, or the kader's cut-off)."""
    if "peildatum" in entry:
        peildatum = _date(entry["peildatum"], "peildatum")
        day = pd.Series([pd.Timestamp(peildatum)])
        if not kalender.is_afsluitdatum(day).iloc[0]:
            raise ValueError(f"peildatum {datum(peildatum)} sluit geen halfjaar af (verwacht "
                             f"{kalender.afsluitdatum_tekst()}, de afsluitdatum van de "
                             "telling in het beoordelingskader)")
        return str(kalender.telperiode(day - pd.Timedelta(days=1)).iloc[0])
    if not isinstance(entry["periode"], str):
        raise ValueError(f"periode: verwacht tekst zoals \"2024-H1\", gevonden "
                         f"{soort(entry['periode'])}")
    try:
        return parse_periode(entry["periode"])
    except PeriodeError as error:
        raise ValueError(str(error)) from None


def cohortbereik(periodes: list[str]) -> tuple[str, ...]:
    """The half-years a cohort decision may name: those in the data and the one before the
    first (the backlog of the opening stand, whose origin the data do not show)."""
    ordered = sorted(set(periodes))
    if not ordered:
        return ()
    return (periode_from_index(periode_index(ordered[0]) - 1), *ordered)


def _cohort(value: object, cohorten: tuple[str, ...]) -> str:
    """The half-year a cohort decision is about, one of the data's (or the opening's)."""
    if not isinstance(value, str):
        raise ValueError(f"cohort: verwacht een halfjaar als tekst zoals \"2023-H1\" of "
                         f"\"1e helft 2023\", gevonden {soort(value)}")
    try:
        code = parse_periode(value)
    except PeriodeError as error:
        raise ValueError(f"cohort: {error}") from None
    if cohorten and code not in cohorten:
        raise ValueError(f"cohort {code} is geen halfjaar in de gegevens (verwacht {cohorten[0]}"
                         f" voor de achterstand van de openingsstand, of {cohorten[1]} tot en "
                         f"met {cohorten[-1]})")
    return code


def _municipalities(entry: dict, alle: list[str]) -> list[str]:
    if "gemeente" in entry and "gemeenten" in entry:
        raise ValueError("geef 'gemeente' of 'gemeenten', niet allebei")
    value = entry.get("gemeenten", entry.get("gemeente"))
    if value == ALLE:
        return list(alle)
    values = value if isinstance(value, list) else [value]
    if not values or not all(_municipality(v) for v in values):
        raise ValueError("gemeente(n) ontbreekt of is onbruikbaar: verwacht een naam, code, "
                         "lijst daarvan of \"alle\"")
    codes = gemeenten.resolve(pd.Series(values, dtype=object))
    unknown = [gemeenten.onbekend(v) for v, c in zip(values, codes, strict=True) if pd.isna(c)]
    if unknown:
        raise ValueError("; ".join(unknown))
    elsewhere = gemeenten.buiten(codes.tolist(), _provinces(alle)) if alle else {}
    if elsewhere:
        raise ValueError(f"{'; '.join(elsewhere.values())}, niet bij "
                         f"{' of '.join(sorted(_provinces(alle)))}, waarvan de gegevens zijn; "
                         "een besluit over een gemeente buiten de provincie hoort hier niet")
    twice = [str(v) for v, repeated in zip(values, codes.duplicated(), strict=True) if repeated]
    if twice:
        raise ValueError(f"gemeente(n) {', '.join(twice)} twee keer genoemd (ook als naam of "
                         "code)")
    return codes.tolist()


def _provinces(codes: list[str]) -> set[str]:
    """The provinces of the municipalities in the data."""
    return set(gemeenten.provincie(pd.Series(codes, dtype="string")).dropna())


def _municipality(value: object) -> bool:
    """Whether a value can name a municipality: a name or a CBS code, as text or number."""
    return (isinstance(value, str) and 0 < len(value) <= 100) or (
        isinstance(value, int) and not isinstance(value, bool))


def _shares(entry: dict) -> list[dict]:
    name = entry.get("gemeente")
    split = gemeenten.resolve(pd.Series([name if _municipality(name) else None],
                                        dtype=object)).iloc[0]
    if pd.isna(split):
        raise ValueError(f"gemeente '{entry.get('gemeente')}' is onbekend (verwacht de naam of "
                         "code van de gesplitste gemeente)")
    shares = entry.get("verdeling")
    if not isinstance(shares, dict) or len(shares) < 2:
        raise ValueError("verdeling moet minstens twee opvolgers met hun aandeel geven, "
                         "bijvoorbeeld { Boxtel = 25, Vught = 75 }")
    codes = gemeenten.resolve(pd.Series(list(shares), dtype=object))
    successors = set(overgangen().query("oud_code == @split")["nieuw_code"])
    if len(successors) < 2:
        raise ValueError(f"{gemeenten.naam(pd.Series([split])).iloc[0]} is volgens de lijst van "
                         "herindelingen niet over meerdere gemeenten verdeeld")
    if set(codes.dropna()) != successors or codes.duplicated().any():
        expected = ", ".join(sorted(gemeenten.naam(pd.Series(sorted(successors))).tolist()))
        raise ValueError(f"verdeling moet elke opvolger één keer een aandeel geven: {expected}")
    rows = []
    for name, code in zip(shares, codes, strict=True):
        if pd.isna(code):
            raise ValueError(f"onbekende gemeente '{name}' in de verdeling")
        rows.append({"oud_code": split, "nieuw_code": code,
                     "gewicht": schema.integer(shares, name, "verdeling", low=1)})
    return rows


def load_verdelingen(source: Register | None) -> pd.DataFrame:
    """The shares GS set for dividing a split municipality's stand: predecessor, successor and
    whole-number weight (the entries are checked with the others by :func:`load_register`)."""
    if source is None:
        return pd.DataFrame(columns=SHARES)
    rows = []
    for number, entry in enumerate(source.entries(), start=1):
        if isinstance(entry, dict) and entry.get("soort") == "verdeling":
            try:
                rows.extend(_shares(entry))
            except ValueError as error:
                raise InputError([Problem(source.naam, f"besluit {number}: {error}")]) from None
    return pd.DataFrame(rows, columns=SHARES)
