"""pyproject.toml is the single list of dependencies; environment.yml must mirror it."""

import re
import tomllib

import yaml

from analysis.config import PROJECT_DIR


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    environment = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    conda = {_name(d) for d in environment["dependencies"] if isinstance(d, str)}
    pip = [d for d in environment["dependencies"] if isinstance(d, dict)]
    assert conda - {"python", "pip"} == wanted
    assert pip == [{"pip": ["-e ."]}]
