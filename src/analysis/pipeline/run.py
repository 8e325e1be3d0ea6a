"""The reporting run: ingest, compute, then every product for one period and province.

Every argument is checked before anything is written: the kader, the province, the letters'
settings and templates first (read as ingest reads and stores them; the letters are made from
those bytes); the period and the province's municipalities against the data once
it has been read and computed in memory. Only then are the processed tables written, and the
products made from them: an HTML report per municipality and the province overview (notebooks
executed with papermill), the GS workbook, the letters, ``index.html`` and ``run.json`` (inputs'
hashes, package versions, timings per step, the outcome per notebook, what failed), and
``reports/index.html`` across the periods afresh. They are
written into a staging folder that replaces ``reports/<periode>/`` only when the overview, every
municipal report, the workbook and the letters were made; otherwise the previous folder stays
and the attempt is kept beside it (see ``publish``). A lock refuses a second run on the same
reports folder.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import TypeVar

import pandas as pd

from analysis import options, storage
from analysis.atomic import WriteFailed, write_atomic, writing
from analysis.compute import berekening
from analysis.compute.bereken import Invoer, bereken, manifest
from analysis.compute.kader import load_kader
from analysis.compute.uitruil import art29_meldingen
from analysis.compute.volledigheid import is_volledig, laatste_volledige, periode_status
from analysis.domain.besluiten import vroege_besluiten
from analysis.domain.briefinstellingen import CONFIG, Briefinstellingen
from analysis.domain.gemeenten import kies_provincie
from analysis.domain.periods import datum_tekst, kies_periode, periode_argument
from analysis.domain.telkalender import Telkalender
from analysis.hergebruik import berekening_geldig, ingelezen
from analysis.ingest.brieven import read_brieven
from analysis.ingest.mirror import checked_ingest, mirror_tables
from analysis.ingest.vingerafdruk import gemaakt, ongewijzigd, vingerafdruk
from analysis.locks import Lock
from analysis.pipeline.publicatie import Publicatie, letters_due, plan
from analysis.problems import Refused
from analysis.report.brieven.pdf import Note
from analysis.report.brieven.write import (
    Brieven,
    check_kenmerken,
    load_brief_settings,
    write_brieven,
)
from analysis.report.gs_samenvatting import write_summary
from analysis.report.index import (
    RECORD,
    WIJZIGINGEN,
    read_record,
    wijzigingen_html,
    workbook_name,
    write_overzicht,
    write_record,
)
from analysis.report.notebooks import Outcome, execute_all, tasks, worker_pool
from analysis.report.publish import clear_leftovers, staged
from analysis.report.versies import INHOUD

T = TypeVar("T")
ENGINE = options.ENGINES[0]  # the run reads with the default reader
PACKAGES = ["analysis", "pandas", "numpy", "pyarrow", "openpyxl", "matplotlib", "papermill",
            "nbconvert", "ipykernel"]


@dataclass
class RunResult:
    """What a run made, for the summary the command prints."""

    periode: str
    provincie: str
    folder: Path  # the published folder, or the failed attempt kept beside it
    seconden: float
    outcomes: list[Outcome] = field(default_factory=list)
    brieven: Brieven = field(default_factory=Brieven)
    stappen_mislukt: list[str] = field(default_factory=list)  # workbook, letters
    gepubliceerd: bool = True
    vorige: Path | None = None  # the published folder a failed attempt left in place
    # files with figures for a half-year without a taakstelling; the decisions register
    waarschuwingen: list[str] = field(default_factory=list)
    versie: int | None = None  # the version published, or the one that stays (ongewijzigd)
    ongewijzigd: bool = False  # the published version says the same: nothing new published
    wijzigingen: int | None = None  # changes against the previous version
    bewaard_als: Path | None = None  # where the previous version is kept

    @property
    def mislukt(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status != "gelukt"]


def run(periode: str | None, provincie: str, jobs: int, raw: Path, processed: Path,
        reports: Path, kader_name: str, bron_verdwenen_toestaan: bool = False,
        datum: dt.date | None = None, opnieuw: bool = False) -> RunResult:
    """The whole run; ``datum`` dates the letters (default today). Bad arguments raise
    (``Refused``, ``KaderError``, ``InputError``) before anything is written; ``RunLocked``
    when another run holds the lock; ``WriteFailed`` when the system refuses a write, with
    nothing half-made published. Unless ``opnieuw``, what the processed folder holds is reused
    when the raw folder, the program, the kader and the date are as they were (see
    :mod:`analysis.hergebruik`): a period or province outside the data is then refused in a
    blink; in every case before any report is started."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    made_on = dt.datetime.now()
    kader = load_kader(kader_name)
    kies_provincie(provincie)
    if periode_argument(periode) and datum is not None:
        check_datum(periode_argument(periode), datum, kader.kalender)
    if jobs < 1:
        raise Refused(f"{options.JOBS}: verwacht minstens 1, niet {jobs}")
    # the letters' settings as the ingest reads and stores them, checked before the lock
    brieven = read_brieven(raw)
    stored = Briefinstellingen.from_table(brieven)
    letters = load_brief_settings(stored) if stored is not None else None
    letters_date = datum or dt.date.today()
    with Lock(reports / ".lock"):
        afdruk = vingerafdruk(raw, ENGINE)
        same = None if opnieuw else ongewijzigd(raw, processed, ENGINE, afdruk)
        vorige = ingelezen(processed) if same else None
        reusable = same and berekening_geldig(processed, kader.path, letters_date.isoformat())
        if reusable:  # nothing read or computed: the processed folder says it all
            timings["ingest"] = time.perf_counter() - started
            step = time.perf_counter()
            result = berekening.load(processed)
            timings["berekenen"] = time.perf_counter() - step  # loading what was computed
            let_op = list((vorige or {}).get("let_op", []))
            periode, provincie, codes = _chosen(periode, provincie, datum, result.periodes,
                                                result.laatste_volledige,
                                                result.table("stand"), kader.kalender)
            if letters is not None:
                check_kenmerken(result.table("beoordeling"), periode, codes, letters[0])
        else:
            if same:  # the ingested tables stand; only the computation is done again
                invoer = Invoer.from_folder(processed)
                let_op = list((vorige or {}).get("let_op", []))
            else:
                ingested = checked_ingest(raw, processed, ENGINE, bron_verdwenen_toestaan,
                                          brieven=brieven, afdruk=afdruk, overnemen=not opnieuw)
                mirror = mirror_tables(ingested)
                let_op = [str(note) for note in ingested.let_op]
                gelezen = None if afdruk is None else gemaakt(afdruk, list(mirror), let_op,
                                                              ingested.bronnen)
                invoer = Invoer(mirror, processed)
            timings["ingest"] = time.perf_counter() - started
            step = time.perf_counter()
            tables = bereken(invoer, kader, letters_date)
            stand = tables["stand"]
            periode, provincie, codes = _chosen(periode, provincie, datum,
                                                sorted(stand["periode"].unique()),
                                                laatste_volledige(stand), stand,
                                                kader.kalender)
            if letters is not None:
                check_kenmerken(tables["beoordeling"], periode, codes, letters[0])
            if not same:
                storage.write_ingested(mirror, processed, gelezen)
            storage.write_computed(tables, manifest(invoer, kader, tables, letters_date),
                                   processed)
            result = berekening.load(processed)
            timings["berekenen"] = time.perf_counter() - step
        stand = result.table("stand")
        clear_leftovers(reports)
        final = reports / periode
        publicatie = plan(final, result, periode, codes, provincie,
                          periode_status(stand, periode), letters[0] if letters else None)
        if publicatie.versie is None:
            return RunResult(periode, provincie, final, time.perf_counter() - started,
                             gepubliceerd=False, ongewijzigd=True,
                             versie=int((publicatie.vorige or {}).get("versie") or 1),
                             waarschuwingen=let_op)
        changed = None if publicatie.wijzigingen is None else len(publicatie.wijzigingen)
        with staged(final, publicatie.bewaar_als) as attempt, worker_pool(jobs) as pool:
            folder = attempt.folder
            failures: dict[str, str] = {}  # what was not made, with the error, for run.json
            step = time.perf_counter()
            outcomes = execute_all(tasks(periode, provincie, codes, processed), folder, pool)
            timings["notebooks"] = time.perf_counter() - step
            workbook = workbook_name(periode)
            if not _made(failures, "Excel-samenvatting", lambda: write_summary(
                    folder / workbook, result, periode, provincie, publicatie.versie,
                    publicatie.wijzigingen)):
                workbook = None
            step = time.perf_counter()
            made = _made(failures, "brieven", lambda: _letters(
                letters, folder, result, periode, codes, provincie, raw, letters_date,
                publicatie)) or Brieven()
            timings["brieven"] = time.perf_counter() - step
            attempt.mislukt = [outcome.naam for outcome in outcomes
                               if outcome.status != "gelukt"] + list(failures)
            timings["totaal"] = time.perf_counter() - started
            ratings = result.table("beoordeling")
            ratings = ratings[ratings["periode"] == periode].set_index("gemeente_naam")
            record = {
                "periode": periode, "provincie": provincie, "beoordelingskader": kader.naam,
                "versie": publicatie.versie, "vorige_versies": publicatie.vorige_versies,
                "wijzigingen": changed,
                "gemaakt_op": made_on.isoformat(timespec="seconds"),
                "volledig": is_volledig(stand, periode),
                "status": periode_status(stand, periode),
                "kennisdatum": letters_date.isoformat(),
                # the processed folder as it was: nothing read or computed anew
                "hergebruikt": {"ingelezen": bool(same), "berekend": bool(reusable)},
                "gepubliceerd": not attempt.mislukt,
                "mislukt": [{"onderdeel": outcome.naam, "fout": outcome.fout}
                            for outcome in outcomes if outcome.status != "gelukt"]
                + [{"onderdeel": name, "fout": error} for name, error in failures.items()],
                "berekening": result.manifest,
                "invoer": result.manifest["invoer"],
                "versies": {"python": sys.version.split()[0],
                            **{name: version(name) for name in PACKAGES}},
                "tijden_seconden": {k: round(v, 2) for k, v in timings.items()},
                "notebooks": [asdict(outcome) | {"seconden": round(outcome.seconden, 2)}
                              | _rating(ratings, outcome.naam) for outcome in outcomes],
                "samenvatting": workbook,
                "brieven": letters_record(made, letters_date),
            }
            write_versie(folder, record, publicatie)
            write_settings(folder, result)
            write_record(folder, record)
        _refresh_overview(reports)
    return RunResult(periode, provincie, attempt.bewaard or final, timings["totaal"], outcomes,
                     made, list(failures), not attempt.mislukt,
                     final if attempt.bewaard and final.is_dir() else None,
                     let_op + vroege_besluiten(result.table("besluiten"), kader.kalender)
                     + [str(w) for w in art29_meldingen(result.table("art29_toets"))],
                     versie=publicatie.versie, wijzigingen=changed,
                     bewaard_als=None if attempt.bewaard else publicatie.bewaar_als)


