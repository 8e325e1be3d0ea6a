"""The one path authority: every location the program uses is derived here.

What ships with the package (layout specs, beoordelingskaders, reference tables, page templates)
is found from the package's own place on disk. The project's folders (data, notebooks, reports)
hang from the project root: the environment variable ``ANALYSIS_ROOT`` when set, so that an
installed (non-editable) package works on a project folder anywhere; otherwise the checkout this
package lives in.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_VARIABLE = "ANALYSIS_ROOT"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get(ROOT_VARIABLE) or PACKAGE_DIR.parents[1]).resolve()

DATA_DIR = PROJECT_DIR / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_DIR / "reports"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"

SPECS_DIR = PACKAGE_DIR / "ingest" / "specs"
KADERS_DIR = PACKAGE_DIR / "compute" / "kaders"
REFERENCE_DIR = PACKAGE_DIR / "domain" / "reference"
TEMPLATES_DIR = PACKAGE_DIR / "report" / "templates"


def kader_path(name: str | Path) -> Path:
    """The file of a beoordelingskader given by province name (``drenthe``: a shipped kader) or
    by path."""
    path = Path(name)
    if not path.suffix:
        path = KADERS_DIR / f"{str(name).strip().lower().replace(' ', '-')}.toml"
    return path
