"""The commands a user types, on the sample: output, exit codes, no tracebacks."""

import argparse
import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis import options
from analysis.cli import main
from analysis.cli.parser import build_parser
from analysis.config import RAW_DIR
from tests.seed_letter import DE_WOLDEN


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    assert main(["bereken", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
    return folder


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize(("gemeente", "periode"), [
    ("De Wolden", "2024-H1"), ("Wolden, De", "1e helft 2024"), ("GM1690", "2024-1"),
    ("1690", "eerste halfjaar 2024")])
def test_the_letter_block_from_the_sample(processed, capsys, gemeente, periode):
    code, out, _ = run(capsys, "stand", "--processed", str(processed), "--gemeente", gemeente,
                       "--periode", periode)
    assert (code, out) == (0, DE_WOLDEN + "\n")


def test_the_table_of_all_municipalities(processed, capsys):
    code, out, _ = run(capsys, "stand", "--processed", str(processed), "--periode", "2024-H1")
    assert code == 0
    assert out.splitlines()[0] == "Stand per gemeente, 2024-H1"
    assert len([line for line in out.splitlines() if "gehaald" in line]) == 12
    assert "De Wolden                -10      26     36    23        -13" in out


def test_bereken_writes_the_stand_and_finds_no_difference_with_coa(processed, capsys):
    code, out, _ = run(capsys, "bereken", "--processed", str(processed), "--opnieuw")
    assert code == 0
    assert "komen overeen met de standen van het COA" in out
    assert (processed / "stand.parquet").is_file()
    assert (processed / "coa_verschillen.parquet").is_file()


def test_ingelezen_shows_the_ingested_figures_and_answers_to_its_old_name(processed, capsys):
    code, out, _ = run(capsys, "ingelezen", "--processed", str(processed))
    assert code == 0
    assert out.splitlines()[0] == "Ingelezen per gemeente (alle periodes samen)"
    assert run(capsys, "samenvatting", "--processed", str(processed)) == (0, out, "")


@pytest.mark.parametrize(("args", "message"), [
    (["--gemeente", "Atlantis"], "--gemeente: 'Atlantis' is geen gemeente in de gegevens"),
    (["--periode", "ergens"], "--periode: 'ergens' is geen periode"),
    (["--periode", "2030-H1"], "--periode: geen gegevens voor 2030-H1"),
])
def test_bad_arguments_exit_2_with_a_dutch_message(processed, capsys, args, message):
    code, _, err = run(capsys, "stand", "--processed", str(processed), *args)
    assert code == 2
    assert err.startswith(message)


def test_without_processed_data_the_user_is_told_to_ingest(tmp_path, capsys):
    code, _, err = run(capsys, "stand", "--processed", str(tmp_path))
    assert code == 2
    assert "voer eerst 'python -m analysis ingest' uit" in err


def test_forecast(processed, capsys):
    code, out, _ = run(capsys, "prognose", "--processed", str(processed), "--landelijk", "12000")
    assert code == 0
    assert out.startswith("Prognose 1e helft 2026 bij een landelijke taakstelling van 12.000")
    assert "De Wolden            24600           17     -4      21" in out


def test_a_forecast_for_a_past_period_uses_that_periods_stand_and_populations(processed,
                                                                            capsys):
    code, out, _ = run(capsys, "prognose", "--processed", str(processed), "--landelijk",
                       "18750", "--periode", "1e helft 2024")
    assert code == 0
    assert "Stand: op 1 januari 2024 (na 2023-H2)." in out
    assert "Bijlage_A_taakstelling_2024-H1.xlsx" in out
    assert "De Wolden            24500           26    -10      36" in out  # the letter's 26 and 36


def test_de_wolden_is_excused_without_escalation(processed, capsys):
    code, out, _ = run(capsys, "oordeel", "--processed", str(processed), "--raw", str(RAW_DIR),
                       "--periode", "2024-H1")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("De Wolden: Taakstelling niet gehaald, achterstand; geen trede vastgelegd; "
                     "advies: geen stap op de interventieladder")
    reason = lines[at + 1].strip()
    assert reason.startswith("Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen.")
    # the decision's own kenmerk is not public; the letter's is not quoted as if it were
    assert "Verschoond: eenmalig anders toezicht" in reason and "kenmerk" not in reason
    assert reason.endswith("Geen trede op de interventieladder vastgelegd. Advies volgens het "
                           "beoordelingskader: geen stap op de interventieladder. Volgend "
                           "meetpunt: 1 januari 2025.")


def test_reconciliation_lists_the_samples_deliberate_differences(processed, capsys):
    assert run(capsys, "bereken", "--processed", str(processed), "--raw", str(RAW_DIR))[0] == 0
    differences = pd.read_parquet(processed / "afstemming.parquet")
    found = {(r.gemeente_code, f"{r.maand:%Y-%m}", r.verschil) for r in differences.itertuples()}
    assert found == {("GM0114", "2024-02", 2), ("GM0114", "2024-03", -2),
                     ("GM0114", "2025-10", 1), ("GM0106", "2024-05", 1),
                     ("GM0106", "2025-06", -1)}
    assert set(differences["leidend"]) == {"COA"}
    assert differences["opvolgen"].str.contains("COA is leidend").all()


def test_municipal_figures_can_be_made_leading(processed):
    from analysis.compute.stromen import realisatie_maand
    from analysis.storage import read_table

    months, reports = read_table(processed, "realisatie_maand"), read_table(
        processed, "gemeente_rapportage")
    coa = realisatie_maand(months, reports).set_index(["gemeente_code", "maand"])["realisatie"]
    own = realisatie_maand(months, reports, "gemeente").set_index(["gemeente_code", "maand"])
    key = ("GM0114", pd.Timestamp("2024-02-01"))
    assert (coa[key], own.loc[key, "realisatie"]) == (22, 24)
    assert len(own) == len(coa)


def test_pace_command(processed, capsys):
    code, out, _ = run(capsys, "tempo", "--processed", str(processed), "--peildatum",
                       "2025-10-01")
    assert code == 0
    assert out.startswith("Tempo 2025-H2: 3 van 6 maanden (t/m 09-2025)")
    assert len(out.splitlines()) == 3 + 12


def test_the_settings_load_without_pandas_or_the_computation():
    """``import analysis.config`` (the path authority every notebook and tool starts from)
    stays light: the package root loads the roll-forward only when it is asked for."""
    code = ("import sys, analysis.config; "
            "print(sorted(m for m in ('pandas', 'analysis.compute.roll_forward') "
            "if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert shown == "[]"


# What asking for help may load: the parser, the settings and the option names, never the
# libraries or layers a command loads when it runs.
HEAVY = ("pandas", "numpy", "pyarrow", "analysis.compute", "analysis.ingest", "analysis.report",
         "analysis.pipeline")


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["ingest", "--help"],
                                  ["brieven", "--help"], ["stand", "--help"]])
def test_help_loads_neither_pandas_nor_the_layers(argv):
    """``python -m analysis --help`` answers at once: the parser needs only light modules."""
    code = ("import json, sys\n"
            "from analysis.cli import main\n"
            "try:\n"
            f"    main({argv!r})\n"
            "except SystemExit as stop:\n"
            "    code = stop.code\n"
            "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    *shown, last = done.stdout.strip().splitlines()
    loaded = json.loads(last)
    assert loaded["code"] == 0 and shown[0].startswith("gebruik: analysis"), done.stdout
    heavy = [module for module in loaded["modules"]
             if any(module == name or module.startswith(f"{name}.") for name in HEAVY)]
    assert heavy == [], f"{' '.join(argv)} loads {heavy}"


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found = set()
    for action in parser._actions:
        found |= {name for name in action.option_strings if name.startswith("--")}
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found |= _option_strings(command)
    return found


def test_every_option_name_a_message_may_use_is_an_option_of_the_parser():
    """The option names live once, in ``analysis.options``: the parser defines exactly those,
    so a message of a lower layer never names an option the command line does not have."""
    names = {value for name, value in vars(options).items()
             if name.isupper() and isinstance(value, str)}
    assert _option_strings(build_parser()) == names | {"--help"}