def _chosen(periode: str | None, provincie: str, datum: dt.date | None, periodes: list[str],
            standaard: str | None, stand: pd.DataFrame,
            kalender: Telkalender) -> tuple[str, str, list[str]]:
    """The period and the province's municipalities asked for, checked against the data (and
    the letters' date against the period): refused before any report work. The municipalities
    are those with a stand in the period: one that went up in another by a herindeling before
    it has no report or letter of its own (its successor's carries its stand)."""
    periode = kies_periode(periode, periodes, standaard)
    present = stand.loc[stand["periode"] == periode, "gemeente_code"].astype(str).unique()
    provincie, codes = kies_provincie(provincie, present.tolist())
    if datum is not None:
        check_datum(periode, datum, kalender)
    return periode, provincie, codes


def check_datum(periode: str, datum: dt.date, kalender: Telkalender) -> None:
    """Refuse a letters' date before the peildatum that closes ``periode``."""
    closing = kalender.peildatum(periode)
    if datum < closing:
        raise Refused(f"{options.DATUM}: een brief over {periode} kan niet gedateerd zijn vóór de "
                      f"peildatum {datum_tekst(closing)}")


def check_kennisdatum(result: berekening.Berekening, datum: dt.date) -> None:
    """Refuse letters dated another day than the computation's date of knowledge: a letter
    states what was known on its date, no more and no less."""
    known = result.kennisdatum
    if datum != known:
        raise Refused(f"{options.DATUM}: de berekende gegevens geven wat bekend was op "
                      f"{datum_tekst(known)}; een brief van {datum_tekst(datum)} noemt alleen "
                      "wat toen bekend was (cijfers, taakstellingen, besluiten). Voer eerst "
                      f"'python -m analysis bereken {options.DATUM} {datum.isoformat()}' uit, "
                      f"of maak alles in één keer met 'python -m analysis run {options.DATUM} "
                      f"{datum.isoformat()}'")


