"""The index pages: one per period folder (every report with its rating, the GS workbook and
the letters) and ``reports/index.html`` across every published period.

Both are rendered from what the folders hold, ``run.json`` and the files beside it, so they stay
true whichever command last wrote there; every value is escaped by Jinja. They show short Dutch
notes only; errors and paths are for ``run.json``."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from analysis.atomic import write_atomic
from analysis.config import TEMPLATES_DIR
from analysis.domain.periods import cijfers_tot_tekst, datum_tekst, periode_tekst
from analysis.report.paginavoet import STATUS, voet

INDEX = "index.html"
RECORD = "run.json"
OVERVIEW = "overzicht.html"
WIJZIGINGEN = "wijzigingen.html"
ABOUT = "toezicht huisvesting vergunninghouders"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_PERIOD = re.compile(r"(?:19|20)\d{2}-H[12]")
_FAILED = re.compile(rf"(?P<periode>{_PERIOD.pattern})\.mislukt-(?P<tijd>\d{{8}}-\d{{4}})(-\d+)?")


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "j2"]))


def _link(path: Path, folder: Path) -> str:
    return quote(path.relative_to(folder).as_posix())


def workbook_name(periode: str) -> str:
    """The GS workbook's file name in a period folder."""
    return f"GS-samenvatting-{periode}.xlsx"


