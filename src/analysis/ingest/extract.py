"""Find one file's table by its spec and cut it out of its sheet, its cells still raw.

The header row is found by its labels, metadata above it by theirs. Below the header every row
is kept with its raw cells in the spec's columns, whether it is blank there and its first filled
cell (by which a totals row or a footer note is told). Typing the cells, and every problem with
them, is :mod:`analysis.ingest.convert`'s work, for many files of one spec at once.

A large sheet (``Book.large``) is located in its first blocks of rows and cut block by block
(:func:`cut_blocks`), unless its spec checks totals rows against the sum of all rows, or its
first blocks hold nothing: it is then read whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import PROJECT_DIR
from analysis.ingest import cells
from analysis.ingest.blokken import ReadWholeError
from analysis.ingest.convert import Extracted, Table, convert
from analysis.ingest.specs import Spec, label_pattern, normalise_label
from analysis.ingest.spreadsheet import Book
from analysis.problems import Problem, column_letter

__all__ = ["HEADER_SEARCH_ROWS", "Extracted", "Layout", "cut", "cut_blocks", "extract",
           "locate_layout"]

HEADER_SEARCH_ROWS = 50


@dataclass(frozen=True)
class Layout:
    sheet: str
    grid: pd.DataFrame
    header_row: int
    positions: dict[str, int]
    hidden: bool = False  # the sheet is hidden in the workbook (no visible one fits)
    in_blocks: bool = False  # ``grid`` holds the sheet's first blocks; the rest is to be read


def _texts(row: list[object]) -> list[tuple[int, str]]:
    """The filled-in cells of a row, by position, each normalised for matching once."""
    return [(position, normalise_label(value)) for position, value in enumerate(row)
            if value is not None]


def _locate(spec: Spec, grid: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """The header row (0-based) with the most matching labels, and where each column sits."""
    patterns = [(column.name, label_pattern(column.labels)) for column in spec.kolommen]
    best_row, best = -1, {}
    for row, cells_in_row in enumerate(grid.iloc[:HEADER_SEARCH_ROWS].to_numpy().tolist()):
        texts = _texts(cells_in_row)
        found: dict[str, int] = {}
        for name, pattern in patterns:
            for position, text in texts:
                if position not in found.values() and pattern.match(text):
                    found[name] = position
                    break
        if len(found) > len(best):
            best_row, best = row, found
            if len(best) == len(patterns):  # no later row can match more
                break
    return best_row, best


def _empty(grid: pd.DataFrame) -> bool:
    """Whether no cell of the sheet is filled: the rows of the header search cell by cell (the
    first filled cell ends it), the rest at once."""
    values = grid.to_numpy()
    return grid.empty or not (any(map(_filled, values[:HEADER_SEARCH_ROWS].flat))
                              or cells.filled(values[HEADER_SEARCH_ROWS:]).any())


def _filled(value: object) -> bool:
    """:func:`cells.is_filled` of one cell."""
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and bool(pd.notna(value))


def _head(spec: Spec, book: Book, sheet: str) -> pd.DataFrame | None:
    """The first blocks of a large sheet, to be located in and cut block by block; None when
    it is to be read whole: its spec checks totals rows against all rows, its first blocks hold
    nothing, or its rows cannot be read in blocks."""
    if spec.totaal_som:
        return None
    try:
        head = book.head(sheet, HEADER_SEARCH_ROWS)
    except ReadWholeError:
        return None
    return None if _empty(head) else head


def locate_layout(spec: Spec, book: Book, whole: bool = False) -> Layout | list[Problem]:
    """Where ``spec``'s sheet, header and columns sit in the file, or why they cannot be found
    (``whole``: the sheet read whole, even when large)."""
    name, sheets = book.name, book.sheet_names
    # the spec's sheet names in its order of preference, a visible sheet before a hidden one
    present = sorted((sheet for wanted in spec.bladen for sheet in sheets
                      if sheet.lower() == wanted.lower()), key=lambda s: s in book.hidden)
    if not present:
        wanted = " of ".join(f"'{s}'" for s in spec.bladen)
        return [Problem(name, f"blad {wanted} ontbreekt; aanwezige bladen: "
                              f"{', '.join(repr(s) for s in sheets)}")]
    sheet = present[0]
    grid = _head(spec, book, sheet) if book.large(sheet) and not whole else None
    in_blocks = grid is not None
    if grid is None:
        grid = book.grid(sheet)
    if _empty(grid):
        return [Problem(name, "blad is leeg; verwacht een tabel met kolomkoppen", sheet)]
    header_row, positions = _locate(spec, grid)
    missing = [c for c in spec.kolommen if c.required and c.name not in positions]
    if missing:
        if header_row < 0:
            return [Problem(name, "koprij niet gevonden", sheet)]
        found = _headers(grid.iloc[header_row].tolist())
        return [
            Problem(name, f"kolom ontbreekt in de koprij; verwacht een kolom met kop "
                          f"{' of '.join(repr(label) for label in column.labels)}; gevonden "
                          f"koppen in rij {header_row + 1}: {found}; heet de kolom nu anders, "
                          f"voeg die kop dan toe aan de labels van {column.name} in "
                          f"{_shown(spec.path)}", sheet, header_row + 1)
            for column in missing
        ]
    return Layout(sheet, grid, header_row, positions, sheet in book.hidden, in_blocks)


def _headers(row: list[object], most: int = 25) -> str:
    """The filled cells of a header row as a message lists them: 'CBS-code', 'Gehuisvest'."""
    labels = [repr(str(value).strip()) for value in row if _filled(value)]
    more = f" en {len(labels) - most} andere" if len(labels) > most else ""
    return ", ".join(labels[:most]) + more


def _shown(path: Path) -> str:
    """A spec file as a message names it: from the project folder where it lies there."""
    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def _find_metadata(rows: list[list[tuple[int, object, str]]], label: str,
                   original: str) -> tuple[int, int, object] | None:
    """(row, column, value) of a metadata label among the filled cells of the rows above the
    header: the next filled cell after a cell that equals the label (the label's own column when
    none follows), or else the rest of a cell that starts with it ('Stand per 1 maart 2024')."""
    prefixed: tuple[int, int, object] | None = None
    for row_number, filled in enumerate(rows):
        for index, (position, value, text) in enumerate(filled):
            if text == label:
                return ((row_number, *filled[index + 1][:2]) if index + 1 < len(filled)
                        else (row_number, position, None))
            if prefixed is None and text.startswith((label + " ", label + ":")):
                prefixed = (row_number, position, str(value).strip()[len(original):].strip(" :"))
    return prefixed


def _metadata(spec: Spec, above: list[list[object]]) -> dict[str, tuple[int, int, object] | None]:
    """Where each of the spec's metadata labels was found above the header, with its value."""
    if not spec.kenmerken:
        return {}
    rows = [[(position, value, normalise_label(value)) for position, value in enumerate(row)
             if value is not None and pd.notna(value) and str(value).strip()] for row in above]
    return {item.name: _find_metadata(rows, normalise_label(item.label), item.label)
            for item in spec.kenmerken}


