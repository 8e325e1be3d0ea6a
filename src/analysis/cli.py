"""Command line: ``python -m analysis <opdracht>``. Messages are Dutch; bad input exits with 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import config
from analysis.problems import InputError
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
    from analysis.dataset import bereken_stand
    from analysis.outputs import write_tables

    stand, verschillen = bereken_stand(args.processed)
    write_tables({"stand": stand, "coa_verschillen": verschillen}, args.processed,
                 keep_others=True)
    print(f"Stand berekend: {stand['gemeente_code'].nunique()} gemeenten, "
          f"{stand['periode'].nunique()} periodes ({len(stand)} rijen); "
          f"geschreven naar {args.processed / 'stand.parquet'}")
    if verschillen.empty:
        print("Berekende standen komen overeen met de standen van het COA.")
    else:
        print(f"Let op: {len(verschillen)} verschil(len) met de standen van het COA "
              f"(zie coa_verschillen.parquet):")
        for row in verschillen.itertuples():
            print(f"  - {row.gemeente_code} {row.periode}: berekend {row.stand_eind}, "
                  f"COA {row.coa_stand_eind} ({row.bron_bestand})")
    return EXIT_OK


def _stand(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis import gemeenten
    from analysis.dataset import bereken_stand
    from analysis.letter import resultaten_block
    from analysis.periods import PeriodeError, parse_periode
    from analysis.summary import stand_table

    stand, _ = bereken_stand(args.processed)
    try:
        periode = parse_periode(args.periode) if args.periode else stand["periode"].max()
    except PeriodeError as error:
        return _refuse(f"--periode: {error}")
    if periode not in set(stand["periode"]):
        return _refuse(f"--periode: geen gegevens voor {periode} (beschikbaar: "
                       f"{stand['periode'].min()} t/m {stand['periode'].max()})")
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
    add("bereken", "Bereken de stand van elke gemeente voor elke periode en vergelijk met COA.",
        _bereken)
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