def _rating(ratings: pd.DataFrame, naam: str) -> dict[str, str]:
    """The rating a report shows, for the index page."""
    if naam not in ratings.index:
        return {}
    row = ratings.loc[naam]
    return {"oordeel": str(row["oordeel_label"]), "kleur": str(row["kleur"])}


def letters_record(made: Brieven, datum: dt.date) -> dict:
    """What ``run.json`` says of the letters: counts, their date, the notes as the index page
    shows them and their technical details apart."""
    return {"docx": len(made.bestanden), "pdf": len(made.pdf),
            "datum": datum.isoformat() if made.bestanden else None,
            "opmerkingen": [f"{note}; zie run.json" if getattr(note, "detail", None)
                            else str(note) for note in made.opmerkingen],
            "geweigerd": [{"gemeente": naam, "waarom": why}
                          for naam, why in sorted(made.geweigerd.items())],
            "details": [note.detail for note in made.opmerkingen
                        if getattr(note, "detail", None)]}


def _refresh_overview(reports: Path) -> None:
    with writing(reports):
        write_overzicht(reports)


def record_step(reports: Path, periode: str, provincie: str, result: berekening.Berekening,
                onderdeel: str, make: Callable[[], T], changes: Callable[[T], dict]) -> T:
    """A product made on its own (``excel``, ``brieven``) into ``reports/<periode>/``: under
    the reports' lock, ``make`` it; in the folder's ``run.json`` (a minimal one when no run
    made the folder) set what ``changes`` says of it and note the step with its time; write
    that and the folder's ``index.html`` afresh, and the index across periods. A folder of
    another province, or whose ``run.json`` cannot be read, is refused before anything is
    written."""
    folder = reports / periode
    with Lock(reports / ".lock"):
        record = read_record(folder) if (folder / RECORD).exists() else _minimal(
            periode, provincie, result)
        if record is None or record.get("periode") != periode:
            raise Refused(f"{folder / RECORD}: niet te lezen als verslag over {periode}; "
                          "herstel of verwijder het bestand, of maak de periode opnieuw met "
                          "'run'")
        if record.get("provincie") != provincie:
            raise Refused(f"{folder}: hierin staan de rapportages van {record.get('provincie')}"
                          f", niet van {provincie}; kies een andere map met {options.REPORTS}")
        known = record.get("kennisdatum")
        if known and known != result.kennisdatum.isoformat():
            day = dt.date.fromisoformat(known)
            raise Refused(f"{folder}: de rapportages hierin geven wat bekend was op "
                          f"{datum_tekst(day)}, de berekende gegevens wat bekend was op "
                          f"{datum_tekst(result.kennisdatum)}; maak de periode opnieuw met "
                          f"'python -m analysis run {options.DATUM} "
                          f"{result.kennisdatum.isoformat()}', of kies een andere map met "
                          f"{options.REPORTS}")
        made = make()
        changed = changes(made)
        record |= changed
        step = {"onderdeel": onderdeel, "tijd": dt.datetime.now().isoformat(timespec="seconds"),
                "beoordelingskader": result.kader_naam,
                "berekend_op": result.manifest.get("berekend_op")}
        if (changed.get("brieven") or {}).get("datum"):
            step["datum"] = changed["brieven"]["datum"]
        record.setdefault("bijgewerkt", []).append(step)
        write_record(folder, record)
        _refresh_overview(reports)
    return made


