"""The letters' settings name municipalities of the run's province: a kenmerk, uw kenmerk or
address for a municipality of another province is refused naming the file, the entry and that
province; an unknown name is refused with the nearest known name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import RAW_DIR
from analysis.domain.briefinstellingen import Briefinstellingen
from analysis.domain.gemeenten import provincie_codes
from analysis.problems import InputError
from analysis.report.brieven.write import check_kenmerken

DRENTHE = provincie_codes("Drenthe")


def settings(tmp_path: Path, after: str, line: str) -> Path:
    """The sample's letters' settings with ``line`` put after the line ``after``."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR / "brieven", raw / "brieven")
    path = raw / "brieven" / "brieven.toml"
    text = path.read_text(encoding="utf-8")
    assert after in text
    path.write_text(text.replace(after, f"{after}\n{line}", 1), encoding="utf-8")
    return raw


@pytest.mark.parametrize(("after", "line", "entry"), [
    ('[kenmerken."2024-H1"]', '"Groningen" = "47/4.1/2024009999"', '[kenmerken."2024-H1"]'),
    ('[uw_kenmerken."2024-H1"]    # a municipality\'s own kenmerk, where a letter answers one '
     'of its own', '"Zwolle" = "Z-1"', '[uw_kenmerken."2024-H1"]'),
])
def test_a_municipality_of_another_province_is_refused(tmp_path: Path, after: str, line: str,
                                                       entry: str) -> None:
    adressering = Briefinstellingen.read(settings(tmp_path, after, line)).adressering()
    with pytest.raises(InputError) as refused:
        check_kenmerken(pd.DataFrame(), "2024-H1", DRENTHE, adressering)
    [problem] = refused.value.problems
    assert problem.bestand == "brieven/brieven.toml"
    assert problem.melding.startswith(f"{entry}: gemeente ")
    assert "hoort bij de provincie" in problem.melding
    assert problem.melding.endswith("niet bij Drenthe, waarvoor de brieven zijn")


def test_an_unknown_name_suggests_the_nearest(tmp_path: Path) -> None:
    raw = settings(tmp_path, '[kenmerken."2024-H1"]', '"De Wolde" = "47/4.1/2024009999"')
    with pytest.raises(InputError) as refused:
        Briefinstellingen.read(raw)
    assert any("onbekende gemeente 'De Wolde' (bedoelt u De Wolden?)" in problem.melding
               for problem in refused.value.problems)
