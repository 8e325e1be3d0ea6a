"""One computation: 'bereken' writes the tables and a manifest; every product reads them, says
which kader made them and refuses another; bad arguments are refused before anything is written."""

import hashlib
import json
import re
import shutil

import openpyxl
import pandas as pd
import pytest

from analysis.cli import ExitCode, main
from analysis.config import KADERS_DIR, RAW_DIR
from analysis.storage import MANIFEST, read_table


def run(capsys, *args):
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def gemeente_leidend(tmp_path_factory):
    """The sample computed with the Drenthe kader, but the municipalities' reports leading."""
    folder = tmp_path_factory.mktemp("gemeente-leidend")
    kader = folder / "drenthe-gemeente.toml"
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    kader.write_text(text.replace('leidende_bron = "COA"', 'leidende_bron = "gemeente"')
                     .replace('naam = "Drenthe"', 'naam = "Drenthe (gemeente leidend)"'),
                     encoding="utf-8")
    processed = folder / "processed"
    assert main(["ingest", "--raw", str(RAW_DIR), "--processed", str(processed)]) == 0
    assert main(["bereken", "--raw", str(RAW_DIR), "--processed", str(processed),
                 "--kader", str(kader)]) == 0
    return processed, kader


def test_the_manifest_says_what_made_the_tables(computed):
    manifest = json.loads((computed / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["beoordelingskader"]["naam"] == "Drenthe"
    assert manifest["beoordelingskader"]["bestand"] == "drenthe.toml"
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["beoordelingskader"]["sha256"])
    assert manifest["leidende_bron"] == "COA"
    assert manifest["periodes"] == {"eerste": "2022-H1", "laatste": "2025-H2",
                                    "alle": [f"{year}-H{half}" for year in range(2022, 2026)
                                             for half in (1, 2)],
                                    "laatste_volledige": "2025-H2"}
    assert manifest["cijfers_tot"] == "2026-01-01"
    assert len(manifest["gemeenten"]) == 12 and manifest["pakket"]["versie"]
    ingested = read_table(computed, "bestanden")
    assert manifest["invoer"] == ingested[["bron_bestand", "bestand_hash"]].to_dict("records")
    assert manifest["besluiten"]["bestand"].endswith(".toml")
    settings = (RAW_DIR / "brieven" / "brieven.toml").read_bytes()
    assert manifest["brieven"] == [{"rol": "instellingen", "bestand": "brieven/brieven.toml",
                                    "sha256": hashlib.sha256(settings).hexdigest()}]


def test_assen_reads_the_same_stand_everywhere_with_the_municipality_leading(
        gemeente_leidend, computed, capsys):
    processed, _ = gemeente_leidend
    stand = read_table(processed, "stand").set_index(["gemeente_code", "periode"])
    leading = int(stand.loc[("GM0106", "2024-H1"), "stand_eind"])
    by_coa = read_table(computed, "stand").set_index(["gemeente_code", "periode"])
    assert leading != int(by_coa.loc[("GM0106", "2024-H1"), "stand_eind"])  # the source matters
    code, out, _ = run(capsys, "stand", "--processed", processed, "--gemeente", "Assen",
                       "--periode", "2024-H1")
    assert code == 0 and f"Stand op 1 juli 2024: {leading}\n" in out
    code, out, _ = run(capsys, "prognose", "--processed", processed, "--landelijk", "12000")
    closing = int(stand.loc[("GM0106", "2025-H2"), "stand_eind"])
    assert code == 0 and re.search(rf"^Assen\s+\d+\s+\d+\s+{closing}\s", out, re.MULTILINE)
    code, out, _ = run(capsys, "oordeel", "--processed", processed, "--periode", "2024-H1")
    assert code == 0 and "(beoordelingskader Drenthe (gemeente leidend))" in out
    pace = read_table(processed, "tempo")
    assert (pace["stand_begin"] == pace.merge(
        read_table(processed, "stand"), on=["gemeente_code", "periode"],
        suffixes=("", "_stand"))["stand_begin_stand"]).all()


def test_products_name_the_kader_that_computed_them_and_refuse_another(computed, tmp_path,
                                                                        capsys):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    assert run(capsys, "bereken", "--raw", RAW_DIR, "--processed", processed,
               "--kader", "brabant")[0] == 0
    reports = tmp_path / "reports"
    code, out, _ = run(capsys, "excel", "--processed", processed, "--reports", reports,
                       "--periode", "2024-H1")
    assert code == 0 and "(beoordelingskader Noord-Brabant (voorbeeld))" in out
    book = openpyxl.load_workbook(reports / "2024-H1" / "GS-samenvatting-2024-H1.xlsx")
    labels = {row[0].value: row[1].value for row in book["Toelichting"].iter_rows(max_col=2)}
    assert labels["Beoordelingskader"].startswith("Noord-Brabant (voorbeeld):")
    assert "Voldoet niet, doch verschoonbaar" in {c.value for c in book["Overzicht"]["L"]}
    before = sorted(p.relative_to(reports) for p in reports.rglob("*"))
    for command in ("excel", "brieven", "stand", "oordeel", "tempo"):
        code, _, err = run(capsys, command, "--raw", RAW_DIR, "--processed", processed,
                           "--reports", reports, "--kader", "drenthe") \
            if command in ("excel", "brieven") else \
            run(capsys, command, "--processed", processed, "--kader", "drenthe")
        assert code == ExitCode.INVOER, command
        assert ("gemaakt met beoordelingskader Noord-Brabant (voorbeeld) (brabant.toml), niet "
                "met Drenthe") in err
        assert "python -m analysis bereken --kader drenthe" in err
    assert sorted(p.relative_to(reports) for p in reports.rglob("*")) == before
    code, out, _ = run(capsys, "oordeel", "--processed", processed, "--kader", "brabant",
                       "--periode", "2024-H1")
    assert code == 0 and "beoordelingskader Noord-Brabant (voorbeeld)" in out


def test_an_edited_kader_is_named_as_such(computed, tmp_path, capsys):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    kader = tmp_path / "drenthe.toml"
    kader.write_text((KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert run(capsys, "bereken", "--raw", RAW_DIR, "--processed", processed,
               "--kader", kader)[0] == 0
    kader.write_text(kader.read_text(encoding="utf-8") + "\n# aangepast\n", encoding="utf-8")
    code, _, err = run(capsys, "stand", "--processed", processed, "--kader", kader)
    assert code == ExitCode.INVOER
    assert "het beoordelingskader drenthe.toml is gewijzigd sinds de berekening" in err


def test_a_new_ingest_retires_the_computed_tables(computed, tmp_path, capsys):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    assert run(capsys, "ingest", "--raw", RAW_DIR, "--processed", processed, "--opnieuw")[0] == 0
    assert not (processed / MANIFEST).exists() and not (processed / "stand.parquet").exists()
    code, _, err = run(capsys, "stand", "--processed", processed)
    assert code == ExitCode.INVOER and "voer eerst 'python -m analysis bereken' uit" in err


def test_a_result_that_does_not_match_the_ingested_files_is_refused(computed, tmp_path,
                                                                    capsys):
    processed = tmp_path / "processed"
    shutil.copytree(computed, processed)
    files = read_table(processed, "bestanden")
    files.loc[0, "bestand_hash"] = "0" * 64
    files.to_parquet(processed / "bestanden.parquet", index=False)
    code, _, err = run(capsys, "stand", "--processed", processed)
    assert code == ExitCode.INVOER and "horen niet bij de ingelezen bestanden" in err


def _snapshot(*folders):
    return {path: path.stat().st_mtime_ns for folder in folders for path in folder.rglob("*")}


@pytest.mark.parametrize(("args", "message"), [
    (["--periode", "2030-H1"], "--periode: geen gegevens voor 2030-H1 (beschikbaar: 2022-H1 "
                               "t/m 2025-H2)"),
    (["--periode", "ooit"], "--periode: 'ooit' is geen periode"),
    (["--kader", "zeeland"], "beoordelingskader zeeland.toml niet gevonden"),
    (["--provincie", "Drente"], "--provincie: 'Drente' is geen provincie"),
    (["--provincie", "Flevoland"], "--provincie: geen gemeenten van Flevoland in de gegevens"),
    (["--jobs", "0"], "--jobs: verwacht minstens 1"),
])
def test_the_run_refuses_bad_arguments_before_writing_anything(computed, tmp_path, capsys, args,
                                                               message):
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    shutil.copytree(computed, processed)
    (reports / "2024-H1").mkdir(parents=True)
    (reports / "2024-H1" / "index.html").write_text("vorige run", encoding="utf-8")
    before = _snapshot(processed, reports)
    code, _, err = run(capsys, "run", "--raw", RAW_DIR, "--processed", processed,
                       "--reports", reports, "--jobs", "1", *args)
    assert code == ExitCode.INVOER
    assert err.startswith(message)
    assert _snapshot(processed, reports) == before


@pytest.mark.parametrize(("command", "args", "message"), [
    ("excel", ["--periode", "2030-H1"], "--periode: geen gegevens voor 2030-H1"),
    ("excel", ["--provincie", "Drente"], "--provincie: 'Drente' is geen provincie"),
    ("brieven", ["--periode", "2030-H1"], "--periode: geen gegevens voor 2030-H1"),
    ("brieven", ["--datum", "31-11-2024"], "--datum: '31-11-2024' is geen datum; schrijf "
                                          "bijvoorbeeld 2024-11-19, 19-11-2024 of 19 november "
                                          "2024"),
    ("brieven", ["--kader", "zeeland"], "beoordelingskader zeeland.toml niet gevonden"),
    ("bereken", ["--kader", "zeeland"], "beoordelingskader zeeland.toml niet gevonden"),
    ("prognose", ["--landelijk", "0"], "--landelijk: verwacht een positief getal"),
    ("prognose", ["--landelijk", "12000", "--periode", "2026-H2"],
     "--periode: voor een prognose van 2026-H2 is de stand aan het eind van 2026-H1 nodig"),
    ("tempo", ["--peildatum", "gisteren"], "--peildatum: 'gisteren' is geen datum"),
    ("tempo", ["--peildatum", "2030-01-01"], "--peildatum: geen tempo voor die peildatum"),
])
def test_products_refuse_bad_arguments_before_writing_anything(computed, tmp_path, capsys,
                                                               command, args, message):
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    shutil.copytree(computed, processed)
    reports.mkdir()
    before = _snapshot(processed, reports)
    extra = ["--reports", reports] if command in ("excel", "brieven") else []
    code, _, err = run(capsys, command, "--raw", RAW_DIR, "--processed", processed, *extra,
                       *args)
    assert code == ExitCode.INVOER
    assert err.startswith(message)
    assert _snapshot(processed, reports) == before


def test_pace_is_computed_once_for_every_peildatum(computed):
    pace = read_table(computed, "tempo")
    assert pace.groupby("peildatum")["gemeente_code"].nunique().eq(12).all()
    months = pace.loc[pace["gemeente_code"] == "GM1690"].set_index("peildatum")
    assert months.loc[pd.Timestamp("2024-04-01"), ["periode", "maanden"]].tolist() == [
        "2024-H1", 3]
    assert months.loc[pd.Timestamp("2024-07-01"), "realisatie_tot_nu"] == 23  # the letter's 23
