"""Turn one sheet of one file into a typed frame, following its spec, collecting every problem.

The header row is found by its labels, metadata above it by theirs; totals rows are checked
against the sum of the rows and dropped; footer notes and blank rows are skipped. Every cell that
cannot be read becomes a :class:`Problem` naming file, sheet, row and column; nothing stops at the
first one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.ingest import cells
from analysis.ingest.specs import Spec, label_matches, normalise_label
from analysis.ingest.spreadsheet import Book
from analysis.problems import Problem, column_letter

HEADER_SEARCH_ROWS = 50
PROVENANCE = ["bron_bestand", "bron_blad", "bron_rij", "bestand_hash"]


@dataclass
class Extracted:
    """The typed rows of one file, or the problems that prevent using it."""

    spec: Spec
    sheet: str | None
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    file_hash: str = ""
    waarschuwingen: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    sheet: str
    grid: pd.DataFrame
    header_row: int
    positions: dict[str, int]
    hidden: bool = False  # the sheet is hidden in the workbook (no visible one fits)


def _first_text(body: pd.DataFrame, filled: pd.DataFrame) -> pd.Series:
    """The first filled cell of every row, as text ('' for an empty row)."""
    first = body.where(filled).bfill(axis=1).iloc[:, 0]
    return first.astype("string").str.strip().fillna("")


def _locate(spec: Spec, grid: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """The header row (0-based) with the most matching labels, and where each column sits."""
    best_row, best = -1, {}
    for row in range(min(len(grid), HEADER_SEARCH_ROWS)):
        cells_in_row = grid.iloc[row]
        found: dict[str, int] = {}
        for column in spec.kolommen:
            for position, value in cells_in_row.items():
                if position not in found.values() and label_matches(value, column.labels):
                    found[column.name] = int(position)
                    break
        if len(found) > len(best):
            best_row, best = row, found
    return best_row, best


def locate_layout(spec: Spec, book: Book) -> Layout | list[Problem]:
    """Where ``spec``'s sheet, header and columns sit in the file, or why they cannot be found."""
    name, sheets = book.name, book.sheet_names
    # the spec's sheet names in its order of preference, a visible sheet before a hidden one
    present = sorted((sheet for wanted in spec.bladen for sheet in sheets
                      if sheet.lower() == wanted.lower()), key=lambda s: s in book.hidden)
    if not present:
        wanted = " of ".join(f"'{s}'" for s in spec.bladen)
        return [Problem(name, f"blad {wanted} ontbreekt; aanwezige bladen: "
                              f"{', '.join(repr(s) for s in sheets)}")]
    sheet = present[0]
    grid = book.grid(sheet)
    if grid.empty or not cells.is_filled(grid.stack(future_stack=True)).any():
        return [Problem(name, "blad is leeg; verwacht een tabel met kolomkoppen", sheet)]
    header_row, positions = _locate(spec, grid)
    missing = [c for c in spec.kolommen if c.required and c.name not in positions]
    if missing:
        if header_row < 0:
            return [Problem(name, "koprij niet gevonden", sheet)]
        return [
            Problem(name, f"kolom ontbreekt in de koprij; verwacht een kolom met kop "
                          f"{' of '.join(repr(label) for label in column.labels)}",
                    sheet, header_row + 1)
            for column in missing
        ]
    return Layout(sheet, grid, header_row, positions, sheet in book.hidden)


def _find_metadata(above: pd.DataFrame, label: str,
                   original: str) -> tuple[int, int, object] | None:
    """(row, column, value) of a metadata label: the next filled cell after a cell that equals
    the label (the label's own column when none follows), or else the rest of a cell that
    starts with it ('Stand per 1 maart 2024')."""
    prefixed: tuple[int, int, object] | None = None
    for row_number, row in above.iterrows():
        filled = [(int(position), value) for position, value in row.items()
                  if pd.notna(value) and str(value).strip()]
        for index, (position, value) in enumerate(filled):
            text = normalise_label(value)
            if text == label:
                return ((int(row_number), *filled[index + 1]) if index + 1 < len(filled)
                        else (int(row_number), position, None))
            if prefixed is None and text.startswith((label + " ", label + ":")):
                prefixed = (int(row_number), position,
                            str(value).strip()[len(original):].strip(" :"))
    return prefixed


def _metadata(spec: Spec, layout: Layout, name: str) -> tuple[dict[str, object], list[Problem]]:
    """Values of the spec's metadata labels, searched above the header row."""
    above = layout.grid.iloc[: layout.header_row]
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for item in spec.kenmerken:
        found = _find_metadata(above, normalise_label(item.label), item.label)
        if found is None:  # the column stays, empty: later steps read every one of them
            values[item.name] = None
            if item.required:
                problems.append(Problem(name, f"kenmerk '{item.label}' niet gevonden boven de "
                                              "koprij", layout.sheet))
            continue
        row, position, value = found
        raw = pd.Series([value], dtype=object)
        typed, bad = cells.CONVERTERS[item.type](raw)
        where = f"{column_letter(position)} ('{item.label}')"
        if bad.iloc[0]:
            problems.append(Problem(name, cells.melding(raw, item.type, bij=item.label).iloc[0],
                                    layout.sheet, row + 1, where))
        elif pd.isna(typed.iloc[0]) and item.required:
            problems.append(Problem(name, f"lege cel bij '{item.label}'; verwacht een waarde "
                                          f"die {_expected_value(item.type)}", layout.sheet,
                                    row + 1, where))
        values[item.name] = cells.scalar(value, item.type)
        named = periode_in_name(name) if item.type == "periode" else None
        if named and not bad.iloc[0] and pd.notna(typed.iloc[0]) and typed.iloc[0] != named:
            problems.append(Problem(name, f"de bestandsnaam noemt {named}, maar de cel bij "
                                          f"'{item.label}' zegt {typed.iloc[0]} ('{value}'); "
                                          "herstel de cel of de bestandsnaam", layout.sheet,
                                    row + 1, where))
    return values, problems


