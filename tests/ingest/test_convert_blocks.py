"""A table typed block by block (a large sheet read in blocks) is what typing it whole gives:
the same rows of the same types and the same problems in the same order, wherever the blocks
are cut, whatever the cells. Text of whole numbers beside empty cells ('12.0'), dates with and
without time, error values and every kind of cell are mixed at random over the blocks."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.cells import Foutwaarde
from analysis.ingest.convert import convert, convert_blocks
from analysis.ingest.extract import Layout, cut, cut_blocks
from analysis.ingest.specs import Column, Metadata, Spec
from tests.conftest import examples

SPEC = Spec(
    naam="proef", bron="tvs_personen", path=Path("proef.toml"), bestanden=("*",),
    bladen=("Export",), voettekst="^noot",
    kolommen=(Column("persoon_id", ("Registratienummer",), "tekst"),
              Column("huishouden", ("Huishouden",), "tekst", required=False),
              Column("telling", ("Telling",), "geheel", minimum=0),
              Column("datum", ("Datum",), "datum"),
              Column("nareiziger", ("Nareiziger",), "janee", required=False),
              Column("gemeente_code", ("Gemeentecode",), "gemeente")),
    kenmerken=(Metadata("peildatum", "Peildatum", "datum"),
               Metadata("versie", "Versie", "tekst", required=False)))
HEADER = ["Registratienummer", "Huishouden", "Telling", "Datum", "Nareiziger", "Gemeentecode"]

CELLS = st.one_of(
    st.none(), st.sampled_from(["", "  ", "noot: bron COA", "#N/A", "1.234", "-13", "Ja", "Nee",
                                "Assen", "GM0106", "V123", " V456 ", "12.0"]),
    st.integers(-5, 2_000), st.integers(10**15, 10**16),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 1)),
    st.sampled_from([12.0, 106.0, 1.5, float("inf")]), st.booleans(),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1)),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)).map(
        lambda d: dt.datetime(d.year, d.month, d.day)),
    st.sampled_from([Foutwaarde("#REF!"), Foutwaarde("formule zonder opgeslagen waarde")]),
)


@st.composite
def columns(draw: st.DrawFn, rows: int) -> list[list[object]]:
    """Per column its cells: mostly of one kind, as an export's columns are, now and then of
    any."""
    result = []
    for _ in HEADER:
        common = draw(CELLS)
        result.append([draw(CELLS) if draw(st.integers(0, 4)) == 0 else common
                       for _ in range(rows)])
    return result


class Blocks:
    """What ``cut_blocks`` asks of a book: the rows after the head, block by block."""

    def __init__(self, blocks: list[tuple[int, np.ndarray]]):
        self._blocks = blocks

    def blocks(self, sheet: str):
        yield from self._blocks


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), rows=st.integers(0, 40), header=st.integers(1, 3),
       metadata=st.sampled_from([None, dt.datetime(2024, 3, 1), "geen datum"]),
       versie=st.sampled_from([None, 2, "v3"]))
def test_typed_in_blocks_equals_typed_whole(data: st.DataObject, rows: int, header: int,
                                            metadata: object, versie: object) -> None:
    cells = data.draw(columns(rows))
    width = len(HEADER) + 1
    grid = np.full((header + 1 + rows, width), None, dtype=object)
    if metadata is not None:
        grid[0, :2] = ["Peildatum", metadata]
    if versie is not None:
        grid[header - 1, 3:5] = ["Versie", versie]
    grid[header, 1:] = HEADER  # column A empty: a footer note there is told by its first cell
    for position, values in enumerate(cells, start=1):
        grid[header + 1:, position] = values
    positions = {column.name: number for number, column in enumerate(SPEC.kolommen, start=1)}
    whole = Layout("Export", pd.DataFrame(grid), header, positions)
    [expected], expected_frame = convert([cut(SPEC, whole, "proef.xlsx", "hash")])

    head = data.draw(st.integers(header + 1, len(grid)))
    cuts = sorted(data.draw(st.sets(st.integers(head, len(grid)), max_size=6)) | {head, len(grid)})
    rest = [(start, grid[start:end]) for start, end in itertools.pairwise(cuts)]
    layout = Layout("Export", pd.DataFrame(grid[:head]), header, positions, in_blocks=True)
    got = convert_blocks(cut_blocks(SPEC, layout, "proef.xlsx", "hash", Blocks(rest)))

    assert got.problems == expected.problems
    assert got.rows == expected.rows
    assert got.frame.dtypes.equals(expected_frame.dtypes)
    assert got.frame.equals(expected_frame)
