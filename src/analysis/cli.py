"""Command line: ``python -m analysis <opdracht>``. Messages are Dutch; bad input exits with 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import config
from analysis.problems import InputError

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
    ingest.add_argument("--engine", choices=["openpyxl", "calamine"], default="openpyxl",
                        help="Excel-lezer (standaard openpyxl; calamine is sneller)")
    add("samenvatting", "Toon per gemeente een korte samenvatting van de verwerkte gegevens.",
        _summary)
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
