"""No work twice: an ingest or a computation whose inputs are unchanged reuses the processed
folder and says so in one line, without loading pandas; anything changed is done again; and a
period or province outside the data is refused before a table or a report module is loaded."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import RAW_DIR, kader_path
from tests.conftest import SAMPLE_DATUM, SAMPLE_PERIODE, ingest_register

HEAVY = ("pandas", "analysis.ingest.mirror", "analysis.compute.bereken",
         "analysis.report.notebooks", "analysis.report.views", "analysis.pipeline.run")


def in_a_process(argv: list[str]) -> tuple[int, str, str, list[str]]:
    """``main(argv)`` in a fresh interpreter: exit code, output, errors, and the heavy modules
    it loaded."""
    code = ("import json, sys\n"
            "from analysis.cli import main\n"
            f"code = main({argv!r})\n"
            "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    *out, last = done.stdout.strip().splitlines()
    loaded = json.loads(last)
    heavy = sorted({name for module in loaded["modules"] for name in HEAVY
                    if module == name or module.startswith(f"{name}.")})
    return loaded["code"], "\n".join(out), done.stderr, heavy


def stamps(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(RAW_DIR, copy)
    return copy


def test_an_unchanged_ingest_is_reused_in_one_line_without_pandas(raw, tmp_path):
    processed = tmp_path / "processed"
    args = ["ingest", "--raw", str(raw), "--processed", str(processed)]
    assert main(args) == 0
    before = stamps(processed)
    code, out, err, heavy = in_a_process(args)
    assert (code, err, heavy) == (0, "", [])
    assert len(out.splitlines()) == 1
    assert out.startswith("Niets gewijzigd sinds de inlezing van ")
    assert f"de verwerkte gegevens in {processed} zijn hergebruikt" in out
    assert stamps(processed) == before  # nothing written


# a raw file changed and a table changed in the processed folder in make test; the other ways
# to change, each an ingest more, in make test-zwaar
@pytest.mark.parametrize("change", [
    "touched", *(pytest.param(change, marks=pytest.mark.zwaar)
                 for change in ("removed", "added", "opnieuw", "program")),
    "table replaced", pytest.param("table removed", marks=pytest.mark.zwaar)])
def test_a_change_reads_afresh(raw, tmp_path, capsys, monkeypatch, change):
    processed = tmp_path / "processed"
    args = ["ingest", "--raw", str(raw), "--processed", str(processed)]
    assert main(args) == 0
    coa = sorted((raw / "coa").iterdir())
    if change == "touched":
        os.utime(coa[-1], ns=(coa[-1].stat().st_atime_ns, coa[-1].stat().st_mtime_ns + 10**9))
    elif change == "removed":
        coa[-1].unlink()
    elif change == "added":
        shutil.copy(raw / "besluiten" / "toezichtsbesluiten.toml", raw / "notitie.txt")
    elif change == "table replaced":
        ingest_register(raw, processed)
    elif change == "table removed":
        (processed / "taakstelling.parquet").unlink()
    elif change == "opnieuw":
        args.append("--opnieuw")
    else:
        monkeypatch.setattr("analysis.ingest.vingerafdruk.programma", lambda: "een ander")
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Niets gewijzigd" not in out and out.startswith("Ingelezen: "), out


def test_an_unchanged_computation_is_reused_and_a_changed_one_done_again(raw, tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 0
    bereken = ["bereken", "--processed", str(processed), "--datum", SAMPLE_DATUM]
    assert main(bereken) == 0
    before = stamps(processed)
    code, out, err, heavy = in_a_process(bereken)
    assert (code, err, heavy) == (0, "", [])
    assert out.startswith("Niets gewijzigd: de berekening van ")
    assert "met kader Drenthe en kennisdatum 19 november 2024 geldt nog" in out
    assert stamps(processed) == before
    # another date of knowledge, another kader file, or --opnieuw: computed again
    kader = tmp_path / "drenthe.toml"
    kader.write_bytes(kader_path("drenthe").read_bytes() + b"\n# een kopie\n")
    for other in (["--datum", "2025-01-02"], ["--datum", SAMPLE_DATUM, "--kader", str(kader)],
                  ["--datum", SAMPLE_DATUM, "--opnieuw"]):
        capsys.readouterr()
        assert main(["bereken", "--processed", str(processed), *other]) == 0
        assert "Niets gewijzigd" not in capsys.readouterr().out
    # a table replaced by other means than an ingest: computed again
    assert main(bereken) == 0
    ingest_register(raw, processed)
    capsys.readouterr()
    assert main(bereken) == 0
    assert "Niets gewijzigd" not in capsys.readouterr().out
    # a new ingest removes the manifest: the computation is not reused
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed), "--opnieuw"]) == 0
    capsys.readouterr()
    assert main(bereken) == 0
    assert "Niets gewijzigd" not in capsys.readouterr().out


@pytest.mark.parametrize(("asked", "message"), [
    (["--periode", "2030-H1"], "--periode: geen gegevens voor 2030-H1 (beschikbaar: 2022-H1 t/m "
                               "2025-H1)"),  # as known on 19 November 2024
    (["--provincie", "Groningen"], "--provincie: geen gemeenten van Groningen in de gegevens"),
])
def test_after_a_run_a_period_or_province_outside_the_data_is_refused_early(
        sample_run, tmp_path, asked, message):
    """From the manifest alone: no table, report module or kernel is loaded, nothing written.
    On a copy: a run holds its processed folder alone, and other tests read the shared one."""
    processed = tmp_path / "processed"
    shutil.copytree(sample_run / "processed", processed)
    before = stamps(processed)
    code, out, err, heavy = in_a_process([
        "run", "--datum", SAMPLE_DATUM, "--raw", str(RAW_DIR), "--processed", str(processed),
        "--reports", str(tmp_path / "reports"), *asked])
    assert (code, out, err.strip()) == (2, "", message)
    assert [name for name in heavy if name != "pandas"] == []
    assert stamps(processed) == before


@pytest.mark.parametrize("command", [["excel"], ["brieven"], ["herkomst", "--gemeente", "Assen"]])
def test_a_product_for_a_period_outside_the_data_is_refused_before_loading_it(sample_run,
                                                                              command):
    code, _, err, heavy = in_a_process([
        *command, "--periode", "2030-H1", "--processed", str(sample_run / "processed"),
        *(["--reports", str(sample_run / "reports")] if command[0] != "herkomst" else [])])
    assert code == 2 and "geen gegevens voor 2030-H1" in err
    assert [name for name in heavy if name != "pandas"] == []


def test_a_refused_period_starts_no_report_work_when_everything_is_read_afresh(
        tmp_path, monkeypatch, capsys):
    """With --opnieuw the run reads and computes, and still refuses before any kernel."""
    def no_kernels(*_args, **_kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr("analysis.pipeline.run.worker_pool", no_kernels)
    code = main(["run", "--periode", SAMPLE_PERIODE.replace("2024", "2030"), "--opnieuw",
                 "--processed", str(tmp_path / "processed"), "--reports",
                 str(tmp_path / "reports")])
    assert code == 2
    assert "geen gegevens voor 2030-H1" in capsys.readouterr().err
    assert not (tmp_path / "processed").exists() and not (tmp_path / "reports" / "2030-H1").exists()
