"""What each command does: check every argument, then run one step or read the computed
result and show or write one product. Nothing is written before all arguments are valid.

Each command imports what it needs when it runs: the parser imports this module, and
``python -m analysis --help`` loads neither pandas nor the computation."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from analysis.cli import ExitCode
from analysis.domain.datums import datum_argument
from analysis.options import DATUM, KADER, OPNIEUW, PEILDATUM, PERIODE
from analysis.problems import InputError, Problem, Refused


def ingest(args: argparse.Namespace) -> int:
    from analysis.ingest.vingerafdruk import ongewijzigd, vingerafdruk

    afdruk = vingerafdruk(args.raw, args.engine)  # before pandas loads: a check in a blink
    same = None if args.opnieuw else ongewijzigd(args.raw, args.processed, args.engine, afdruk)
    if same is not None:
        print(same.regel(args.processed))
        return ExitCode.OK
    from analysis.ingest.mirror import run_ingest
    from analysis.ingest.summary import ingest_summary

    result = run_ingest(args.raw, args.processed, engine=args.engine,
                        bron_verdwenen_toestaan=args.bron_verdwenen_toestaan, afdruk=afdruk,
                        overnemen=not args.opnieuw)
    print(ingest_summary(result, args.processed))
    return ExitCode.OK


def ingelezen(args: argparse.Namespace) -> int:
    from analysis import storage
    from analysis.report.terminal import municipality_summary

    print(municipality_summary(storage.read_table(args.processed, "taakstelling"),
                               storage.read_table(args.processed, "realisatie_maand")))
    return ExitCode.OK


def bereken(args: argparse.Namespace) -> int:
    from analysis.config import kader_path
    from analysis.domain.datums import datum_tekst, tijdstip_tekst
    from analysis.hergebruik import berekening_geldig

    kennisdatum = _datum(args.datum) or dt.date.today()
    made = None if args.opnieuw else berekening_geldig(args.processed, kader_path(args.kader),
                                                        kennisdatum.isoformat())
    if made is not None:
        print(f"Niets gewijzigd: de berekening van {tijdstip_tekst(made['berekend_op'])} met "
              f"kader {made['beoordelingskader']['naam']} en kennisdatum "
              f"{datum_tekst(kennisdatum)} geldt nog voor deze verwerkte gegevens en dit "
              f"programma; hergebruikt ({args.processed}; opnieuw berekenen: {OPNIEUW}).")
        return ExitCode.OK
    from analysis.compute.bereken import Invoer, bereken_en_bewaar
    from analysis.compute.kader import load_kader
    from analysis.report.terminal import bereken_summary

    kader = load_kader(args.kader)
    tables, _ = bereken_en_bewaar(Invoer.from_folder(args.processed), kader, args.processed,
                                  kennisdatum)
    print(bereken_summary(tables, kader.naam, kader.leidende_bron, args.processed,
                          kader.kalender, kennisdatum))
    return ExitCode.OK


def _result(args: argparse.Namespace):
    from analysis.compute import berekening

    return berekening.load(args.processed, getattr(args, "kader", None))


def oordeel(args: argparse.Namespace) -> int:
    from analysis.domain.periods import kies_periode
    from analysis.report.terminal import oordeel_table

    result = _result(args)
    periode = kies_periode(args.periode, result.periodes, result.laatste_volledige)
    print(oordeel_table(result.table("beoordeling"), periode, result.kader_naam))
    return ExitCode.OK


def tempo(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.compute.tempo import op_peildatum
    from analysis.report.terminal import signalen_lines, tempo_table

    day = datum_argument(PEILDATUM, args.peildatum)
    peildatum = pd.Timestamp(day) if day else None
    result = _result(args)
    pace = op_peildatum(result.table("tempo"), peildatum)
    if pace.empty:
        raise Refused(f"{PEILDATUM}: geen tempo voor die peildatum; er zijn cijfers per maand "
                      "nodig binnen een periode met een stand")
    print(tempo_table(pace))
    if result.maandsignalen:  # only a kader with monthly signals
        signals = result.table("signalen")
        chosen = pace["peildatum"].iloc[0]
        print()
        print(signalen_lines(signals[signals["peildatum"] == chosen], chosen))
    return ExitCode.OK


def stand(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.domain.gemeenten import kies_gemeente, naam
    from analysis.domain.periods import kies_periode
    from analysis.domain.resultaten import resultaten_block
    from analysis.report.terminal import stand_table

    result = _result(args)
    periode = kies_periode(args.periode, result.periodes, result.laatste_volledige)
    table = result.table("stand")
    if args.gemeente is None:
        print(stand_table(table, periode))
        return ExitCode.OK
    code = kies_gemeente(args.gemeente, result.gemeenten)
    print(resultaten_block(table, code, str(naam(pd.Series([code])).iloc[0]), periode))
    return ExitCode.OK


def herkomst(args: argparse.Namespace) -> int:
    from analysis.pipeline import vooraf

    vooraf.product(args.processed, args.periode)
    import pandas as pd

    from analysis.domain.gemeenten import kies_gemeente, naam
    from analysis.domain.periods import datum_tekst, kies_periode, periode_tekst
    from analysis.report.verantwoording import verantwoording, zinnen

    result = _result(args)
    periode = kies_periode(args.periode, result.periodes, result.laatste_volledige)
    code = kies_gemeente(args.gemeente, result.gemeenten)
    print(f"Verantwoording {naam(pd.Series([code])).iloc[0]}, {periode_tekst(periode)} "
          f"(met wat bekend was op {datum_tekst(result.kennisdatum)})")
    for line in zinnen(verantwoording(result, periode, [code])):
        print(f"  - {line}")
    return ExitCode.OK


def prognose(args: argparse.Namespace) -> int:
    from analysis.compute.prognose import prognose as forecast
    from analysis.domain.periods import periode_argument, volgende_periode
    from analysis.report.terminal import prognose_table

    result = _result(args)
    latest = max(result.periodes)
    periode = periode_argument(args.periode) or volgende_periode(latest)
    made = forecast(args.landelijk, result.taakstelling, result.table("stand"), periode)
    print(prognose_table(made.tabel, periode, args.landelijk, made.bron, made.stand_periode))
    return ExitCode.OK


def _datum(value: str | None) -> dt.date | None:
    """The date of a ``--datum`` argument in any accepted form; None when not given."""
    return datum_argument(DATUM, value)


def run(args: argparse.Namespace) -> int:
    from analysis.pipeline import vooraf

    datum = _datum(args.datum)
    vooraf.run(args.raw, args.processed, args.kader, datum, args.periode, args.provincie,
               args.opnieuw)
    from analysis.pipeline.run import run as run_all

    result = run_all(args.periode, args.provincie, args.jobs, args.raw, args.processed,
                     args.reports, args.kader, args.bron_verdwenen_toestaan, datum,
                     args.opnieuw)
    if result.ongewijzigd:
        print(f"Niets gewijzigd: versie {result.versie} van {result.provincie} {result.periode} "
              f"zegt al hetzelfde (cijfers, oordelen, treden, besluiten, brieven); geen nieuwe "
              f"versie gepubliceerd ({result.folder / 'index.html'}).")
        for warning in result.waarschuwingen:
            print(f"Let op: {warning}")
        return ExitCode.OK
    failed = result.mislukt
    print(f"Rapportages {result.provincie} {result.periode}: "
          f"{len(result.outcomes) - len(failed)} gelukt, {len(failed)} mislukt; "
          f"{result.folder / 'index.html'} ({result.seconden:.0f} s)")
    print(f"Brieven: {len(result.brieven.bestanden)} .docx, {len(result.brieven.pdf)} PDF")
    for note in result.brieven.opmerkingen:
        print(f"  - let op: {note}")
    for warning in result.waarschuwingen:
        print(f"Let op: {warning}")
    if result.gepubliceerd and result.bewaard_als is not None:
        what = (f"{result.wijzigingen} wijziging(en), zie {result.folder / 'wijzigingen.html'}"
                if result.wijzigingen is not None else "de vorige versie noemt haar cijfers niet")
        print(f"Versie {result.versie} gepubliceerd: {what}; versie {result.versie - 1} blijft "
              f"ongewijzigd in {result.bewaard_als}.")
    if result.gepubliceerd:
        return _refused_letters(result.brieven)
    for outcome in failed:
        print(f"  - mislukt: {outcome.naam}", file=sys.stderr)
    for step in result.stappen_mislukt:
        print(f"  - niet gemaakt: {step}", file=sys.stderr)
    previous = (f"de vorige rapportages in {result.vorige} zijn bewaard" if result.vorige
                else f"er waren nog geen rapportages over {result.periode}")
    print(f"Run mislukt, niets gepubliceerd: de mislukte poging staat in {result.folder} "
          f"(run.json zegt wat er misging); {previous}.", file=sys.stderr)
    return ExitCode.MISLUKT


def excel(args: argparse.Namespace) -> int:
    from analysis.pipeline import vooraf

    vooraf.product(args.processed, args.periode, args.provincie)
    from analysis.domain.gemeenten import kies_provincie
    from analysis.domain.periods import kies_periode
    from analysis.pipeline.run import record_step
    from analysis.report.gs_samenvatting import write_summary
    from analysis.report.index import workbook_name
    from analysis.report.versies import read_changes

    result = _result(args)
    periode = kies_periode(args.periode, result.periodes, result.laatste_volledige)
    provincie, _ = kies_provincie(args.provincie, result.gemeenten)
    # the version the folder holds, with its list of changes: the workbook keeps saying so
    versie, changes = read_changes(args.reports / periode)
    path = record_step(args.reports, periode, provincie, result, "excel",
                       lambda: write_summary(args.reports / periode / workbook_name(periode),
                                             result, periode, provincie, versie, changes),
                       lambda written: {"samenvatting": written.name})
    print(f"Excel-samenvatting geschreven: {path} (beoordelingskader {result.kader_naam}); "
          f"{args.reports / periode / 'index.html'} bijgewerkt")
    return ExitCode.OK


def brieven(args: argparse.Namespace) -> int:
    from analysis.pipeline import vooraf

    if not args.sjabloon_opslaan:
        vooraf.product(args.processed, args.periode)
    from analysis import storage
    from analysis.atomic import write_atomic
    from analysis.compute.volledigheid import is_volledig
    from analysis.domain.briefinstellingen import CONFIG, Briefinstellingen
    from analysis.domain.gemeenten import kies_provincie
    from analysis.domain.periods import datum_tekst, kies_periode
    from analysis.pipeline.run import check_datum, check_kennisdatum, letters_record, record_step
    from analysis.report.brieven.template import default_template
    from analysis.report.brieven.write import (
        Brieven,
        check_kenmerken,
        load_brief_settings,
        write_brieven,
    )
    from analysis.report.publish import staged
    from analysis.report.scenario import scenario

    if args.sjabloon_opslaan:
        content = default_template(args.soort)
        write_atomic(args.sjabloon_opslaan, lambda path: path.write_bytes(content))
        print(f"Standaardsjabloon ({args.soort}) geschreven: {args.sjabloon_opslaan}")
        return ExitCode.OK
    stored = Briefinstellingen.from_table(storage.read_table(args.processed, "brieven_bron"))
    if stored is None:
        raise InputError([Problem(str(CONFIG), "bestand ontbreekt (verwacht in de map met "
                                               "exports, ingelezen met 'python -m analysis "
                                               "ingest'); zie docs/letters.md voor de opbouw")])
    # the settings as the last ingest stored them; --sjabloon, an argument and no raw input, is
    # read from its file
    adressering, templates = load_brief_settings(stored, args.sjabloon)
    result = _result(args)
    datum = _datum(args.datum) or result.kennisdatum
    periode = kies_periode(args.periode, result.periodes, result.laatste_volledige)
    check_datum(periode, datum, result.kalender)
    check_kennisdatum(result, datum)
    closing = result.kalender.peildatum(periode)
    if not is_volledig(result.table("stand"), periode):
        raise Refused(f"{PERIODE}: {periode} loopt nog: het COA-overzicht van de peildatum "
                      f"{datum_tekst(closing)} ontbreekt; een brief volgt als de "
                      "afsluitende cijfers er zijn")
    provincie, codes = kies_provincie(adressering.provincie, result.gemeenten_in(periode))
    marked = scenario(result, provincie)
    if marked:
        raise Refused(f"{KADER}: {marked} Kies het beoordelingskader van {provincie}, of laat "
                      f"{KADER} weg bij 'bereken'")
    check_kenmerken(result.table("beoordeling"), periode, codes, adressering)
    if periode in adressering.verzonden:
        raise Refused(f"{PERIODE}: de brieven over {periode} zijn verzonden op "
                      f"{datum_tekst(adressering.verzonden[periode])} ({CONFIG.name}, "
                      "[verzonden]); een verzonden brief wordt niet opnieuw gemaakt. Een "
                      "herziene brief voor wie andere cijfers heeft, maakt 'python -m analysis "
                      "run' in een nieuwe versie van de periode")
    final = args.reports / periode / "brieven"

    def write() -> Brieven:
        with staged(final) as attempt:
            return write_brieven(attempt.folder, result, periode, codes, adressering,
                                 templates)

    made = record_step(args.reports, periode, provincie, result, "brieven", write,
                       lambda made: {"brieven": letters_record(made, datum)})
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(made.soorten.items()))
    print(f"Brieven {provincie} {periode}: {len(made.bestanden)} .docx ({kinds}), "
          f"{len(made.pdf)} PDF in {final} (beoordelingskader {result.kader_naam}); "
          f"{args.reports / periode / 'index.html'} bijgewerkt")
    for note in made.opmerkingen:
        print(f"  - let op: {note}")
        if getattr(note, "detail", None):
            print(f"    technische melding: {note.detail}", file=sys.stderr)
    return _refused_letters(made)


def _refused_letters(made) -> int:
    """Name every letter the check stopped, with why (exit 1); OK when there is none."""
    for naam, why in sorted(made.geweigerd.items()):
        print(f"Brief aan {naam} niet geschreven: {'; '.join(why)}", file=sys.stderr)
    return ExitCode.MISLUKT if made.geweigerd else ExitCode.OK


def voorbeelddata(args: argparse.Namespace) -> int:
    from analysis.sample import generate

    generate(args.raw, args.overschrijven, args.provincie)
    print(f"Synthetische voorbeelddata geschreven naar {args.raw} ({args.provincie})")
    return ExitCode.OK
