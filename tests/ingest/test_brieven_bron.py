"""The letters' settings on ingest: brieven.toml and the templates it names stored with their
hashes in the processed folder; a settings file of the wrong form stops the ingest; none is no
letters."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.ingest.mirror import run_ingest
from analysis.report.brieven.template import default_template
from tests.conftest import png
from tests.ingest.test_hostile_cells import small_raw

LOGO = png()
SETTINGS = ('[afzender]\nprovincie = "Drenthe"\nplaats = "Assen"\nbehandeld_door = "A"\n'
            'sjabloon = "eigen.docx"\n\n[sjablonen]\ngesprek = "sjablonen/gesprek.docx"\n')


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_the_settings_and_their_templates_are_stored_with_their_hashes(tmp_path: Path) -> None:
    raw = small_raw(tmp_path / "raw")
    (raw / "brieven" / "sjablonen").mkdir(parents=True)
    (raw / "brieven" / "brieven.toml").write_text(SETTINGS, encoding="utf-8")
    own, talk = default_template(), default_template("gesprek")  # dated: made once
    (raw / "brieven" / "eigen.docx").write_bytes(own)
    (raw / "brieven" / "sjablonen" / "gesprek.docx").write_bytes(talk)
    run_ingest(raw, tmp_path / "processed")
    table = pd.read_parquet(tmp_path / "processed" / "brieven_bron.parquet")
    files = {name: (role, digest) for role, name, digest
             in zip(table["rol"], table["bron_bestand"], table["bestand_hash"], strict=True)}
    assert files == {
        "brieven/brieven.toml": ("instellingen", _sha(SETTINGS.encode())),
        "brieven/eigen.docx": ("sjabloon", _sha(own)),
        "brieven/sjablonen/gesprek.docx": ("sjabloon", _sha(talk))}
    stored = Briefinstellingen.from_table(table)
    assert stored.adressering().sjablonen == {"gesprek": "brieven/sjablonen/gesprek.docx",
                                              "resultaten": "brieven/eigen.docx"}
    assert stored.sjablonen["brieven/eigen.docx"] == own


def test_the_logo_is_stored_with_its_hash_and_read_from_the_store(tmp_path: Path) -> None:
    raw = small_raw(tmp_path / "raw")
    (raw / "brieven").mkdir()
    (raw / "brieven" / "brieven.toml").write_text(
        SETTINGS.replace('sjabloon = "eigen.docx"\n\n[sjablonen]\ngesprek = '
                         '"sjablonen/gesprek.docx"\n', 'logo = "logo.png"\n'), encoding="utf-8")
    (raw / "brieven" / "logo.png").write_bytes(LOGO)
    run_ingest(raw, tmp_path / "processed")
    (raw / "brieven" / "logo.png").unlink()  # the letters read the stored logo only
    table = pd.read_parquet(tmp_path / "processed" / "brieven_bron.parquet")
    assert list(zip(table["rol"], table["bron_bestand"], table["bestand_hash"], strict=True)
                )[1:] == [("logo", "brieven/logo.png", _sha(LOGO))]
    head = Briefinstellingen.from_table(table).adressering().briefhoofd
    assert head.logo == "brieven/logo.png" and head.logo_inhoud == LOGO
    assert head.naam == "Provincie Drenthe"  # without naam, the province's


def test_without_settings_the_table_is_empty(tmp_path: Path) -> None:
    raw = small_raw(tmp_path / "raw")
    result = run_ingest(raw, tmp_path / "processed")
    assert result.tables["brieven_bron"].empty
    table = pd.read_parquet(tmp_path / "processed" / "brieven_bron.parquet")
    assert table.empty and Briefinstellingen.from_table(table) is None


@pytest.mark.parametrize(("settings", "expected"), [
    ('[afzender]\nprovincie = "Drenthe"\n',
     "- brieven/brieven.toml: [afzender]: verplichte sleutel 'plaats' ontbreekt"),
    ("[afzender\n", "- brieven/brieven.toml: geen geldige TOML"),
    (SETTINGS, "- brieven/brieven.toml: [afzender] sjabloon: {raw}/brieven/eigen.docx bestaat "
               "niet"),
    (SETTINGS.replace('sjabloon = "eigen.docx"', 'logo = "logo.png"'),
     "- brieven/brieven.toml: [afzender] logo: {raw}/brieven/logo.png bestaat niet"),
])
def test_settings_of_the_wrong_form_stop_the_ingest(tmp_path: Path, capsys, settings: str,
                                                    expected: str) -> None:
    raw = small_raw(tmp_path / "raw")
    (raw / "brieven").mkdir()
    (raw / "brieven" / "brieven.toml").write_text(settings, encoding="utf-8")
    assert main(["ingest", "--raw", str(raw), "--processed", str(tmp_path / "processed")]) == 2
    assert expected.format(raw=raw) in capsys.readouterr().err
    assert not (tmp_path / "processed").exists()
