"""The package outside the checkout: a regular (non-editable) install finds what it ships
(specs, kaders, reference tables, page templates) in itself, and the project's folders through
ANALYSIS_ROOT."""

import os
import shutil
import subprocess
import sys

import pytest

from analysis.config import PROJECT_DIR, RAW_DIR


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site-packages")
    source = tmp_path_factory.mktemp("bron") / "project"
    shutil.copytree(PROJECT_DIR, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "data", "reports", "*.egg-info", "__pycache__", "build"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(source)], check=True, capture_output=True)
    return target


def python(installed, root, *args, cwd):
    env = {**os.environ, "PYTHONPATH": str(installed), "ANALYSIS_ROOT": str(root)}
    return subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_an_installed_package_works_on_a_project_folder_anywhere(installed, tmp_path):
    project = tmp_path / "toezicht"
    shutil.copytree(RAW_DIR, project / "data" / "raw")
    shutil.copytree(PROJECT_DIR / "notebooks", project / "notebooks")
    where = python(installed, project, "-c",
                   "import analysis, analysis.config as c; print(analysis.__file__); "
                   "print(c.RAW_DIR, c.NOTEBOOKS_DIR, sep='\\n'); "
                   "print(*sorted(p.name for p in c.KADERS_DIR.glob('*.toml'))); "
                   "print((c.TEMPLATES_DIR / 'index.html.j2').is_file()); "
                   "from analysis.sample.groningen import SETTINGS; "
                   "print(sum(p.is_file() for p in SETTINGS.rglob('*')))", cwd=tmp_path)
    lines = where.stdout.splitlines()
    assert lines[0].startswith(str(installed)), where.stderr
    assert lines[1:3] == [str(project / "data" / "raw"), str(project / "notebooks")]
    assert lines[3:] == ["brabant.toml drenthe.toml flevoland.toml gelderland.toml groningen.toml "
                         "limburg.toml overijssel.toml utrecht.toml zuid-holland.toml", "True", "5"]
    for step in ("ingest", "bereken"):
        done = python(installed, project, "-m", "analysis", step, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    shown = python(installed, project, "-m", "analysis", "stand", "--gemeente", "De Wolden",
                   "--periode", "2024-H1", cwd=tmp_path)
    assert "Stand op 1 juli 2024: -13" in shown.stdout
    assert (project / "data" / "processed" / "manifest.json").is_file()