def _moment(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _made_on(record: dict, folder: Path) -> dt.datetime:
    """When the run (or the first step on its own) made this folder; for a record from before
    that was noted, when its ``run.json`` was written."""
    return (_moment(record.get("gemaakt_op"))
            or dt.datetime.fromtimestamp((folder / RECORD).stat().st_mtime))


STATUS_TEXT = {"definitief": "definitief",
               "voorlopig": "voorlopig: het afsluitende overzicht van het COA is voorlopig",
               "lopend": "voorlopig: het halfjaar loopt nog"}


def _status(record: dict) -> str:
    """definitief, voorlopig (the closing overview is) or lopend: of the data the folder was
    made from (for a record from before the status was noted, from its completeness)."""
    if "status" in record:
        return str(record["status"])
    if "volledig" in record:
        return "definitief" if record["volledig"] else "lopend"
    latest = (record.get("berekening") or {}).get("periodes", {}).get("laatste_volledige")
    return "definitief" if latest and str(record["periode"]) <= str(latest) else "lopend"


def _cijfers_tot(record: dict) -> str:
    """'juni 2024': the last month with figures for the period (of the data it was made from;
    a period that has ended, its last month)."""
    until = _moment((record.get("berekening") or {}).get("cijfers_tot"))
    return cijfers_tot_tekst(until.date() if until else None, str(record["periode"]))


def _later_steps(record: dict) -> list[str]:
    """One Dutch line per product made again on its own after the run."""
    lines = []
    for step in record.get("bijgewerkt", []):
        moment = _moment(step.get("tijd"))
        when = f" op {datum_tekst(moment.date())}" if moment else ""
        what = {"brieven": "De brieven zijn", "excel": "De Excel-samenvatting is"}.get(
            step.get("onderdeel"), "Een onderdeel is")
        extra = [f"beoordelingskader {step['beoordelingskader']}"] \
            if step.get("beoordelingskader") else []
        if step.get("datum") and _moment(step["datum"]):
            extra.append(f"gedateerd {datum_tekst(_moment(step['datum']).date())}")
        lines.append(f"{what} apart gemaakt{when}"
                     + (f" ({', '.join(extra)})" if extra else "") + ".")
    return lines


def _banner(record: dict) -> str:
    """One Dutch line on the index page of an attempt that was not published."""
    if record.get("gepubliceerd", True):
        return ""
    notebooks = record.get("notebooks", [])
    names = {entry.get("naam") for entry in notebooks}
    failed = sum(entry.get("status") != "gelukt" for entry in notebooks)
    parts = [f"{failed} van {len(notebooks)} rapportages mislukt"] if failed else []
    parts += [f"{entry['onderdeel']} niet gemaakt" for entry in record.get("mislukt", [])
              if entry.get("onderdeel") not in names]
    return f"Deze poging is niet gepubliceerd: {'; '.join(parts)}. Details staan in run.json."


def index_html(record: dict, folder: Path) -> str:
    """The index page of the period folder ``folder``, from its record (what ``run.json``
    holds) and the files in it: a workbook or letter is linked only when it is there."""
    periode = str(record["periode"])
    reports = [{"naam": entry["naam"], "html": quote(str(entry["html"])),
                "gelukt": entry.get("status") == "gelukt",
                "oordeel": str(entry.get("oordeel") or ""),
                "kleur": str(entry.get("kleur") or "#ffffff")
                if _COLOUR.fullmatch(str(entry.get("kleur") or "")) else "#ffffff"}
               for entry in record.get("notebooks", [])]
    workbook = folder / (record.get("samenvatting") or workbook_name(periode))
    letters = [{"naam": path.stem, "docx": _link(path, folder),
                "pdf": _link(path.with_suffix(".pdf"), folder)
                if path.with_suffix(".pdf").is_file() else ""}
               for path in sorted((folder / "brieven").glob("*.docx"))]
    made_on = datum_tekst(_made_on(record, folder).date())
    foot = [f"Provincie {record['provincie']}", periode_tekst(periode), "rapportages"]
    until = _cijfers_tot(record)
    foot += [f"cijfers t/m {until}"] if until else []
    foot += [STATUS[_status(record)], f"gemaakt op {made_on}"]
    return _environment().get_template("index.html.j2").render(
        titel=f"{record['provincie']}, {periode_tekst(periode)} — {ABOUT}",
        voet=Markup(voet(" · ".join(foot))),
        provincie=record["provincie"], periode=periode_tekst(periode),
        kader=record.get("beoordelingskader", ""),
        gemaakt_op=made_on, cijfers_tot=until, status=STATUS_TEXT[_status(record)],
        kennisdatum=datum_tekst(dt.date.fromisoformat(record["kennisdatum"]))
        if record.get("kennisdatum") else "",
        rapporten=reports,
        samenvatting=_link(workbook, folder) if workbook.is_file() else "", brieven=letters,
        bijgewerkt=_later_steps(record), mislukt=_banner(record), versies=_versions(record))


def _known_on(value: object) -> str:
    """A version's date of knowledge in words; 'onbekend' where its record gives none."""
    return datum_tekst(dt.date.fromisoformat(str(value))) if value else "onbekend"


def _versions(record: dict) -> list[dict]:
    """The versions of the period the index links, newest first: this one and each kept."""
    if "versie" not in record:
        return []
    this = {"versie": record["versie"], "index": "",
            "kennisdatum": _known_on(record.get("kennisdatum")),
            "wijzigingen": WIJZIGINGEN if record.get("vorige_versies") else ""}
    return [this] + [{"versie": kept["versie"], "index": f"../{quote(kept['map'])}/{INDEX}",
                      "kennisdatum": _known_on(kept.get("kennisdatum")), "wijzigingen": ""}
                     for kept in record.get("vorige_versies", [])]


def wijzigingen_html(record: dict, regels: list[dict], zonder_lijst: str = "") -> str:
    """The page that lists what changed in this version of the period against the previous."""
    periode = periode_tekst(str(record["periode"]))
    previous = record["vorige_versies"][0]
    foot = (f"Provincie {record['provincie']} · {periode} · wijzigingen in versie "
            f"{record['versie']} · gemaakt op {datum_tekst(dt.date.today())}")
    return _environment().get_template("wijzigingen.html.j2").render(
        titel=f"Wijzigingen, {record['provincie']}, {periode} — {ABOUT}",
        voet=Markup(voet(foot)),
        provincie=record["provincie"], periode=periode, versie=record["versie"],
        kennisdatum=_known_on(record.get("kennisdatum")), vorige=previous["versie"],
        vorige_kennisdatum=_known_on(previous.get("kennisdatum")),
        regels=regels, zonder_lijst=zonder_lijst)


def read_record(folder: Path) -> dict | None:
    """What ``run.json`` in ``folder`` holds; None when there is none or it cannot be read."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "periode" in record else None


def write_record(folder: Path, record: dict) -> None:
    """``run.json`` and ``index.html`` of one period folder, each written atomically."""
    text = json.dumps(record, indent=2, ensure_ascii=False)
    write_atomic(folder / RECORD, lambda path: path.write_text(text, encoding="utf-8"))
    page = index_html(record, folder)
    write_atomic(folder / INDEX, lambda path: path.write_text(page, encoding="utf-8"))


@dataclass
class _Period:
    """One row of the index across periods."""

    periode: str
    tekst: str
    definitief: bool
    versie: int
    gemaakt_op: str
    cijfers_tot: str
    provincie: str
    kader: str
    rapporten: int
    index: str
    overzicht: str
    samenvatting: str


def _row(folder: Path, record: dict) -> _Period:
    periode = folder.name
    workbook = folder / (record.get("samenvatting") or workbook_name(periode))
    link = quote(periode)
    return _Period(
        periode=periode, tekst=periode_tekst(periode),
        definitief=_status(record) == "definitief", versie=int(record.get("versie") or 1),
        gemaakt_op=datum_tekst(_made_on(record, folder).date()),
        cijfers_tot=_cijfers_tot(record),
        provincie=str(record.get("provincie", "")), kader=str(record.get("beoordelingskader", "")),
        rapporten=sum(entry.get("status") == "gelukt" for entry in record.get("notebooks", [])),
        index=f"{link}/{INDEX}",
        overzicht=f"{link}/{OVERVIEW}" if (folder / OVERVIEW).is_file() else "",
        samenvatting=f"{link}/{quote(workbook.name)}" if workbook.is_file() else "")


def _failed_attempts(reports: Path, published: dict[str, dt.datetime]) -> list[dict]:
    """The latest failed attempt per period, where it is newer than the published folder."""
    latest: dict[str, tuple[dt.datetime, Path]] = {}
    for entry in reports.iterdir():
        found = _FAILED.fullmatch(entry.name)
        if not found or not entry.is_dir():
            continue
        moment = dt.datetime.strptime(found["tijd"], "%Y%m%d-%H%M")
        if found["periode"] not in latest or (moment, entry.name) > (
                latest[found["periode"]][0], latest[found["periode"]][1].name):
            latest[found["periode"]] = (moment, entry)
    lines = []
    for periode, (moment, entry) in sorted(latest.items(), reverse=True):
        if periode in published and moment < published[periode].replace(second=0,
                                                                          microsecond=0):
            continue
        after = ("er is nog geen gepubliceerde versie" if periode not in published
                 else "de gepubliceerde versie in de tabel is ouder")
        lines.append({"tekst": f"{periode_tekst(periode)}: de poging van "
                               f"{datum_tekst(moment.date())} om {moment:%H.%M} uur is mislukt "
                               f"en niet gepubliceerd; {after}.",
                      "index": f"{quote(entry.name)}/{INDEX}"
                      if (entry / INDEX).is_file() else ""})
    return lines


def overzicht_html(reports: Path) -> str:
    """The index across periods of the reports folder, newest period first."""
    rows, published = [], {}
    folders = [entry for entry in reports.iterdir() if _PERIOD.fullmatch(entry.name)
               and entry.is_dir()] if reports.is_dir() else []
    for folder in sorted(folders, key=lambda entry: entry.name, reverse=True):
        record = read_record(folder)
        if record is not None and record.get("periode") == folder.name:
            rows.append(_row(folder, record))
            published[folder.name] = _made_on(record, folder)
    today = datum_tekst(dt.date.today())
    return _environment().get_template("overzicht_perioden.html.j2").render(
        titel=f"Alle perioden — {ABOUT}", perioden=rows, bijgewerkt=today,
        voet=Markup(voet(f"Toezicht huisvesting vergunninghouders · alle perioden · "
                         f"bijgewerkt op {today}")),
        pogingen=_failed_attempts(reports, published) if reports.is_dir() else [])


def write_overzicht(reports: Path) -> None:
    """``reports/index.html``, written atomically."""
    page = overzicht_html(reports)
    write_atomic(reports / INDEX, lambda path: path.write_text(page, encoding="utf-8"))
