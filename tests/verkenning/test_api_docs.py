"""The reference page of the exploration API is what ``docs/api/maak.py`` writes from the
docstrings: a docstring or signature changed without ``make docs`` fails here."""

import dataclasses
import inspect
import runpy

from analysis.config import PROJECT_DIR
from analysis.verkenning import Uitkomst, Verkenning

MAKER = PROJECT_DIR / "docs" / "api" / "maak.py"
PAGE = PROJECT_DIR / "docs" / "api" / "verkenning.md"


def test_the_committed_reference_is_what_the_docstrings_say():
    made = runpy.run_path(str(MAKER))["pagina"]()
    assert PAGE.read_text(encoding="utf-8") == made, (
        "docs/api/verkenning.md is not what the docstrings say: run 'make docs'")


def test_the_reference_has_every_public_method_with_its_signature():
    page = PAGE.read_text(encoding="utf-8")
    for cls in (Verkenning, Uitkomst):
        fields = {field.name for field in dataclasses.fields(cls)}
        for name, member in vars(cls).items():
            if inspect.isfunction(member) and not name.startswith("_") and name not in fields:
                assert f"#### `{cls.__name__}.{name}(" in page, name
    assert ("#### `Verkenning.gemeente(gemeente: str, periode: str | None = None) -> Uitkomst`"
            in page)
