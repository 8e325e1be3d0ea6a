"""Command line: ``python -m analysis <opdracht>``. Messages are Dutch; exit codes below."""

from __future__ import annotations

import os
import sys
from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit code of every command."""

    OK = 0
    MISLUKT = 1       # a run finished, but something failed: kept beside, not published
    INVOER = 2        # bad input or arguments: a Dutch message, nothing written
    BEZET = 3         # another run holds the lock on the reports folder
    SCHRIJVEN = 4     # the system refused a write (disk full, read-only): nothing published


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input gives a Dutch message and exit code 2, a refused write exit
    code 4, without a traceback."""
    from analysis.atomic import WriteFailed
    from analysis.cli.parser import build_parser
    from analysis.compute.kader import KaderError
    from analysis.compute.roll_forward import RollforwardError
    from analysis.problems import InputError, Refused
    from analysis.report.publish import RunLocked

    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as error:
        print(error.report(), file=sys.stderr)
    except WriteFailed as error:
        print(str(error), file=sys.stderr)
        return ExitCode.SCHRIJVEN
    except (Refused, KaderError, RollforwardError, RunLocked) as error:
        print(str(error), file=sys.stderr)
        if isinstance(error, RunLocked):
            return ExitCode.BEZET
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    return ExitCode.INVOER
