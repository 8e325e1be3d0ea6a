"""End-to-end ingest of the bundled synthetic sample."""

import hashlib

import openpyxl
import pandas as pd
import pytest

from analysis.compute.stromen import persoon_maanden
from analysis.config import RAW_DIR
from analysis.ingest.mirror import run_ingest
from analysis.sample import generate


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    before = _digest(RAW_DIR)
    folder = tmp_path_factory.mktemp("processed")
    run_ingest(RAW_DIR, folder, engine="openpyxl")
    assert _digest(RAW_DIR) == before, "raw files must never be modified"
    return folder


def _table(folder, name):
    return pd.read_parquet(folder / f"{name}.parquet")


def test_tables_and_row_counts(processed):
    assert len(_table(processed, "coa_overzicht")) == 48 * 12
    assert len(_table(processed, "taakstelling")) == 9 * 12
    assert len(_table(processed, "gemeente_rapportage")) == 2 * 24
    files = _table(processed, "bestanden")
    assert len(files) == 61  # 60 exports and the municipality boundaries
    assert files.loc[files["bron"] == "grenzen", "rijen"].tolist() == [12]
    assert set(files["specificatie"]) >= {"coa_maandoverzicht_2022.toml",
                                          "coa_maandoverzicht_2024.toml"}


def test_the_sample_raises_no_warnings(processed):
    # among others: every imported taakstelling agrees with the art. 29 formula
    assert _table(processed, "validatie").empty
    assert _table(processed, "taakstelling")["inwoners_nederland"].notna().all()


def test_reproduces_the_de_wolden_letter(processed):
    coa = _table(processed, "coa_overzicht").set_index(["gemeente_code", "peildatum"])
    end_of_h1 = coa.loc[("GM1690", pd.Timestamp("2024-07-01"))]
    assert (end_of_h1["stand_begin"], end_of_h1["taakstelling"], end_of_h1["opgave"],
            end_of_h1["gerealiseerd"]) == (-10, 26, 36, 23)
    realisatie = persoon_maanden(_table(processed, "realisatie_dag"))
    de_wolden = realisatie[realisatie["gemeente_code"] == "GM1690"]
    assert de_wolden.groupby("periode")["realisatie"].sum()["2024-H1"] == 23
    taakstelling = _table(processed, "taakstelling").set_index(["gemeente_code", "periode"])
    assert taakstelling.loc[("GM1690", "2024-H2"), "taakstelling"] == 24
    assert taakstelling.loc[("GM1699", "2024-H1"), "taakstelling"] == 33
    noordenveld = coa.loc[("GM1699", pd.Timestamp("2024-02-01"))]
    assert noordenveld["stand_begin"] == 18


def test_versions_of_a_revised_taakstelling_are_kept(processed):
    versions = _table(processed, "taakstelling").query("periode == '2025-H1'")
    totals = versions.sort_values("versiedatum").groupby("versiedatum")["landelijk_totaal"].first()
    assert totals.tolist() == [17_700, 15_000]
    assert len(versions) == 24


def test_corrections_can_make_a_month_negative(processed):
    realisatie = persoon_maanden(_table(processed, "realisatie_dag")).set_index(
        ["gemeente_code", "maand"])
    assert realisatie.loc[("GM1701", pd.Timestamp("2024-12-01")), "realisatie"] == -1
    assert realisatie["correcties"].sum() == 4


def test_provenance_points_at_the_source_cell(processed):
    coa = _table(processed, "coa_overzicht")
    row = coa[coa["gemeente_code"] == "GM1690"].iloc[-1]
    sheet = openpyxl.load_workbook(RAW_DIR / row["bron_bestand"], read_only=True)[row["bron_blad"]]
    cells = next(sheet.iter_rows(min_row=row["bron_rij"], max_row=row["bron_rij"],
                                 values_only=True))
    assert cells[0] == 1690 and cells[5] == row["gerealiseerd"]
    assert len(row["bestand_hash"]) == 64


def test_no_personal_data_reaches_processed(processed):
    sheet = openpyxl.load_workbook(RAW_DIR / "tvs" / "TVS_export_huisvestingen_2022-2025.xlsx",
                                   read_only=True)["Export"]
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    personal = {str(v) for r in rows for v in r[:2]}
    assert len(personal) > 1000
    for path in processed.glob("*.parquet"):
        frame = pd.read_parquet(path)
        assert not {"persoon_id", "huishouden", "geboortejaar"} & set(frame.columns)
        values = {str(v) for c in frame.columns for v in frame[c].dropna().unique()}
        assert not personal & values, path.name


def test_calamine_gives_identical_frames(processed, tmp_path):
    run_ingest(RAW_DIR, tmp_path, engine="calamine")
    for name in ["taakstelling", "coa_overzicht", "realisatie_dag", "gemeente_rapportage"]:
        pd.testing.assert_frame_equal(_table(tmp_path, name), _table(processed, name))


def test_generator_recreates_the_bundled_sample(tmp_path):
    generate(tmp_path)
    bundled = sorted(p.relative_to(RAW_DIR) for p in RAW_DIR.rglob("*.xlsx"))
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx")) == bundled
    for relative in bundled:
        fresh = openpyxl.load_workbook(tmp_path / relative)
        kept = openpyxl.load_workbook(RAW_DIR / relative)
        assert fresh.sheetnames == kept.sheetnames
        for name in kept.sheetnames:
            assert list(fresh[name].values) == list(kept[name].values), f"{relative} {name}"
