"""The letters to the municipalities: one .docx per municipality from the template, filled from
the assessment, and a PDF of each where LibreOffice is installed."""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
from docxtpl import Listing

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.domain.besluiten import geldend
from analysis.domain.briefhoofd import Briefhoofd
from analysis.domain.briefinstellingen import CONFIG, Adressering, Briefinstellingen
from analysis.domain.briefsoorten import KINDS
from analysis.domain.periods import datum_tekst, periode_tekst, periode_voluit
from analysis.domain.resultaten import conclusie, resultaten_regels
from analysis.domain.taakstelling_versies import bekend_op
from analysis.problems import InputError, Problem
from analysis.report import cohorttekst
from analysis.report.brieven.briefpapier import Logo
from analysis.report.brieven.controle import bezwaren
from analysis.report.brieven.pdf import to_pdf
from analysis.report.brieven.template import Sjabloon, checked_template, fill, read_template
from analysis.report.brieven.zinnen import oordeel_zin, realisatie_zinnen

NO_KENMERK = "(nog toe te kennen)"
LATE_MONTHS = 6  # a letter dated later after its period's peildatum gets a note
NO_SIGNERS = (("(naam ontbreekt in brieven.toml)", "voorzitter"),
              ("(naam ontbreekt in brieven.toml)", "secretaris"))


@dataclass
class Brieven:
    """What was written, and what the analyst should know about it."""

    bestanden: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    opmerkingen: list[str] = field(default_factory=list)
    soorten: dict[str, int] = field(default_factory=dict)  # letters per kind
    # the letters not written because they failed the check, per municipality: why
    geweigerd: dict[str, list[str]] = field(default_factory=dict)


def load_brief_settings(stored: Briefinstellingen, sjabloon: Path | None = None
                        ) -> tuple[Adressering, dict[str, Sjabloon]]:
    """The letters' settings as ingest stored them and a checked template for every kind of
    letter: for the results letter ``sjabloon`` if given, else the one the settings name; else
    the kind's default."""
    adressering = stored.adressering()

    def template(kind: str) -> Sjabloon:
        if kind == "resultaten" and sjabloon is not None:
            return read_template(sjabloon)  # a command's argument, read from its file
        name = adressering.sjablonen.get(kind)
        if name is None:
            return read_template(None, kind)
        return checked_template(stored.sjablonen[name], PurePosixPath(name).name)

    return adressering, {kind: template(kind) for kind in KINDS}


# the decision behind each kind of letter other than the results letter, weightiest first
KIND_DECISIONS = (("voornemen", "voornemen_indeplaatsstelling"), ("gesprek", "plan_van_aanpak"))


def brief_soort(register: pd.DataFrame | None, code: str, peildatum: dt.date,
                datum: dt.date) -> tuple[str, pd.Series | None]:
    """Which letter a municipality gets, and the decision behind it: a voornemen tot
    indeplaatsstelling, or a request for a plan van aanpak, that GS took after the half-year's
    peildatum and by the letter's date (the latest of its kind); else the results letter."""
    if register is None or register.empty:
        return "resultaten", None
    standing = geldend(register)
    window = standing[(standing["gemeente_code"] == code)
                      & (standing["datum"] >= pd.Timestamp(peildatum))
                      & (standing["datum"] <= pd.Timestamp(datum))]
    for kind, decision in KIND_DECISIONS:
        found = window[(window["soort"] == decision)
                       & ((window["status"] == "gevraagd") | (decision != "plan_van_aanpak"))]
        if len(found):
            return kind, found.sort_values(["datum", "besluit"]).iloc[-1]
    return "resultaten", None


