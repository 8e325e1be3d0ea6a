"""A repeated row in every keyed source, and the inputs that used to give silently wrong
figures: each is refused with exit code 2 and one Dutch line naming the file, the sheet (or
entry), both rows and, for a conflict, both figures; nothing is written, the raw file is
untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from analysis.cli import main
from analysis.config import RAW_DIR
from tests.conftest import ingest_letters, ingest_register

COA = "coa/COA_realisatie_taakstelling_2024-07-01.xlsx"
BIJLAGE_A = "taakstelling/Bijlage_A_taakstelling_2024-H1.xlsx"
EMMEN = "gemeenten/Emmen_huisvesting_vergunninghouders_2024-2025.xlsx"
TVS = "tvs/TVS_export_huisvestingen_2022-2025.xlsx"
REGISTER = "besluiten/toezichtsbesluiten.toml"
LETTERS = "brieven/brieven.toml"

pytestmark = pytest.mark.hostile


@pytest.fixture(scope="module")
def short_tvs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The person-level export cut to its first rows: each test saves it again."""
    path = tmp_path_factory.mktemp("tvs") / Path(TVS).name
    book = openpyxl.load_workbook(RAW_DIR / TVS)
    book.worksheets[0].delete_rows(40, book.worksheets[0].max_row)
    book.save(path)
    return path


