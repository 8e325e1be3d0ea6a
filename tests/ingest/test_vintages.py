"""A re-issued COA overview: every vintage is kept with its provenance, the latest counts, and
two overviews of one peildatum that cannot be ordered are refused."""

import shutil

import openpyxl
import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.ingest.vintages import mark_vintages
from analysis.storage import read_table

JULY = "COA_realisatie_taakstelling_2024-07-01"
DE_WOLDEN_ROW, TOTALS_ROW = 10, 18


def overview_rows(files):
    """One De Wolden row per (file, versie, aangemaakt) for the peildatum of 1 July 2024."""
    return pd.DataFrame([{"gemeente_code": "GM1690", "peildatum": pd.Timestamp("2024-07-01"),
                          "gerealiseerd": number, "bron_bestand": name, "bron_blad": "Blad",
                          "versie": versie, "aangemaakt": made}
                         for number, (name, versie, made) in enumerate(files)])


@pytest.mark.parametrize(("files", "counts"), [
    ([("coa/juli_voorlopig.xlsx", None, None), ("coa/juli_definitief.xlsx", None, None)], 1),
    ([("coa/juli_definitief.xlsx", None, None), ("coa/juli_voorlopig.xlsx", None, None)], 0),
    ([("coa/juli.xlsx", None, None), ("coa/juli_v2.xlsx", None, None)], 1),
    ([("coa/a.xlsx", "Definitief", None), ("coa/b.xlsx", "voorlopig", None)], 0),
    ([("coa/a.xlsx", None, pd.Timestamp("2024-07-09")),
      ("coa/b.xlsx", None, pd.Timestamp("2024-07-03"))], 0),
])
def test_the_latest_vintage_counts(files, counts):
    marked, problems = mark_vintages(overview_rows(files))
    assert problems == []
    assert marked["geldend"].tolist() == [number == counts for number in range(len(files))]


def test_two_overviews_that_cannot_be_ordered_are_refused():
    _, problems = mark_vintages(overview_rows([("coa/juli.xlsx", None, None),
                                               ("coa/juli kopie.xlsx", None, None)]))
    assert len(problems) == 1
    assert "ander(e) overzicht(en) voor peildatum 01-07-2024 zonder te onderscheiden versie" in str(
        problems[0])


@pytest.fixture(scope="module")
def reissued(tmp_path_factory):
    """The sample with COA's overview of 1 July 2024 issued twice: voorlopig as in the sample,
    then definitief with one more person housed in De Wolden."""
    folder = tmp_path_factory.mktemp("heruitgave")
    raw = folder / "raw"
    shutil.copytree(RAW_DIR, raw)
    original = raw / "coa" / f"{JULY}.xlsx"
    book = openpyxl.load_workbook(original)
    sheet = book["Realisatie per gemeente"]
    sheet.cell(DE_WOLDEN_ROW, 6).value += 1  # Gehuisvest
    sheet.cell(DE_WOLDEN_ROW, 7).value -= 1  # Resterend
    sheet.cell(TOTALS_ROW, 6).value = str(int(sheet.cell(TOTALS_ROW, 6).value) + 1)
    sheet.cell(TOTALS_ROW, 7).value = str(int(sheet.cell(TOTALS_ROW, 7).value) - 1)
    sheet.cell(4, 1).value, sheet.cell(4, 2).value = "Versie", "definitief"
    book.save(raw / "coa" / f"{JULY}_heruitgave.xlsx")
    original.rename(original.with_name(f"{JULY}_voorlopig.xlsx"))
    processed = folder / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    assert main(["bereken", "--raw", str(raw), "--processed", str(processed)]) == 0
    return processed


def test_a_reissued_overview_is_kept_and_the_definitive_one_counts(reissued):
    overviews = read_table(reissued, "coa_overzicht")
    july = overviews[(overviews["gemeente_code"] == "GM1690")
                     & (overviews["peildatum"] == pd.Timestamp("2024-07-01"))]
    found = {(row.bron_bestand, row.versie, row.gerealiseerd, row.geldend)
             for row in july.itertuples()}
    assert found == {(f"coa/{JULY}_voorlopig.xlsx", "voorlopig", 23, False),
                     (f"coa/{JULY}_heruitgave.xlsx", "definitief", 24, True)}
    stand = read_table(reissued, "stand").set_index(["gemeente_code", "periode"])
    assert stand.loc[("GM1690", "2024-H1"), ["realisatie", "stand_eind"]].tolist() == [24, -12]
    listed = read_table(reissued, "telling_verschillen")
    assert listed[["gemeente_code", "periode", "tvs_realisatie", "coa_realisatie"]].to_dict(
        "records") == [{"gemeente_code": "GM1690", "periode": "2024-H1", "tvs_realisatie": 23,
                        "coa_realisatie": 24}]


def test_an_unordered_copy_stops_the_ingest(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    shutil.copy(raw / "coa" / f"{JULY}.xlsx", raw / "coa" / f"{JULY} (kopie).xlsx")
    code = main(["ingest", "--raw", str(raw), "--processed", str(tmp_path / "processed")])
    err = capsys.readouterr().err
    assert code == 2 and "zonder te onderscheiden versie" in err
    assert not (tmp_path / "processed").exists()
