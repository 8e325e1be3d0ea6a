"""The command line's own texts (argparse's usage, errors and help) read in Dutch; the
``--kader`` help names every kader shipped; the date options take the Dutch forms."""

import argparse
import datetime as dt
import re
import subprocess
import sys

import pytest

from analysis import config
from analysis.cli import ExitCode, commands, main
from analysis.cli.parser import build_parser, kader_help

# argparse's English, as it shows in a usage line, an error or a help text
ENGLISH = re.compile(r"\b(usage|error|warning|unrecognized|invalid|choose|required|expected|"
                     r"arguments?|options|optional|positional|show|message|exit|ambiguous|"
                     r"allowed|ignored)\b", re.IGNORECASE)


def said(capsys, argv: list[str]) -> tuple[int, str]:
    """The exit code of a command the parser stops, and everything it printed."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    out, err = capsys.readouterr()
    return stop.value.code, out + err


def english(text: str) -> list[str]:
    """argparse's English words in ``text``, the option names aside (``--help``)."""
    return ENGLISH.findall(re.sub(r"--?[a-z][a-z-]*", "", text))


def test_an_unknown_option_is_refused_in_dutch():
    done = subprocess.run([sys.executable, "-m", "analysis", "run", "--onbekend"],
                          capture_output=True, text=True)
    assert done.returncode == ExitCode.INVOER
    assert done.stdout == ""
    assert done.stderr.splitlines()[0].startswith("gebruik: analysis ")
    assert done.stderr.splitlines()[-1] == "analysis: fout: onbekende opties: --onbekend"
    assert english(done.stderr) == []


@pytest.mark.parametrize(("argv", "message"), [
    (["ingest", "--engine", "x"],
     "analysis ingest: fout: --engine: ongeldige keuze: 'x' (kies uit "),
    (["verzin"], "analysis: fout: opdracht: ongeldige keuze: 'verzin' (kies uit "),
    ([], "analysis: fout: verplicht, maar niet opgegeven: opdracht"),
    (["herkomst"], "analysis herkomst: fout: verplicht, maar niet opgegeven: --gemeente"),
    (["stand", "--periode"], "analysis stand: fout: --periode: verwacht een waarde"),
    (["prognose", "--landelijk", "veel"],
     "analysis prognose: fout: --landelijk: 'veel' is geen geheel getal"),
    (["run", "--jobs", "2,5"], "analysis run: fout: --jobs: '2,5' is geen geheel getal"),
    (["ingest", "--bron-verdwenen-toestaan=ja"],
     "analysis ingest: fout: --bron-verdwenen-toestaan: deze optie krijgt geen waarde"),
])
def test_the_parsers_refusals_are_dutch(capsys, argv, message):
    code, text = said(capsys, argv)
    assert code == ExitCode.INVOER
    assert text.startswith("gebruik: analysis")
    assert message in text, text
    assert english(text) == []


def _commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


@pytest.mark.parametrize("argv", [[], *([name] for name in _commands())])
def test_every_help_text_is_dutch(capsys, argv):
    code, text = said(capsys, [*argv, "--help"])
    assert code == 0
    assert text.startswith("gebruik: analysis")
    assert "toon deze hulp en stop" in text and "opties:" in text
    assert english(text) == [], text


def test_the_translation_stays_with_the_tools_parser(capsys):
    """argparse elsewhere in the process (pytest, a notebook) keeps its own texts."""
    said(capsys, ["run", "--onbekend"])
    assert argparse._("usage: ") == "usage: "
    assert argparse.ArgumentParser(prog="ander").format_usage().startswith("usage: ander")


def test_the_kader_help_names_every_kader_shipped():
    shipped = sorted(path.stem for path in config.KADERS_DIR.glob("*.toml"))
    assert len(shipped) >= 7
    assert kader_help() == (f"beoordelingskader: {', '.join(shipped)} of een pad naar een "
                            "eigen .toml")
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("run", "bereken", "stand", "brieven"):
        kader = next(a for a in action.choices[name]._actions if "--kader" in a.option_strings)
        assert kader_help() in kader.help


def test_the_kader_help_is_read_from_the_files_when_the_help_is_made(tmp_path, monkeypatch):
    for name in ("friesland", "groningen"):
        (tmp_path / f"{name}.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(config, "KADERS_DIR", tmp_path)
    assert kader_help().startswith("beoordelingskader: friesland, groningen of een pad")


@pytest.mark.parametrize("text", ["2024-11-19", "19-11-2024", "19 november 2024",
                                  "19 Nov 2024"])
def test_the_date_options_take_the_three_forms(text):
    assert commands._datum(text) == dt.date(2024, 11, 19)