_PERIODE_IN_NAME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-_ ]?h([12])(?![0-9])", re.I)


def periode_in_name(name: str) -> str | None:
    """The half-year a file's name gives ('Bijlage_A_2024-H2.xlsx': 2024-H2), if one."""
    found = _PERIODE_IN_NAME.search(name.rsplit("/", 1)[-1])
    return f"{found.group(1)}-H{found.group(2)}" if found else None


def extract(spec: Spec, layout: Layout, name: str, file_hash: str) -> Extracted:
    """Typed rows of a located layout, with provenance, or every problem found."""
    result = Extracted(spec=spec, sheet=layout.sheet, file_hash=file_hash)
    metadata, result.problems = _metadata(spec, layout, name)
    if layout.hidden:
        result.waarschuwingen.append(Problem(
            name, "dit blad is verborgen in de werkmap en toch gelezen, omdat geen zichtbaar blad "
                  "de verwachte naam heeft; controleer of dit het goede blad is", layout.sheet))
    body = layout.grid.iloc[layout.header_row + 1:]
    positions = layout.positions
    filled = pd.DataFrame({c: cells.is_filled(body[c]) for c in body.columns}, index=body.index)
    first_text = _first_text(body, filled)
    blank = ~filled[list(positions.values())].any(axis=1)
    is_footer = (first_text.str.contains(spec.voettekst, case=False, regex=True)
                 if spec.voettekst else False)
    is_total = (first_text.str.contains(spec.totaalrij, case=False, regex=True)
                if spec.totaalrij else False)
    rows = body[~(blank | is_footer | is_total)]
    totals = body[is_total & ~blank] if spec.totaalrij else body.iloc[0:0]

    frame = pd.DataFrame(index=rows.index)
    header = layout.grid.iloc[layout.header_row]
    for column in spec.kolommen:
        if column.name not in positions:
            continue
        position = positions[column.name]
        where = f"{column_letter(position)} ('{str(header[position]).strip()}')"
        raw = rows[position]
        typed, bad = cells.CONVERTERS[column.type](raw)
        for row_index, message in cells.melding(raw[bad], column.type).items():
            result.problems.append(Problem(name, message, layout.sheet, int(row_index) + 1,
                                           where))
        if column.required:
            empty = ~cells.is_filled(raw)
            for row_index in raw.index[empty.to_numpy()]:
                result.problems.append(Problem(
                    name, f"lege cel; verwacht een waarde die {_expected_value(column.type)}",
                    layout.sheet, int(row_index) + 1, where))
        if column.minimum is not None:
            below = typed.notna() & (typed < column.minimum)
            for row_index in raw.index[below.to_numpy()]:
                result.problems.append(Problem(
                    name, f"{typed[row_index]} is kleiner dan {column.minimum}; verwacht een "
                          f"getal van minstens {column.minimum}", layout.sheet,
                    int(row_index) + 1, where))
        frame[column.name] = typed
    for key, value in metadata.items():
        frame[key] = pd.Timestamp(value) if isinstance(value, dt.date) else value
    result.problems.extend(_check_totals(spec, frame, totals, positions, header, layout.sheet,
                                         name))
    frame["bron_bestand"] = name
    frame["bron_blad"] = layout.sheet
    frame["bron_rij"] = (rows.index.to_numpy() + 1).astype("int64")
    frame["bestand_hash"] = file_hash
    result.frame = frame.reset_index(drop=True)
    return result


def _expected_value(kind: str) -> str:
    return cells.EXPECTED[kind].replace("is geen", "een").split(" (")[0] + " is"


def _check_totals(spec: Spec, frame: pd.DataFrame, totals: pd.DataFrame,
                  positions: dict[str, int], header: pd.Series, sheet: str,
                  name: str) -> list[Problem]:
    """Each totals row must equal the sum of the rows for the spec's sum columns."""
    problems = []
    for column in spec.totaal_som:
        position = positions[column]
        where = f"{column_letter(position)} ('{str(header[position]).strip()}')"
        stated, bad = cells.to_integer(totals[position])
        unreadable = cells.melding(totals[position][bad], "geheel")
        expected = int(frame[column].sum(skipna=True))
        for row_index in totals.index:
            if bad[row_index]:
                shown = unreadable[row_index]
                message = f"totaal {shown}" if shown.startswith("'") else f"totaalrij: {shown}"
            elif pd.isna(stated[row_index]):
                message = f"totaal '{totals.at[row_index, position]}' is geen geheel getal"
            elif int(stated[row_index]) != expected:
                message = (f"totaalrij {int(stated[row_index])} klopt niet met de som van de "
                           f"rijen ({expected})")
            else:
                continue
            problems.append(Problem(name, message, sheet, int(row_index) + 1, where))
    return problems