def _decision_values(decision: pd.Series | None) -> dict[str, str]:
    """The placeholders that quote the decision behind a letter (empty for a results letter)."""
    def day(value: object) -> str:
        return datum_tekst(pd.Timestamp(value).date()) if pd.notna(value) else ""

    def text(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    if decision is None:
        return dict.fromkeys(("besluit_datum", "besluit_kenmerk", "termijn", "aantal",
                              "besluit_resultaten", "zienswijze_termijn"), "")
    return {"besluit_datum": day(decision["datum"]), "besluit_kenmerk": text(decision["kenmerk"]),
            "termijn": day(decision["termijn"]), "aantal": text(decision["aantal"]),
            "besluit_resultaten": text(decision["resultaten"]),
            "zienswijze_termijn": day(decision["zienswijze_termijn"])}


def ladder_gevolg(row: pd.Series) -> str:
    """The verschoning and the rung on the interventieladder as GS recorded them, each with its
    decision; never the kader's advice, which is a proposal to GS and not a decision."""
    sentences = []
    if pd.notna(row["verschoning_reden"]):
        known = pd.notna(row["kenmerk"]) and str(row["kenmerk"])
        kenmerk = f" (kenmerk {row['kenmerk']})" if known else ""
        part = ("" if bool(row["verschoond"]) else
                f" van {int(row['verschoond_personen'])} personen van de achterstand")
        sentences.append(f"Wij hebben besloten tot verschoning{part}{kenmerk}: "
                         f"{row['verschoning_reden']}.")
    # the rung that stands on the letter's date, the computation's date of knowledge
    rung, number, decided = (str(row["trede_op_datum"]), int(row["trede_op_datum_nummer"]),
                             str(row["trede_op_datum_besluit"]))
    if rung:
        sentences.append(
            f"Uw gemeente staat op de trede '{rung}' van de interventieladder "
            f"({decided})." if number > 0 else
            f"Uw gemeente staat niet op de interventieladder ({decided}).")
    return " ".join(sentences)


def context(result: Berekening, row: pd.Series, adressering: Adressering,
            bekend: pd.DataFrame | None = None, kenmerk: str | None = None,
            decision: pd.Series | None = None) -> dict[str, object]:
    """Every placeholder's value for the letter about ``row`` (a municipality's assessment of
    the period), dated the computation's date of knowledge; ``bekend`` is the taakstelling as
    known on it (its next-period line cites that version)."""
    code, periode, naam = str(row["gemeente_code"]), str(row["periode"]), str(row["gemeente_naam"])
    datum = result.kennisdatum
    texts = result.oordeel_teksten(str(row["oordeel"]))
    address = adressering.adressen.get(
        code, [f"het college van burgemeester en wethouders van {naam}",
               f"(adres ontbreekt in {CONFIG.name})"])
    beoordeling = result.table("beoordeling")
    return {
        "geadresseerde": Listing("\n".join(address)),
        "plaats": adressering.plaats,
        "datum": datum_tekst(datum),
        "kenmerk": kenmerk or NO_KENMERK,
        "uw_kenmerk": adressering.uw_kenmerken.get(periode, {}).get(code, ""),
        "bijlagen": "; ".join(adressering.bijlagen.get(periode, [])),
        "behandeld_door": adressering.behandeld_door,
        **letterhead_values(adressering.briefhoofd),
        "provincie": adressering.provincie,
        "gemeente": naam,
        "periode": periode_tekst(periode),
        "periode_voluit": periode_voluit(periode),
        "peildatum": datum_tekst(pd.Timestamp(row["peildatum_eind"]).date()),
        "resultaten": Listing("\a".join(resultaten_regels(beoordeling, code, periode, bekend))),
        "conclusie": conclusie(periode, bool(row["taakstelling_gehaald"]),
                               str(row["ontwikkeling"])),
        "oordeel": str(row["oordeel_label"]),
        "beoordeling": " ".join([
            realisatie_zinnen(row, result.norm, result.leidende_bron),
            oordeel_zin(row, texts["zin"], str(row["oordeel_label"]),
                        result.kader_vastgesteld)]),
        "toezicht": texts["toezicht"],
        "alineas": Listing("\a".join(adressering.alineas.get(periode, []))),
        "ondertekening": Listing("\n\n\n".join(
            f"{name}, {role}" for name, role in adressering.ondertekenaars or NO_SIGNERS)),
        "ladder_gevolg": ladder_gevolg(row),
        "volgend_meetpunt": str(row["volgend_meetpunt"]),
        # the backlog per half-year of origin, as known on the letter's date
        "cohorten": (cohorttekst.brief_zinnen(result.table("cohorten"), code, periode)
                     if result.cohorten else ""),
        **_decision_values(decision),
        "vorige_datum": "", "vorig_kenmerk": "", "wijzigingen": "",
    }


def letterhead_values(head: Briefhoofd) -> dict[str, object]:
    """The placeholders of the letterhead and the footer: the sender's name, address lines,
    website, telephone, the footer's line and the logo (empty without one)."""
    return {"afzender_naam": head.naam,
            "afzender_regels": Listing("\n".join(head.regels())),
            "afzender_adres": Listing("\n".join(head.adres)),
            "website": head.website, "telefoon": head.telefoon,
            "afzender_voetregel": head.voetregel(),
            "logo": Logo(head.logo_inhoud) if head.logo_inhoud else ""}


def late_note(periode: str, datum: dt.date, peildatum: dt.date) -> str | None:
    """A note when the letters are dated more than six months after the peildatum that closes
    their period (a letter is still made: the date may be meant, but is more likely a typing
    error); None otherwise."""
    limit = months_after(peildatum, LATE_MONTHS)
    if datum <= limit:
        return None
    return (f"de brieven over {periode} zijn gedateerd {datum_tekst(datum)}, meer dan zes "
            f"maanden na de peildatum {datum_tekst(peildatum)} (na {datum_tekst(limit)}); "
            "controleer of die datum klopt")


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def render(template: Sjabloon, values: dict[str, object], datum: dt.date) -> bytes:
    """One letter as .docx bytes, dated ``datum`` in its properties too."""
    document = fill(template, values)
    moment = dt.datetime.combine(datum, dt.time())
    document.core_properties.created = document.core_properties.modified = moment
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def file_name(periode: str, naam: str, soort: str = "resultaten") -> str:
    """``Brief 2024-H1 De Wolden.docx`` (``Herziene brief ...`` for a herziene brief): sorted
    by period, then municipality."""
    return f"{'Herziene brief' if soort == 'herzien' else 'Brief'} {periode} {naam}.docx"


def kenmerken_per_brief(beoordeling: pd.DataFrame, periode: str, codes: list[str],
                        adressering: Adressering, herzien: bool = False
                        ) -> dict[str, str | None]:
    """The kenmerk of every letter of ``periode`` to ``codes`` (None where the settings give
    none): named, or numbered in the order of the municipalities' names; of the herziene
    brieven with ``herzien``."""
    rows = beoordeling[(beoordeling["periode"] == periode)
                       & beoordeling["gemeente_code"].isin(codes)]
    numbering = (adressering.herziene_kenmerken if herzien else adressering.kenmerken).get(
        periode)
    ordered = rows.sort_values("gemeente_naam", kind="stable")["gemeente_code"]
    return {code: numbering.voor(code, number) if numbering else None
            for number, code in enumerate(ordered)}


def check_kenmerken(beoordeling: pd.DataFrame, periode: str, codes: list[str],
                    adressering: Adressering) -> dict[str, str | None]:
    """The kenmerk of every letter (:func:`kenmerken_per_brief`); two letters with one kenmerk,
    a named one that the numbering schema also gives another municipality, are refused (a
    kenmerk identifies one letter, a bezwaar cites it). A municipality of another province
    than the run's (``codes``) named anywhere in the settings is refused: a slip that names
    another real municipality would otherwise be lost without a word."""
    provinces = set(gemeenten.provincie(pd.Series(codes, dtype="string")).dropna())
    named = adressering.genoemde_gemeenten()
    elsewhere = gemeenten.buiten([code for _, code in named], provinces)
    if elsewhere:
        raise InputError([Problem(str(CONFIG), f"{entry}: {elsewhere[code]}, niet bij "
                                               f"{' of '.join(sorted(provinces))}, waarvoor de "
                                               "brieven zijn")
                          for entry, code in named if code in elsewhere])
    given = kenmerken_per_brief(beoordeling, periode, codes, adressering)
    names = dict(zip(beoordeling["gemeente_code"], beoordeling["gemeente_naam"], strict=True))
    by_kenmerk: dict[str, list[str]] = {}
    for code, kenmerk in given.items():
        if kenmerk is not None:
            by_kenmerk.setdefault(kenmerk, []).append(code)
    problems = [Problem(str(CONFIG), f"[kenmerken.\"{periode}\"]: kenmerk {kenmerk} hoort bij "
                                     f"{len(shared)} brieven ({' en '.join(map(names.get, shared))}"
                                     "); geef de genoemde gemeente een ander kenmerk of laat "
                                     "het schema later beginnen (eerste)")
                for kenmerk, shared in by_kenmerk.items() if len(shared) > 1]
    if problems:
        raise InputError(problems)
    return given


@dataclass(frozen=True)
class Herziening:
    """What a herziene brief to one municipality revises: the letter that was sent (its date
    and kenmerk) and one line per change since."""

    vorige_datum: dt.date
    vorig_kenmerk: str
    wijzigingen: tuple[str, ...]


@dataclass
class Brief:
    """One municipality's letter as planned: its kind, the decision behind it, and either the
    placeholders' values or why it cannot be signed."""

    code: str
    naam: str
    soort: str
    kenmerk: str | None
    bezwaren: list[str]
    waarden: dict[str, object] = field(default_factory=dict)


# the placeholders whose text is what a letter says (not how it is addressed, dated or signed)
SENTENCES = ("conclusie", "oordeel", "beoordeling", "toezicht", "ladder_gevolg",
             "volgend_meetpunt", "cohorten", "besluit_datum", "besluit_kenmerk", "termijn",
             "aantal", "besluit_resultaten", "zienswijze_termijn")
# sentences a letter only has with a feature of the kader: recorded only where they say
# something, so that a publication without the feature records what it recorded before
OPTIONAL_SENTENCES = ("cohorten",)


def plan_brieven(result: Berekening, periode: str, codes: list[str], adressering: Adressering,
                 herzien: dict[str, Herziening] | None = None) -> list[Brief]:
    """Every letter of ``periode`` to ``codes`` in the order of the municipalities' names,
    dated the computation's date of knowledge, each checked (:func:`bezwaren`). With
    ``herzien``, only the herziene brieven to the municipalities it names."""
    datum = result.kennisdatum
    beoordeling = result.table("beoordeling")
    kenmerken = check_kenmerken(beoordeling, periode, codes, adressering)
    if herzien is not None:
        codes = [code for code in codes if code in herzien]
        kenmerken = kenmerken_per_brief(beoordeling, periode, codes, adressering, herzien=True)
    bekend = bekend_op(result.taakstelling, datum)
    rows = beoordeling[(beoordeling["periode"] == periode)
                       & beoordeling["gemeente_code"].isin(codes)]
    register = result.table("besluiten")
    planned = []
    for _, row in rows.sort_values("gemeente_naam", kind="stable").iterrows():
        code, naam = str(row["gemeente_code"]), str(row["gemeente_naam"])
        closing = pd.Timestamp(row["peildatum_eind"]).date()
        kind, decision = brief_soort(register, code, closing, datum)
        wrong = bezwaren(kind, row, decision, datum, result.bij_verschoning)
        letter = Brief(code, naam, kind, kenmerken[code], wrong)
        if not wrong:
            letter.waarden = context(result, row, adressering, bekend, kenmerken[code], decision)
        if herzien is not None:
            revision = herzien[code]
            letter.soort = "herzien"
            letter.waarden |= {"vorige_datum": datum_tekst(revision.vorige_datum),
                               "vorig_kenmerk": revision.vorig_kenmerk,
                               "wijzigingen": Listing("\a".join(revision.wijzigingen))}
        planned.append(letter)
    return planned


def write_brieven(folder: Path, result: Berekening, periode: str, codes: list[str],
                  adressering: Adressering, templates: dict[str, Sjabloon],
                  herzien: dict[str, Herziening] | None = None) -> Brieven:
    """Write one letter per municipality into ``folder`` (a fresh folder, published by the
    caller), dated the computation's date of knowledge, and convert them to PDF where
    LibreOffice is installed. The next period's taakstelling is the version known on that date.
    A letter that fails the check (:func:`bezwaren`) is not written, and listed with why. With
    ``herzien``, only a herziene brief to each municipality it names."""
    made = Brieven()
    datum = result.kennisdatum
    folder.mkdir(parents=True, exist_ok=True)
    planned = plan_brieven(result, periode, codes, adressering, herzien)
    for letter in planned:
        if letter.bezwaren:
            made.geweigerd[letter.naam] = letter.bezwaren
            continue
        path = folder / file_name(periode, letter.naam, letter.soort)
        path.write_bytes(render(templates[letter.soort], letter.waarden, datum))
        made.soorten[letter.soort] = made.soorten.get(letter.soort, 0) + 1
        made.bestanden.append(path)
    missing = sorted(letter.naam for letter in planned if letter.code not in adressering.adressen)
    if missing:
        made.opmerkingen.append(f"geen adres in {CONFIG.name} voor: {', '.join(missing)}")
    lacking = sorted(letter.naam for letter in planned if letter.kenmerk is None)
    if lacking:
        table = "herziene_kenmerken" if herzien is not None else "kenmerken"
        made.opmerkingen.append(f"geen kenmerk voor {periode} in {CONFIG.name} ([{table}]) "
                                f"voor: {', '.join(lacking)}; die brieven noemen "
                                f"'{NO_KENMERK}'")
    if not adressering.ondertekenaars:
        made.opmerkingen.append(f"geen ondertekenaars in {CONFIG.name}; de brieven noemen "
                                  "'(naam ontbreekt in brieven.toml)'")
    late = late_note(periode, datum, result.kalender.peildatum(periode))
    if late and made.bestanden:
        made.opmerkingen.insert(0, late)
    pdf, note = to_pdf(made.bestanden, folder)
    made.pdf = pdf
    if note:
        made.opmerkingen.append(note)
    return made
