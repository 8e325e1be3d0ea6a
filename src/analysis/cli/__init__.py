"""Command line: ``python -m analysis <opdracht>``. Messages are Dutch; exit codes below."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Every exit code of every command."""

    OK = 0
    MISLUKT = 1       # a run finished, but something failed: kept beside, not published
    INVOER = 2        # bad input or arguments: a Dutch message, nothing written
    BEZET = 3         # another process holds the lock on the reports or processed folder
    SCHRIJVEN = 4     # the system refused a write (disk full, read-only): nothing published
    # Stopped by SIGTERM or Ctrl-C (SIGINT) and cleaned up: nothing half-made published, no
    # staging folder, lock or worker left. One code for both signals (the line names it), and
    # not 128 + the signal (143, 130): that is what the shell reports for a process killed
    # before it could clean up, whose leftovers only the next run clears.
    AFGEBROKEN = 5


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input gives a Dutch message and exit code 2, a refused write exit
    code 4, SIGTERM or Ctrl-C a Dutch line and exit code 5 once everything is cleaned up;
    never a traceback."""
    from analysis.cli.parser import build_parser

    args = build_parser().parse_args(argv)  # ``--help`` ends here, before anything heavy loads
    from analysis import interrupt
    from analysis.atomic import WriteFailed
    from analysis.locks import RunLocked
    from analysis.problems import InputError, Refused

    with interrupt.stopping_on_signals():
        try:
            try:
                with _processed_lock(args):
                    code = int(args.handler(args))
            except Exception:
                interrupt.check()  # an error an interrupt was turned into: the interrupt
                raise
            interrupt.check()  # one a library dropped
            return code
        except (interrupt.Interrupted, KeyboardInterrupt) as error:
            # KeyboardInterrupt: where the handlers could not be installed (not the main thread)
            name = error.naam if isinstance(error, interrupt.Interrupted) else "SIGINT"
            print(("\n" if sys.stderr.isatty() else "")  # after a progress bar or '^C'
                  + stopped(args.opdracht, name, interrupt.noted()), file=sys.stderr)
            return ExitCode.AFGEBROKEN
        except InputError as error:
            print(error.report(), file=sys.stderr)
        except WriteFailed as error:
            print(str(error), file=sys.stderr)
            return ExitCode.SCHRIJVEN
        except (Refused, RunLocked) as error:  # a kader's or the roll-forward's refusal too
            print(str(error), file=sys.stderr)
            if isinstance(error, RunLocked):
                return ExitCode.BEZET
        except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return ExitCode.OK
    return ExitCode.INVOER


def _processed_lock(args: argparse.Namespace) -> AbstractContextManager:
    """The lock on the processed folder the command writes or reads (none for one that does
    not use it)."""
    from analysis.locks import ProcessedLock

    if args.verwerkt == "nee":
        return nullcontext()
    return ProcessedLock(args.processed, args.opdracht, writes=args.verwerkt == "schrijft")


def stopped(opdracht: str, signaal: str, noted: dict[Path, str]) -> str:
    """The line of a command stopped by ``signaal``: what stopped, and what it had wholly
    replaced before (``noted``); nothing half-made is published or left in any case."""
    from analysis.interrupt import PROCESSED

    who = "de run" if opdracht == "run" else f"de opdracht '{opdracht}'"
    line = f"Afgebroken: {who} is gestopt (signaal {signaal}); "
    if not noted:
        return line + "er is niets gepubliceerd, de vorige uitvoer is ongewijzigd."
    if set(noted.values()) == {PROCESSED}:
        folders = " en ".join(str(path) for path in noted)
        return line + ("er is niets gepubliceerd of half geschreven; alleen de verwerkte "
                       f"gegevens in {folders} zijn al bijgewerkt.")
    paths = [str(path) for path in noted]
    shown = ", ".join(paths[:3]) + (f" en {len(paths) - 3} andere" if len(paths) > 3 else "")
    return line + f"er is niets half geschreven; wel al compleet bijgewerkt: {shown}."
