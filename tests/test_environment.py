"""pyproject.toml is the single list of dependencies; environment.yml must mirror it, names and
version bounds alike."""

import re
import tomllib

import yaml
from packaging.specifiers import SpecifierSet

from analysis.config import PROJECT_DIR


def _split(requirement: str) -> tuple[str, SpecifierSet]:
    """The package's name and its version bounds, from ``name>=1.2,<1.3`` (pip or conda)."""
    name, bounds = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement.strip()).groups()
    return name.lower(), SpecifierSet(bounds.replace(" ", ""))


def _pyproject() -> dict[str, SpecifierSet]:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"],
              *(r for extra in project["optional-dependencies"].values() for r in extra)]
    return dict(_split(r) for r in wanted)


# Packages that conda-forge names otherwise than PyPI: conda's name -> PyPI's.
PYPI_NAMES = {"python-isal": "isal"}


def _environment() -> tuple[dict[str, SpecifierSet], list]:
    environment = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    conda = dict(_split(d) for d in environment["dependencies"] if isinstance(d, str))
    conda = {PYPI_NAMES.get(name, name): bounds for name, bounds in conda.items()}
    pip = [d for d in environment["dependencies"] if isinstance(d, dict)]
    return {name: bounds for name, bounds in conda.items() if name not in {"python", "pip"}}, pip


def test_environment_yml_mirrors_pyproject():
    conda, pip = _environment()
    assert set(conda) == set(_pyproject())
    assert pip == [{"pip": ["-e ."]}]


def test_environment_yml_has_the_same_version_bounds():
    """An upper bound (the pins on what report/notebooks.py uses internally) in one file and
    not the other would let conda install what pip refuses, or the other way round."""
    wanted, (conda, _) = _pyproject(), _environment()
    differing = {name: (str(wanted[name]), str(conda[name]))
                 for name in wanted.keys() & conda.keys() if wanted[name] != conda[name]}
    assert differing == {}, "pyproject.toml and environment.yml differ: " + ", ".join(
        f"{name} {ours} against {theirs}" for name, (ours, theirs) in sorted(differing.items()))