def _minimal(periode: str, provincie: str, result: berekening.Berekening) -> dict:
    """The record of a period folder no run made: what the computed result says of it."""
    return {"periode": periode, "provincie": provincie,
            "beoordelingskader": result.kader_naam,
            "gemaakt_op": dt.datetime.now().isoformat(timespec="seconds"),
            "volledig": is_volledig(result.table("stand"), periode),
            "status": periode_status(result.table("stand"), periode),
            "kennisdatum": result.kennisdatum.isoformat(), "gepubliceerd": True,
            "mislukt": [], "berekening": result.manifest, "notebooks": []}


def _made(failures: dict[str, str], name: str, make: Callable[[], T]) -> T | None:
    """What ``make`` returns; an error other than a refused write is noted under ``name`` in
    ``failures`` (the run goes on, and is not published)."""
    try:
        return make()
    except (OSError, WriteFailed):
        raise
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
        return None


def write_versie(folder: Path, record: dict, publicatie: Publicatie) -> None:
    """What the version says (``inhoud.json``) and, from version 2 on, the page of what
    changed against the previous one."""
    text = json.dumps(publicatie.inhoud, indent=1, ensure_ascii=False, sort_keys=True)
    write_atomic(folder / INHOUD, lambda path: path.write_text(text, encoding="utf-8"))
    if publicatie.versie == 1:
        return
    changes = publicatie.wijzigingen
    page = wijzigingen_html(record, [] if changes is None else changes.to_dict("records"),
                            "De vorige versie is gemaakt voordat versies werden bijgehouden; "
                            "welke cijfers zijn gewijzigd, is daarom niet vast te stellen. "
                            "Vergelijk de twee versies zelf.")
    write_atomic(folder / WIJZIGINGEN, lambda path: path.write_text(page, encoding="utf-8"))