def copy_raw(tmp_path: Path, *relatives: str, tvs: Path | None = None) -> Path:
    raw = tmp_path / "raw"
    for relative in relatives:
        (raw / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(tvs if relative == TVS and tvs else RAW_DIR / relative, raw / relative)
    return raw


def repeat_row(path: Path, row: int, changes: dict[str, object]) -> None:
    """Insert a copy of ``row`` below it, with ``changes`` ({'F': 99}) in the copy."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.insert_rows(row + 1)
    for column in range(1, sheet.max_column + 1):
        sheet.cell(row + 1, column).value = sheet.cell(row, column).value
    for letter, value in changes.items():
        sheet[f"{letter}{row + 1}"] = value
    book.save(path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(capsys: pytest.CaptureFixture[str], raw: Path, processed: Path,
            *command: str) -> str:
    """Run a command that must refuse: exit 2, no traceback, nothing in ``processed``."""
    args = [*command, "--raw", str(raw), "--processed", str(processed)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not processed.exists() or not any(processed.iterdir())
    return err


SHEET_REPEATS = [
    pytest.param(COA, 7, {}, f"{COA}, blad 'Realisatie per gemeente', rij 8: herhaalt Assen "
                 "(GM0106), peildatum 01-07-2024 van rij 7 met dezelfde cijfers; verwijder een "
                 "van beide rijen", id="coa-exact"),
    pytest.param(COA, 7, {"F": 78}, f"{COA}, blad 'Realisatie per gemeente', rij 8: herhaalt "
                 "Assen (GM0106), peildatum 01-07-2024 van rij 7, met gerealiseerd 78 in plaats "
                 "van 77; herstel of verwijder een van beide rijen", id="coa-conflict"),
    pytest.param(BIJLAGE_A, 12, {}, f"{BIJLAGE_A}, blad 'Bijlage A', rij 13: herhaalt Assen "
                 "(GM0106), 2024-H1, vastgesteld op 02-10-2023 van rij 12 met dezelfde cijfers; "
                 "verwijder een van beide rijen", id="taakstelling-exact"),
    pytest.param(BIJLAGE_A, 12, {"E": 74}, f"{BIJLAGE_A}, blad 'Bijlage A', rij 13: herhaalt "
                 "Assen (GM0106), 2024-H1, vastgesteld op 02-10-2023 van rij 12, met taakstelling "
                 "74 in plaats van 73; herstel of verwijder een van beide rijen",
                 id="taakstelling-conflict"),
    pytest.param(EMMEN, 8, {}, f"{EMMEN}, blad 'Huisvesting', rij 9: herhaalt Emmen (GM0114), "
                 "maart 2024 van rij 8 met dezelfde cijfers; verwijder een van beide rijen",
                 id="gemeente-exact"),
    pytest.param(EMMEN, 8, {"B": 26}, f"{EMMEN}, blad 'Huisvesting', rij 9: herhaalt Emmen "
                 "(GM0114), maart 2024 van rij 8, met realisatie 26 in plaats van 25; herstel of "
                 "verwijder een van beide rijen", id="gemeente-conflict"),
    pytest.param(TVS, 8, {}, f"{TVS}, blad 'Export', rij 9: herhaalt Hoogeveen (GM0118), "
                 "mutatie Huisvesting, datum 02-01-2022 van rij 8 met dezelfde cijfers; verwijder "
                 "een van beide rijen", id="personen-exact"),
    pytest.param(TVS, 8, {"K": 2}, f"{TVS}, blad 'Export', rij 9: herhaalt Hoogeveen (GM0118), "
                 "mutatie Huisvesting, datum 02-01-2022 van rij 8, met telling 2 in plaats van 1; "
                 "herstel of verwijder een van beide rijen", id="personen-conflict"),
    pytest.param(TVS, 8, {"G": "GM0114"}, f"{TVS}, blad 'Export', rij 9: dezelfde persoon "
                 "(registratienummer) is al gehuisvest volgens rij 8 (Hoogeveen (GM0118), datum "
                 "02-01-2022); een tweede huisvesting telt alleen als correctie (Mutatie "
                 "'Correctie')", id="persoon-in-twee-gemeenten"),
]


@pytest.mark.parametrize(("source", "row", "changes", "expected"), SHEET_REPEATS)
def test_a_repeated_row_is_refused_naming_both_rows(tmp_path, capsys, short_tvs, source, row,
                                                    changes, expected):
    raw = copy_raw(tmp_path, source, tvs=short_tvs)
    repeat_row(raw / source, row, changes)
    before = digest(raw / source)
    err = refused(capsys, raw, tmp_path / "processed", "ingest")
    assert f"- {expected}\n" in err
    assert err.count("herhaalt") + err.count("dezelfde persoon") == 1
    assert digest(raw / source) == before


def test_a_second_housing_marked_as_a_correction_is_read(tmp_path, capsys, short_tvs):
    raw = copy_raw(tmp_path, TVS, tvs=short_tvs)
    repeat_row(raw / TVS, 8, {"G": "GM0114", "J": "Correctie"})
    assert main(["ingest", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 0
    assert "dezelfde persoon" not in capsys.readouterr().err


def test_a_period_cell_that_contradicts_the_file_name_is_refused(tmp_path, capsys):
    raw = copy_raw(tmp_path, BIJLAGE_A)
    renamed = raw / "taakstelling" / "Bijlage_A_taakstelling_2024-H2.xlsx"
    (raw / BIJLAGE_A).rename(renamed)
    err = refused(capsys, raw, tmp_path / "processed", "ingest")
    assert ("- taakstelling/Bijlage_A_taakstelling_2024-H2.xlsx, blad 'Bijlage A', rij 3, kolom "
            "B ('Periode'): de bestandsnaam noemt 2024-H2, maar de cel bij 'Periode' zegt "
            "2024-H1 ('eerste helft 2024'); herstel de cel of de bestandsnaam\n") in err


def test_an_ended_code_whose_successor_lies_in_another_province_is_refused(tmp_path, capsys):
    raw = copy_raw(tmp_path, COA)
    book = openpyxl.load_workbook(raw / COA)
    book.worksheets[0]["A7"] = 545  # Leerdam (Zuid-Holland), since 2019 Vijfheerenlanden
    book.save(raw / COA)
    err = refused(capsys, raw, tmp_path / "processed", "ingest")
    assert (f"- {COA}, blad 'Realisatie per gemeente', rij 7, kolom gemeente: gemeente GM0545 "
            "(Leerdam, Zuid-Holland) bestaat sinds 1 januari 2019 niet meer en de opvolger "
            "GM1961 (Vijfheerenlanden) ligt in Utrecht; 1 rij(en) kunnen niet zonder meer aan "
            "een gemeente van een andere provincie worden toegerekend") in err


def test_a_hidden_sheet_is_read_only_when_no_visible_one_fits_and_says_so(tmp_path, capsys):
    raw = copy_raw(tmp_path, COA)
    book = openpyxl.load_workbook(raw / COA)
    book.worksheets[1].sheet_state = "visible"
    book.worksheets[0].sheet_state = "hidden"
    book.save(raw / COA)
    assert main(["ingest", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 0
    assert (f"{COA}, blad 'Realisatie per gemeente': dit blad is verborgen in de werkmap en "
            "toch gelezen") in capsys.readouterr().out


def test_a_visible_sheet_is_read_before_a_hidden_one_of_the_expected_name(tmp_path, capsys):
    raw = copy_raw(tmp_path, BIJLAGE_A)
    book = openpyxl.load_workbook(raw / BIJLAGE_A)
    stale = book.copy_worksheet(book.worksheets[0])
    stale.title, stale.sheet_state = "Bijlage A oud", "hidden"
    book.worksheets[0].title = "Taakstelling"  # the second name the layout accepts
    stale.title = "Bijlage A"  # the first name, but hidden, and with another figure
    stale["E12"] = 1
    book.save(raw / BIJLAGE_A)
    processed = tmp_path / "p"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    out = capsys.readouterr().out
    assert "verborgen" not in out
    import pandas as pd

    table = pd.read_parquet(processed / "taakstelling.parquet")
    assert set(table["bron_blad"]) == {"Taakstelling"}
    assert table.loc[table["gemeente_code"] == "GM0106", "taakstelling"].tolist() == [73]


# The decisions register and the letters' settings: read by 'bereken' and 'run'.
DECISION = ('[[besluit]]\nsoort = "verschoning"\ngemeente = "De Wolden"\nperiode = "2024-H1"\n'
            'reden = "r"\ndatum = 2024-11-19\n')


@pytest.fixture
def ingested(tmp_path, computed):
    """A processed folder holding the sample's ingested tables only."""
    folder = tmp_path / "processed"
    folder.mkdir()
    for name in ("taakstelling", "coa_overzicht", "realisatie_dag", "gemeente_rapportage",
                 "bestanden", "grenzen", "validatie", "brieven_bron"):
        shutil.copy(computed / f"{name}.parquet", folder)
    return folder


@pytest.mark.parametrize(("text", "expected"), [
    (DECISION + "\n" + DECISION, "toezichtsbesluiten.toml: besluit 2 (regel 8) herhaalt besluit "
     "1 (regel 1): verschoning voor De Wolden over 2024-H1 van 19-11-2024 met dezelfde inhoud; "
     "verwijder een van beide"),
    (DECISION + "\n" + DECISION.replace('reden = "r"', 'reden = "r"\npersonen = 5'),
     "toezichtsbesluiten.toml: besluit 2 (regel 8) herhaalt besluit 1 (regel 1): verschoning "
     "voor De Wolden over 2024-H1 van 19-11-2024, met personen 5 in plaats van niet gegeven; "
     "welke geldt? herstel of verwijder een van beide"),
    (DECISION.replace('reden = "r"', 'reden = "r"\nkenmerk = "K/1"') + "\n"
     + DECISION.replace("2024-H1", "2023-H2").replace('reden = "r"', 'reden = "r"\nkenmerk = '
                                                      '"K/1"'),
     "toezichtsbesluiten.toml: besluit 2 (regel 9): kenmerk K/1 staat ook bij besluit 1 (regel "
     "1); elk besluit heeft een eigen kenmerk"),
], ids=["exact", "conflict", "one-kenmerk-twice"])
def test_a_bad_decisions_register_stops_bereken(tmp_path, capsys, ingested, text, expected):
    raw = tmp_path / "raw"
    (raw / "besluiten").mkdir(parents=True)
    (raw / REGISTER).write_text(text, encoding="utf-8")
    ingest_register(raw, ingested)
    before = sorted(path.name for path in ingested.iterdir())
    assert main(["bereken", "--processed", str(ingested)]) == 2
    err = capsys.readouterr().err
    assert f"- {expected}" in err and "Traceback" not in err
    assert sorted(path.name for path in ingested.iterdir()) == before  # nothing computed


@pytest.mark.parametrize("text", ["", "# nog niets besloten\n"], ids=["empty", "comment-only"])
def test_an_empty_decisions_register_stops_the_ingest(tmp_path, capsys, text):
    raw = tmp_path / "raw"
    (raw / "besluiten").mkdir(parents=True)
    (raw / REGISTER).write_text(text, encoding="utf-8")
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 2
    err = capsys.readouterr().err
    assert ("- toezichtsbesluiten.toml: bestand is leeg of bevat alleen commentaar" in err
            and "Traceback" not in err)
    assert not processed.exists()  # nothing written


def test_a_decision_long_before_its_peildatum_is_warned_about(tmp_path, capsys, ingested):
    raw = tmp_path / "raw"
    (raw / "besluiten").mkdir(parents=True)
    (raw / REGISTER).write_text(DECISION.replace("2024-11-19", "2014-11-19"), encoding="utf-8")
    ingest_register(raw, ingested)
    assert main(["bereken", "--processed", str(ingested)]) == 0
    assert ("Let op: besluit 1 (verschoning over 2024-H1) is gedateerd 19-11-2014, meer dan een "
            "jaar voor de peildatum 01-07-2024; klopt de datum?") in capsys.readouterr().out


def letters_with(tmp_path: Path, old: str, new: str) -> Path:
    raw = copy_raw(tmp_path, LETTERS)
    text = (raw / LETTERS).read_text(encoding="utf-8")
    assert old in text
    (raw / LETTERS).write_text(text.replace(old, new, 1), encoding="utf-8")
    return raw


ADDRESS = ('[[geadresseerde]]\ngemeente = "GM1690"\nregels = ["het college van Burgemeester '
           'en", "Wethouders De Wolden", "Postbus 20", "7920 AA ZUIDWOLDE"]\n')
SIGNER = '[[ondertekenaar]]\nnaam = "A. Voorbeeld (voorbeeld)"\nfunctie = "plv. voorzitter"\n'


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[[geadresseerde]]", ADDRESS + "\n[[geadresseerde]]",
     "geadresseerde 2 herhaalt geadresseerde 1 (gemeente 'De Wolden') met hetzelfde adres; "
     "verwijder een van beide"),
    ("[[geadresseerde]]", ADDRESS.replace("Postbus 20", "Postbus 21") + "\n[[geadresseerde]]",
     "geadresseerde 2 herhaalt geadresseerde 1 (gemeente 'De Wolden'), met regels 'het college "
     "van Burgemeester en / Wethouders De Wolden / Postbus 20 / 7920 AA ZUIDWOLDE' in plaats van "
     "'het college van Burgemeester en / Wethouders De Wolden / Postbus 21 / 7920 AA "
     "ZUIDWOLDE'; welke geldt?"),
    ("[[ondertekenaar]]", SIGNER + "\n[[ondertekenaar]]",
     "ondertekenaar 2 herhaalt ondertekenaar 1 (A. Voorbeeld (voorbeeld)); verwijder een van "
     "beide"),
    ("[[ondertekenaar]]", SIGNER.replace("plv. voorzitter", "voorzitter") + "\n[[ondertekenaar]]",
     "ondertekenaar 2 herhaalt ondertekenaar 1 (A. Voorbeeld (voorbeeld)), met functie 'plv. "
     "voorzitter' in plaats van 'voorzitter'; welke geldt?"),
    ('"De Wolden" = "47/4.1/2024001652"', '"De Wolden" = "47/4.1/2024001652"\nGM1690 = '
     '"47/4.1/2024001652"', "[kenmerken] 2024-H1: 'GM1690' en 'De Wolden' noemen allebei "
     "gemeente GM1690, met hetzelfde kenmerk; geef één kenmerk per gemeente"),
    ('"De Wolden" = "47/4.1/2024001652"', '"De Wolden" = "47/4.1/2024001652"\nGM1690 = "X/1"',
     "[kenmerken] 2024-H1: 'GM1690' en 'De Wolden' noemen allebei gemeente GM1690, met "
     "kenmerk X/1 in plaats van 47/4.1/2024001652"),
    ("[alineas]", '[kenmerken."2024 1e halfjaar"]\nAssen = "X/2"\n\n[alineas]',
     "[kenmerken] '2024 1e halfjaar' en '2024-H1' noemen allebei 2024-H1; voeg ze samen onder "
     "één naam"),
    ('"2024-H1" = ["Vanaf', '"eerste helft 2024" = ["Een alinea."]\n"2024-H1" = ["Vanaf',
     "[alineas] '2024-H1' en 'eerste helft 2024' noemen allebei 2024-H1; voeg ze samen onder "
     "één naam"),
], ids=["address-exact", "address-conflict", "signer-exact", "signer-conflict",
        "kenmerk-two-spellings-same", "kenmerk-two-spellings-other", "period-two-spellings",
        "paragraphs-two-spellings"])
