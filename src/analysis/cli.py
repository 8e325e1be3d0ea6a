"""Command line: ``python -m analysis <opdracht>``. Messages are Dutch; bad input exits with 2."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from analysis import config
from analysis.kader import KaderError
from analysis.problems import InputError
from analysis.roll_forward import RollforwardError
from analysis.workbook import ENGINES

EXIT_OK, EXIT_INPUT = 0, 2


def _ingest(args: argparse.Namespace) -> int:
    from analysis.ingest import run_ingest
    from analysis.summary import ingest_summary

    result = run_ingest(args.raw, args.processed, engine=args.engine)
    print(ingest_summary(result, args.processed))
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from analysis.summary import municipality_summary

    print(municipality_summary(args.processed))
    return EXIT_OK


def _bereken(args: argparse.Namespace) -> int:
    from analysis.kader import load_kader
    from analysis.toezicht import save, toezicht

    kader = load_kader(args.kader)
    tables = toezicht(args.processed, args.raw, kader)
    save(tables, args.processed)
    stand, verschillen = tables["stand"], tables["coa_verschillen"]
    print(f"Stand berekend: {stand['gemeente_code'].nunique()} gemeenten, "
          f"{stand['periode'].nunique()} periodes ({len(stand)} rijen); beoordeeld met het "
          f"kader {kader.naam}; geschreven naar {args.processed}")
    if verschillen.empty:
        print("Berekende standen komen overeen met de standen van het COA.")
    else:
        print(f"Let op: {len(verschillen)} verschil(len) met de standen van het COA "
              f"(zie coa_verschillen.parquet):")
        for row in verschillen.itertuples():
            print(f"  - {row.gemeente_code} {row.periode}: berekend {row.stand_eind}, "
                  f"COA {row.coa_stand_eind} ({row.bron_bestand})")
    afstemming = tables["afstemming"]
    print(f"Afstemming gemeenten met COA: {len(afstemming)} maand(en) om op te volgen "
          f"({kader.leidende_bron} is leidend; zie afstemming.parquet).")
    for row in afstemming.itertuples():
        print(f"  - {row.gemeente_code} {row.opvolgen}")
    return EXIT_OK


def _oordeel(args: argparse.Namespace) -> int:
    from analysis.kader import load_kader
    from analysis.summary import oordeel_table
    from analysis.toezicht import toezicht

    kader = load_kader(args.kader)
    beoordeling = toezicht(args.processed, args.raw, kader)["beoordeling"]
    periode = _periode(args.periode, beoordeling)
    if periode is None:
        return EXIT_INPUT
    print(oordeel_table(beoordeling, periode, kader))
    return EXIT_OK


def _tempo(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.dataset import bereken_stand, read_table
    from analysis.summary import tempo_table
    from analysis.tempo import tempo

    stand, _ = bereken_stand(args.processed)
    try:
        peildatum = pd.Timestamp(args.peildatum) if args.peildatum else None
    except ValueError:
        return _refuse(f"--peildatum: '{args.peildatum}' is geen datum (bijvoorbeeld 2025-10-01)")
    pace = tempo(stand, read_table(args.processed, "realisatie_maand"), peildatum)
    if pace.empty:
        return _refuse("--peildatum: geen stand voor de periode van die peildatum")
    print(tempo_table(pace))
    return EXIT_OK


def _periode(text: str | None, frame) -> str | None:
    """The period asked for (default: the latest), or None after telling the user why not."""
    from analysis.periods import PeriodeError, parse_periode

    try:
        periode = parse_periode(text) if text else frame["periode"].max()
    except PeriodeError as error:
        _refuse(f"--periode: {error}")
        return None
    if periode not in set(frame["periode"]):
        _refuse(f"--periode: geen gegevens voor {periode} (beschikbaar: "
                f"{frame['periode'].min()} t/m {frame['periode'].max()})")
        return None
    return periode


def _stand(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis import gemeenten
    from analysis.dataset import bereken_stand
    from analysis.letter import resultaten_block
    from analysis.summary import stand_table

    stand, _ = bereken_stand(args.processed)
    periode = _periode(args.periode, stand)
    if periode is None:
        return EXIT_INPUT
    if args.gemeente is None:
        print(stand_table(stand, periode))
        return EXIT_OK
    code = gemeenten.resolve(pd.Series([args.gemeente], dtype=object)).iloc[0]
    if pd.isna(code) or code not in set(stand["gemeente_code"]):
        return _refuse(f"--gemeente: '{args.gemeente}' is geen gemeente in de gegevens")
    name = str(gemeenten.naam(pd.Series([code])).iloc[0])
    print(resultaten_block(stand, code, name, periode))
    return EXIT_OK


def _prognose(args: argparse.Namespace) -> int:
    from analysis.dataset import bereken_stand, read_table
    from analysis.periods import PeriodeError, parse_periode, periode_from_index, periode_index
    from analysis.summary import prognose_table
    from analysis.taakstelling import voorspel

    stand, _ = bereken_stand(args.processed)
    latest = stand["periode"].max()
    try:
        periode = (parse_periode(args.periode) if args.periode
                   else periode_from_index(periode_index(latest) + 1))
    except PeriodeError as error:
        return _refuse(f"--periode: {error}")
    if args.landelijk <= 0:
        return _refuse("--landelijk: verwacht een positief getal, bijvoorbeeld 12000")
    table = read_table(args.processed, "taakstelling").sort_values("versiedatum")
    newest = table[table["periode"] == table["periode"].max()].groupby("gemeente_code").tail(1)
    if newest["inwoners_nederland"].isna().any():
        return _refuse("de laatste taakstellingstabel noemt het aantal inwoners van Nederland "
                       "niet; een prognose volgens art. 29 is dan niet mogelijk")
    closing = stand[stand["periode"] == latest].set_index("gemeente_code")["stand_eind"]
    forecast = voorspel(args.landelijk, newest, int(newest["inwoners_nederland"].iloc[0]), closing)
    print(prognose_table(forecast, periode, args.landelijk, newest, latest))
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from analysis.periods import PeriodeError, parse_periode
    from analysis.runner import EXIT_LOCKED, RunLocked, run

    try:
        periode = parse_periode(args.periode) if args.periode else None
    except PeriodeError as error:
        return _refuse(f"--periode: {error}")
    try:
        return run(periode, args.provincie, args.jobs, args.raw, args.processed, args.reports,
                   args.kader)
    except RunLocked as error:
        print(str(error), file=sys.stderr)
        return EXIT_LOCKED


def _excel(args: argparse.Namespace) -> int:
    from analysis.dataset import read_table
    from analysis.excel import write_summary
    from analysis.kader import load_kader

    periode = _periode(args.periode, read_table(args.processed, "beoordeling"))
    if periode is None:
        return EXIT_INPUT
    path = write_summary(args.reports / periode / f"GS-samenvatting-{periode}.xlsx",
                         args.processed, periode, args.provincie, load_kader(args.kader))
    print(f"Samenvatting geschreven: {path}")
    return EXIT_OK


def _brieven(args: argparse.Namespace) -> int:
    import datetime as dt

    from analysis import gemeenten
    from analysis.brieven import load_letters, write_brieven
    from analysis.dataset import read_table
    from analysis.outputs import publish_folder, write_atomic
    from analysis.sjabloon import default_template

    if args.sjabloon_opslaan:
        write_atomic(args.sjabloon_opslaan, lambda path: path.write_bytes(default_template()))
        print(f"Standaardsjabloon geschreven: {args.sjabloon_opslaan}")
        return EXIT_OK
    try:
        datum = dt.date.fromisoformat(args.datum) if args.datum else dt.date.today()
    except ValueError:
        return _refuse(f"--datum: '{args.datum}' is geen datum (verwacht bijvoorbeeld "
                       "2024-11-19)")
    adressering, template = load_letters(args.raw, args.sjabloon)
    beoordeling = read_table(args.processed, "beoordeling")
    periode = _periode(args.periode, beoordeling)
    if periode is None:
        return EXIT_INPUT
    codes = sorted(set(gemeenten.provincie_codes(adressering.provincie))
                   & set(beoordeling["gemeente_code"]))
    final = args.reports / periode / "brieven"
    staging = final.with_name(f".brieven.bezig-{os.getpid()}")
    try:
        made = write_brieven(staging, beoordeling, periode, codes, adressering, template, datum)
        publish_folder(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Brieven {adressering.provincie} {periode}: {len(made.bestanden)} .docx, "
          f"{len(made.pdf)} PDF in {final}")
    for note in made.opmerkingen:
        print(f"  - let op: {note}")
    return EXIT_OK


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_INPUT


def _sample(args: argparse.Namespace) -> int:
    from analysis.sample import generate

    generate(args.raw)
    print(f"Synthetische voorbeelddata geschreven naar {args.raw}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Toezicht op de taakstelling huisvesting vergunninghouders.")
    commands = parser.add_subparsers(dest="opdracht", required=True, metavar="opdracht")

    def add(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        command.add_argument("--raw", type=Path, default=config.RAW_DIR,
                             help="map met de ruwe exports (standaard: data/raw)")
        command.add_argument("--processed", type=Path, default=config.PROCESSED_DIR,
                             help="map voor de verwerkte gegevens (standaard: data/processed)")
        return command

    ingest = add("ingest", "Lees alle bekende exports in en schrijf een getypeerde Parquet-kopie.",
                 _ingest)
    ingest.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                        help="Excel-lezer (standaard openpyxl; calamine is sneller)")
    add("samenvatting", "Toon per gemeente een korte samenvatting van de verwerkte gegevens.",
        _summary)
    bereken = add("bereken", "Bereken stand, oordeel, afstemming met gemeenten en tempo, en "
                             "schrijf ze naar de verwerkte gegevens.", _bereken)
    oordeel = add("oordeel", "Toon per gemeente het oordeel, de trede op de interventieladder en "
                             "de reden.", _oordeel)
    oordeel.add_argument("--periode", help="bijvoorbeeld 2024-H1 (standaard: de laatste)")
    for command in (bereken, oordeel):
        command.add_argument("--kader", default="drenthe",
                             help="beoordelingskader: drenthe, zuid-holland, brabant of een pad "
                                  "naar een eigen .toml (standaard: drenthe)")
    tempo = add("tempo", "Toon het tempo binnen het halfjaar: realisatie tegen het lineaire pad.",
                _tempo)
    tempo.add_argument("--peildatum", help="eerste dag na de laatste meegetelde maand, "
                                           "bijvoorbeeld 2025-10-01 (standaard: na de laatste "
                                           "maand met gegevens)")
    stand = add("stand", "Toon de stand: het blok 'Resultaten gemeente' of een tabel per periode.",
                _stand)
    stand.add_argument("--gemeente", help="naam of CBS-code, bijvoorbeeld 'De Wolden' of GM1690")
    stand.add_argument("--periode", help="bijvoorbeeld 2024-H1 of '1e helft 2024' "
                                         "(standaard: de laatste periode met gegevens)")
    prognose = add("prognose", "Voorspel de taakstelling en opgave per gemeente uit een "
                               "aangekondigd landelijk totaal (art. 29).", _prognose)
    prognose.add_argument("--landelijk", type=int, required=True,
                          help="aangekondigde landelijke taakstelling, bijvoorbeeld 12000")
    prognose.add_argument("--periode", help="de periode van de prognose (standaard: de periode "
                                            "na de laatste met gegevens)")
    runner = add("run", "Maak alle rapportages: inlezen, berekenen, notebooks uitvoeren, HTML.",
                 _run)
    runner.add_argument("--periode", help="bijvoorbeeld 2024-H1 (standaard: de laatste)")
    runner.add_argument("--provincie", default="Drenthe", help="standaard: Drenthe")
    runner.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="aantal notebooks tegelijk (standaard: aantal processorkernen)")
    runner.add_argument("--reports", type=Path, default=config.REPORTS_DIR,
                        help="map voor de rapportages (standaard: reports)")
    runner.add_argument("--kader", default="drenthe", help="beoordelingskader (standaard: "
                                                          "drenthe)")
    excel = add("excel", "Schrijf de Excel-samenvatting voor Gedeputeerde Staten (na 'bereken').",
                _excel)
    excel.add_argument("--periode", help="bijvoorbeeld 2024-H1 (standaard: de laatste)")
    excel.add_argument("--provincie", default="Drenthe", help="standaard: Drenthe")
    excel.add_argument("--kader", default="drenthe", help="beoordelingskader (standaard: "
                                                         "drenthe)")
    excel.add_argument("--reports", type=Path, default=config.REPORTS_DIR,
                       help="map voor de rapportages (standaard: reports)")
    brieven = add("brieven", "Schrijf per gemeente de brief (.docx, en PDF als LibreOffice er "
                             "is) uit het sjabloon (na 'bereken').", _brieven)
    brieven.add_argument("--periode", help="bijvoorbeeld 2024-H1 (standaard: de laatste)")
    brieven.add_argument("--datum", help="datum van de brieven, bijvoorbeeld 2024-11-19 "
                                         "(standaard: vandaag)")
    brieven.add_argument("--sjabloon", type=Path, help="eigen sjabloon (.docx); standaard het "
                                                       "sjabloon uit brieven.toml of het "
                                                       "standaardsjabloon")
    brieven.add_argument("--sjabloon-opslaan", type=Path, metavar="PAD",
                         help="schrijf het standaardsjabloon naar PAD om het aan te passen, en "
                              "stop")
    brieven.add_argument("--reports", type=Path, default=config.REPORTS_DIR,
                         help="map voor de rapportages (standaard: reports)")
    add("voorbeelddata", "Genereer de synthetische voorbeelddata opnieuw (vaste seed).", _sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input gives a Dutch report and exit code 2, without a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except InputError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_INPUT
    except (KaderError, RollforwardError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INPUT