SETTINGS = "instellingen"  # the decisions register and letters' settings a version used


def write_settings(folder: Path, result: berekening.Berekening) -> None:
    """The decisions register and the letters' settings and templates as ingest stored them
    (their bytes, whose hashes ``run.json`` records), so that each version keeps what it was
    made with; no export, and never the person-level one, is copied."""
    for table in ("besluiten_bron", "brieven_bron"):
        stored = result.table(table)
        for name, content in zip(stored["bron_bestand"], stored["inhoud"], strict=True):
            data = bytes(content)
            write_atomic(folder / SETTINGS / PurePosixPath(str(name)).name,
                         lambda path, data=data: path.write_bytes(data))


def _letters(letters, folder: Path, result: berekening.Berekening, periode: str,
             codes: list[str], provincie: str, raw: Path, datum: dt.date,
             publicatie: Publicatie) -> Brieven:
    """The letters of the run dated ``datum``, or a note why there are none; once the
    period's letters were sent, only the herziene brieven."""
    if letters is None:
        return Brieven(opmerkingen=[Note(f"brieven niet gemaakt: {CONFIG.name} ontbreekt "
                                         "(verwacht in de map met exports: "
                                         f"{CONFIG.as_posix()})", f"verwacht: {raw / CONFIG}")])
    why_not = letters_due(result, periode, provincie, datum)
    if why_not:
        return Brieven(opmerkingen=[why_not])
    made = write_brieven(folder / "brieven", result, periode, codes, *letters,
                         herzien=publicatie.herzien)
    if publicatie.herzien is not None:
        made.opmerkingen.insert(0, f"de brieven over {periode} zijn verzonden op "
                                   f"{datum_tekst(publicatie.verzonden)}; alleen wie sindsdien "
                                   "andere cijfers, een ander oordeel of andere besluiten heeft, "
                                   f"krijgt een herziene brief ({len(publicatie.herzien)}); de "
                                   "verzonden brieven staan in de vorige versies")
    if letters[0].provincie != provincie:
        made.opmerkingen.append(f"brieven.toml is van provincie {letters[0].provincie}, "
                                f"de run van {provincie}; controleer afzender en adressen")
    return made
