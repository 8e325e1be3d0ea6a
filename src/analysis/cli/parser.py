"""The commands and their options, with Dutch help texts.

It imports only light modules (the option names, the settings, the kinds of letter), so
``python -m analysis --help`` loads neither pandas nor the computation; each command loads
what it needs when it runs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from analysis import config
from analysis.cli import commands
from analysis.cli.nederlands import Parser, integer
from analysis.domain.briefsoorten import KINDS
from analysis.options import (
    BRON_VERDWENEN_TOESTAAN,
    DATUM,
    ENGINE,
    ENGINES,
    GEMEENTE,
    JOBS,
    KADER,
    LANDELIJK,
    OPNIEUW,
    OVERSCHRIJVEN,
    PEILDATUM,
    PERIODE,
    PROCESSED,
    PROVINCIE,
    RAW,
    REPORTS,
    SJABLOON,
    SJABLOON_OPSLAAN,
    SOORT,
)

PERIODE_HELP = ("bijvoorbeeld 2024-H1 of '1e helft 2024' (standaard: het laatste volledige "
                "halfjaar, waarvan het afsluitende COA-overzicht in de gegevens zit)")


def kader_help() -> str:
    """The help of ``--kader``: every kader shipped, read from the file names (nothing loaded)."""
    shipped = sorted(path.stem for path in config.KADERS_DIR.glob("*.toml"))
    return f"beoordelingskader: {', '.join(shipped)} of een pad naar een eigen .toml"


def allows_vanished(parser: argparse.ArgumentParser) -> None:
    """The option that lets an ingest go on when a source that gave rows last time has none."""
    parser.add_argument(BRON_VERDWENEN_TOESTAAN, dest="bron_verdwenen_toestaan",
                        action="store_true",
                        help="lees ook in als een bron die de vorige keer rijen gaf nu geen "
                             "bestanden heeft (die tabel wordt dan leeg)")


def anew(parser: argparse.ArgumentParser, what: str) -> None:
    """The option that does the work again although nothing it reads has changed."""
    parser.add_argument(OPNIEUW, action="store_true",
                        help=f"{what} opnieuw, ook als er niets gewijzigd is (standaard worden "
                             "de verwerkte gegevens dan hergebruikt)")


# The commands that write the processed folder, and the one that does not use it; every other
# command reads it.
WRITES_PROCESSED = {"ingest": "schrijft", "bereken": "schrijft", "run": "schrijft",
                    "voorbeelddata": "nee"}


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand."""
    parser = Parser(
        prog="analysis",
        description="Toezicht op de taakstelling huisvesting vergunninghouders. De projectmap "
                    f"is {config.PROJECT_DIR} (in te stellen met {config.ROOT_VARIABLE}).")
    subcommands = parser.add_subparsers(dest="opdracht", required=True, metavar="opdracht")
    kader_text = kader_help()

    def add(name: str, help_text: str, handler, oude_naam: str | None = None
            ) -> argparse.ArgumentParser:
        """A subcommand; one that was renamed still answers to its ``oude_naam``."""
        if oude_naam:
            help_text = f"{help_text.rstrip('.')} (oude naam: {oude_naam})."
        command = subcommands.add_parser(name, help=help_text, description=help_text,
                                         aliases=[oude_naam] if oude_naam else [])
        # how the command uses the processed folder, for its lock (analysis.locks)
        command.set_defaults(handler=handler, verwerkt=WRITES_PROCESSED.get(name, "leest"))
        command.add_argument(RAW, type=Path, default=config.RAW_DIR,
                             help="map met de ruwe exports (standaard: data/raw)")
        command.add_argument(PROCESSED, type=Path, default=config.PROCESSED_DIR,
                             help="map voor de verwerkte gegevens (standaard: data/processed)")
        return command

    def computes(command: argparse.ArgumentParser) -> None:
        command.add_argument(KADER, default="drenthe",
                             help=f"{kader_text} (standaard: drenthe)")

    def reads_result(command: argparse.ArgumentParser) -> None:
        command.add_argument(KADER, help=f"{kader_text}; weigert als de berekende gegevens "
                                         "met een ander kader zijn gemaakt (standaard: het "
                                         "kader van de laatste 'bereken')")

    def writes_reports(command: argparse.ArgumentParser) -> None:
        command.add_argument(REPORTS, type=Path, default=config.REPORTS_DIR,
                             help="map voor de rapportages (standaard: reports)")

    ingest = add("ingest", "Lees alle bekende exports in en schrijf een getypeerde Parquet-kopie.",
                 commands.ingest)
    ingest.add_argument(ENGINE, choices=ENGINES, default=ENGINES[0],
                        help="Excel-lezer (standaard calamine, de snelste)")
    allows_vanished(ingest)
    anew(ingest, "lees alles")
    add("ingelezen", "Toon per gemeente de ingelezen periodes, taakstelling en realisatie.",
        commands.ingelezen, oude_naam="samenvatting")
    bereken = add("bereken", "Bereken stand, oordeel, afstemming met gemeenten en tempo, en "
                             "schrijf ze met een manifest naar de verwerkte gegevens.",
                  commands.bereken)
    bereken.add_argument(DATUM, help="kennisdatum: bereken met wat op die dag bekend was "
                                     "(cijfers, taakstellingen, besluiten), bijvoorbeeld "
                                     "2024-11-19 of 19 november 2024; de datum van de brieven "
                                     "(standaard: vandaag)")
    computes(bereken)
    anew(bereken, "bereken")

    oordeel = add("oordeel", "Toon per gemeente het oordeel, de trede op de interventieladder en "
                             "de reden (na 'bereken').", commands.oordeel)
    oordeel.add_argument(PERIODE, help=PERIODE_HELP)
    reads_result(oordeel)

    tempo = add("tempo", "Toon het tempo binnen het halfjaar: realisatie tegen het lineaire pad "
                         "(na 'bereken').", commands.tempo)
    tempo.add_argument(PEILDATUM, help="eerste dag na de laatste meegetelde maand, "
                                       "bijvoorbeeld 2025-10-01 of 1 oktober 2025 "
                                       "(standaard: na de laatste maand met gegevens)")
    reads_result(tempo)

    stand = add("stand", "Toon de stand: het blok 'Resultaten gemeente' of een tabel per periode "
                         "(na 'bereken').", commands.stand)
    stand.add_argument(GEMEENTE, help="naam of CBS-code, bijvoorbeeld 'De Wolden' of GM1690")
    stand.add_argument(PERIODE, help=PERIODE_HELP)
    reads_result(stand)

    herkomst = add("herkomst", "Toon waar elk cijfer van het blok 'Resultaten gemeente' en elk "
                               "besluit vandaan komt: bestand, blad, rij, versie (na "
                               "'bereken').", commands.herkomst)
    herkomst.add_argument(GEMEENTE, required=True,
                          help="naam of CBS-code, bijvoorbeeld 'De Wolden' of GM1690")
    herkomst.add_argument(PERIODE, help=PERIODE_HELP)
    reads_result(herkomst)

    prognose = add("prognose", "Voorspel de taakstelling en opgave per gemeente uit een "
                               "aangekondigd landelijk totaal (art. 29; na 'bereken').",
                   commands.prognose)
    prognose.add_argument(LANDELIJK, type=integer, required=True,
                          help="aangekondigde landelijke taakstelling, bijvoorbeeld 12000")
    prognose.add_argument(PERIODE, help="de periode van de prognose (standaard: de periode "
                                        "na de laatste met gegevens)")
    reads_result(prognose)

    run = add("run", "Maak alle rapportages: inlezen, berekenen, notebooks uitvoeren, HTML, "
                     "Excel-samenvatting en brieven.", commands.run)
    run.add_argument(PERIODE, help=PERIODE_HELP)
    run.add_argument(PROVINCIE, default="Drenthe", help="standaard: Drenthe")
    run.add_argument(JOBS, type=integer, default=os.cpu_count() or 1,
                     help="aantal notebooks tegelijk (standaard: aantal processorkernen)")
    run.add_argument(DATUM, help="datum van de brieven en kennisdatum van alle rapportages: "
                                 "alleen wat op die dag bekend was telt, bijvoorbeeld "
                                 "2024-11-19 of 19-11-2024; niet vóór de peildatum van de "
                                 "periode (standaard: vandaag)")
    writes_reports(run)
    computes(run)
    allows_vanished(run)
    anew(run, "lees alles in en bereken")

    excel = add("excel", "Schrijf de Excel-samenvatting voor Gedeputeerde Staten (na 'bereken').",
                commands.excel)
    excel.add_argument(PERIODE, help=PERIODE_HELP)
    excel.add_argument(PROVINCIE, default="Drenthe", help="standaard: Drenthe")
    writes_reports(excel)
    reads_result(excel)

    brieven = add("brieven", "Schrijf per gemeente de brief (.docx, en PDF als LibreOffice er "
                             "is) uit het sjabloon (na 'bereken').", commands.brieven)
    brieven.add_argument(PERIODE, help=PERIODE_HELP)
    brieven.add_argument(DATUM, help="datum van de brieven, bijvoorbeeld 19 november 2024; "
                                     "moet de kennisdatum van de berekening zijn (standaard: "
                                     "die kennisdatum)")
    brieven.add_argument(SJABLOON, type=Path, help="eigen sjabloon (.docx); standaard het "
                                                   "sjabloon uit brieven.toml of het "
                                                   "standaardsjabloon")
    brieven.add_argument(SOORT, choices=list(KINDS), default="resultaten",
                         help=f"bij {SJABLOON_OPSLAAN}: welke soort brief (standaard resultaten)")
    brieven.add_argument(SJABLOON_OPSLAAN, type=Path, metavar="PAD",
                         help="schrijf het standaardsjabloon naar PAD om het aan te passen, en "
                              "stop")
    writes_reports(brieven)
    reads_result(brieven)

    voorbeelddata = add("voorbeelddata", "Genereer de synthetische voorbeelddata opnieuw (vaste "
                                         f"seed) in {RAW}.", commands.voorbeelddata)
    voorbeelddata.add_argument(OVERSCHRIJVEN, action="store_true",
                               help="schrijf ook in een map die niet leeg is (bestanden met "
                                    "dezelfde naam worden overschreven)")
    voorbeelddata.add_argument(PROVINCIE, default="Drenthe",
                               help="Drenthe (standaard, de meegeleverde data/raw) of Groningen "
                                    "(met de herindeling tot Eemsdelta, besluiten, "
                                    "briefinstellingen en kaart)")
    return parser
