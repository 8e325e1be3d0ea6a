"""The one path authority: every location derives from the package's own place on disk."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]

DATA_DIR = PROJECT_DIR / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_DIR / "reports"

SPECS_DIR = PACKAGE_DIR / "specs"
REFERENCE_DIR = PACKAGE_DIR / "reference"
