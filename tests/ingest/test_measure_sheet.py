"""Measuring a sheet's XML reads cells the way calamine does: by their local name, whatever
their prefix, and any reference of letters and digits; a cell the measure read otherwise could
make calamine allocate far more than was measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.test_hostile_workbooks import unread_refusal, write_xlsx

pytestmark = pytest.mark.hostile

FAR = ("blad heeft een cel in XFD1048576; daarmee beslaat het blad 1.048.576 rijen × 16.384 "
       "kolommen = 17.179.869.184 cellen; verwacht hoogstens 20.000.000 cellen; verwijder losse "
       "cellen buiten de tabel; niet gelezen")


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
@pytest.mark.parametrize("cells", [
    pytest.param('<y:c xmlns:y="urn:iets" r="XFD1048576"><y:v>1</y:v></y:c>', id="prefix"),
    pytest.param('<c r="XFD1048576"><x:v xmlns:x="urn:iets">1</x:v></c>', id="value-prefix"),
    pytest.param('<c r="xfd1048576"><v>1</v></c>', id="lower-case"),
    pytest.param('<c r="XFD01048576"><v>1</v></c>', id="leading-zero"),
])
def test_a_far_cell_in_any_form_calamine_reads_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, cells: str) -> None:
    """calamine reads a cell by its local name, whatever its prefix, and any reference of
    letters and digits; so does the measure (expat alone read <y:c> as no cell)."""
    rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{cells}</row>'
    path = write_xlsx(tmp_path / "ver.xlsx", {"Blad1": rows})
    error = unread_refusal(path, monkeypatch, engine)
    assert (error.problem.blad, error.problem.melding) == ("Blad1", FAR)


def test_a_reference_of_four_letters_is_the_column_calamine_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2000"><c r="AAAA2000"><v>1</v></c></row>'
    error = unread_refusal(write_xlsx(tmp_path / "breed.xlsx", {"Blad1": rows}), monkeypatch)
    assert error.problem.melding.startswith("blad heeft een cel in AAAA2000; daarmee beslaat het "
                                            "blad 2.000 rijen × 18.279 kolommen")