def test_bad_letters_settings_stop_the_run_before_anything_is_written(tmp_path, capsys, old,
                                                                      new, expected):
    raw = letters_with(tmp_path, old, new)
    reports = tmp_path / "reports"
    err = refused(capsys, raw, tmp_path / "processed", "run", "--reports", str(reports))
    assert f"- {LETTERS}: {expected}" in err
    assert not reports.exists()


def test_an_empty_letters_file_says_it_is_empty(tmp_path, capsys):
    raw = copy_raw(tmp_path, LETTERS)
    (raw / LETTERS).write_text("# nog in te vullen\n", encoding="utf-8")
    err = refused(capsys, raw, tmp_path / "processed", "run", "--reports", str(tmp_path / "r"))
    assert err.count("\n- ") == 1 and "bestand is leeg of bevat alleen commentaar" in err


def test_a_named_kenmerk_that_the_schema_also_gives_is_refused(tmp_path, capsys,
                                                              computed_op_briefdatum):
    # by name, Assen is the second letter: the schema numbers it VOORBEELD/2024-H1/002
    raw = letters_with(tmp_path, '"De Wolden" = "47/4.1/2024001652"',
                       '"De Wolden" = "47/4.1/2024001652"\nMeppel = "VOORBEELD/2024-H1/002"')
    reports, processed = tmp_path / "reports", tmp_path / "processed"
    shutil.copytree(computed_op_briefdatum, processed)
    ingest_letters(raw, processed)
    assert main(["brieven", "--raw", str(raw), "--processed", str(processed), "--reports",
                 str(reports), "--periode", "2024-H1", "--datum", "2024-11-19"]) == 2
    err = capsys.readouterr().err
    assert (f"- {LETTERS}: [kenmerken.\"2024-H1\"]: kenmerk VOORBEELD/2024-H1/002 hoort bij 2 "
            "brieven (Assen en Meppel)") in err
    assert not reports.exists()


def test_a_run_with_a_repeated_decision_writes_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    text = (raw / REGISTER).read_text(encoding="utf-8")
    (raw / REGISTER).write_text(text + "\n" + text[text.index("[[besluit]]"):], encoding="utf-8")
    reports = tmp_path / "reports"
    err = refused(capsys, raw, tmp_path / "processed", "run", "--reports", str(reports))
    assert "toezichtsbesluiten.toml: besluit 2 (regel " in err
    assert "herhaalt besluit 1 (regel 7): verschoning voor Aa en Hunze, Assen, Borger-Odoorn " \
           "en 9 andere gemeenten over 2024-H1 van 19-11-2024 met dezelfde inhoud" in err
    assert not (reports / "2024-H1").exists()