def cut(spec: Spec, layout: Layout, name: str, file_hash: str) -> Table:
    """The rows below a located header with their raw cells in the spec's columns (copies: the
    sheet's other columns go with its grid), and the metadata above it."""
    values = layout.grid.to_numpy()
    header = layout.header_row
    positions = layout.positions
    return _rows(spec, positions, values[header + 1:], Table(
        spec=spec, name=name, sheet=layout.sheet, file_hash=file_hash, hidden=layout.hidden,
        first_row=header + 1, blank=np.zeros(0, dtype=bool), first=None, filled={}, columns={},
        where={column: f"{column_letter(position)} ('{str(values[header, position]).strip()}')"
               for column, position in positions.items()},
        metadata=_metadata(spec, values[:header].tolist())))


def cut_blocks(spec: Spec, layout: Layout, name: str, file_hash: str,
               book: Book) -> Iterator[Table]:
    """The table of a sheet located in its first blocks (``layout.in_blocks``), a Table per
    block of rows: the first holds the rows below the header in the first blocks and the
    metadata above it; each next one, the rows of the next block. Raises ``ReadWholeError``
    where the sheet cannot be read in blocks (locate it ``whole`` then)."""
    head = cut(spec, layout, name, file_hash)
    yield head
    for first, values in book.blocks(layout.sheet):
        yield _rows(spec, layout.positions, values, dataclasses.replace(head, first_row=first))


def _rows(spec: Spec, positions: dict[str, int], body: np.ndarray, table: Table) -> Table:
    """``table`` with the rows ``body`` (raw cells, from ``table.first_row`` on) cut: per row
    whether it is blank in the spec's columns and its first filled cell, per column its cells
    and which are filled."""
    first = None
    if spec.voettekst or spec.totaalrij:  # a row is told by its first filled cell
        everywhere = cells.filled(body)
        first = np.where(everywhere.any(axis=1),
                         body[np.arange(len(body)), everywhere.argmax(axis=1)], None)
        filled = {column: everywhere[:, position] for column, position in positions.items()}
    else:
        filled = {column: cells.filled(body[:, position]) for column, position in positions.items()}
    blank = np.ones(len(body), dtype=bool)
    for mask in filled.values():
        blank &= ~mask
    columns = {column: body[:, position].copy() for column, position in positions.items()}
    return dataclasses.replace(table, blank=blank, first=first, filled=filled, columns=columns)


def extract(spec: Spec, layout: Layout, name: str, file_hash: str) -> Extracted:
    """Typed rows of a located layout, with provenance, or every problem found."""
    [result], frame = convert([cut(spec, layout, name, file_hash)])
    result.frame = frame
    return result
