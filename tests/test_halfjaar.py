"""The half-year checklist (docs/halfjaar.md) holds: every command in it runs on the sample,
and every commented example in the sample's register is a decision the register accepts, one
for each kind."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.compute.kader import load_kader
from analysis.compute.register import COHORT_KINDS, KINDS, load_register
from analysis.config import PROJECT_DIR, RAW_DIR
from analysis.domain.besluiten import Register
from analysis.domain.gemeenten import provincie_codes
from tests.conftest import SAMPLE_DATUM, SAMPLE_PERIODE

CHECKLIST = PROJECT_DIR / "docs" / "halfjaar.md"
REGISTER = RAW_DIR / "besluiten" / "toezichtsbesluiten.toml"


def commands() -> list[list[str]]:
    """The ``python -m analysis`` lines of the checklist's shell blocks, as argument lists."""
    blocks = re.findall(r"```sh\n(.*?)```", CHECKLIST.read_text(encoding="utf-8"), re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    assert all(line.startswith("python -m analysis ") for line in lines), lines
    return [shlex.split(line)[3:] for line in lines]


def test_the_checklist_names_every_step() -> None:
    names = [command[0] for command in commands()]
    assert names == ["ingest", "ingelezen", "bereken", "stand", "oordeel", "herkomst", "run"]


@pytest.mark.parametrize("command", [c for c in commands() if c[0] != "run"],
                         ids=lambda command: " ".join(command))
def test_each_command_runs_on_the_sample(command: list[str], sample_run: Path,
                                         tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    shutil.copytree(sample_run / "processed", processed)
    assert main([*command, "--raw", str(RAW_DIR), "--processed", str(processed)]) == 0


def test_its_run_is_the_run_the_tests_make(sample_run: Path) -> None:
    """The checklist's ``run`` is the whole run the ``sample_run`` fixture makes (and checks)."""
    [run] = [command for command in commands() if command[0] == "run"]
    assert run == ["run", "--periode", SAMPLE_PERIODE, "--datum", SAMPLE_DATUM]
    assert (sample_run / "reports" / SAMPLE_PERIODE / "index.html").is_file()


def examples() -> list[str]:
    """The commented ``[[besluit]]`` examples at the foot of the sample's register, uncommented."""
    text = REGISTER.read_text(encoding="utf-8")
    foot = text[text.index("# --- Voorbeelden"):]
    blocks = re.split(r"\n#\n", foot)[1:]
    return ["\n".join(re.sub(r"^# ?", "", line) for line in block.strip().splitlines())
            for block in blocks]


def test_one_example_of_each_kind_and_each_is_accepted(tmp_path: Path) -> None:
    """Each with Drenthe's kader; a cohort decision with a copy of it that tracks cohorts."""
    found, kader = [], load_kader("drenthe")
    copy = tmp_path / "drenthe_cohorten.toml"
    copy.write_bytes(kader.path.read_bytes() + b"\n[cohorten]\nvolgorde = \"oudste_eerst\"\n")
    with_cohorts = load_kader(copy)
    for example in examples():
        register = Register("toezichtsbesluiten.toml", example.encode())
        about_cohorts = re.search(r'soort = "(\w+)"', example)[1] in COHORT_KINDS
        used = with_cohorts if about_cohorts else kader
        table = load_register(register, provincie_codes("Drenthe"), used.treden, used.kalender,
                              cohorten=() if about_cohorts else None)
        found.append(table["soort"].iloc[0] if len(table) else re.search(
            r'soort = "(\w+)"', example)[1])
    assert sorted(found) == sorted(KINDS)
