"""The commands a user types, on the sample: output, exit codes, no tracebacks."""

import pytest

from analysis.cli import main
from analysis.config import RAW_DIR

DE_WOLDEN = """Resultaten gemeente De Wolden
Stand op 1 januari 2024: -10
Taakstelling 1e helft 2024: 26 (+achterstand 10) =36
Realisatie 1e helft 2024: 23
Stand op 1 juli 2024: -13
Taakstelling 2e helft 2024: 24 (+achterstand 13) =37
Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen.
"""


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(folder)]) == 0
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
    assert (code, out) == (0, DE_WOLDEN)


def test_the_table_of_all_municipalities(processed, capsys):
    code, out, _ = run(capsys, "stand", "--processed", str(processed), "--periode", "2024-H1")
    assert code == 0
    assert out.splitlines()[0] == "Stand per gemeente, 2024-H1"
    assert len([line for line in out.splitlines() if "gehaald" in line]) == 12
    assert "De Wolden                -10      26     36    23        -13" in out


def test_bereken_writes_the_stand_and_finds_no_difference_with_coa(processed, capsys):
    code, out, _ = run(capsys, "bereken", "--processed", str(processed))
    assert code == 0
    assert "komen overeen met de standen van het COA" in out
    assert (processed / "stand.parquet").is_file()
    assert (processed / "coa_verschillen.parquet").is_file()


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
