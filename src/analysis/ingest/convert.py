"""Type the cut tables of several files of one spec at once, collecting every problem.

Each converter runs once per column over the rows of all the files (a pandas operation costs
about as much on twelve rows as on a thousand), and each file's problems come out in the order
reading file by file gave them: its metadata, then per column in the spec's order its
unreadable cells, its empty required cells and its values below the minimum, then its totals
rows. Every cell that cannot be read becomes a :class:`Problem` naming file, sheet, row and
column; nothing stops at the first one. Totals rows are checked against the sum of the rows and
dropped; footer notes and blank rows are skipped.

A large sheet read in blocks (``analysis.ingest.blokken``) is typed block by block
(:func:`convert_blocks`), to the same frame and the same problems in the same order as typed
whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from analysis.ingest import cells
from analysis.ingest.specs import Column, Spec
from analysis.problems import Problem, column_letter


@dataclass
class Table:
    """One file's table as cut from its sheet (:func:`analysis.ingest.extract.cut`), its cells
    still raw; 'rows' below are the rows below the header."""

    spec: Spec
    name: str
    sheet: str
    file_hash: str
    hidden: bool
    first_row: int  # the sheet row (0-based) of the first row below the header
    blank: np.ndarray  # per row: none of the spec's columns filled
    first: np.ndarray | None  # per row: its first filled cell; only for a totals or footer pattern
    columns: dict[str, np.ndarray]  # per located column: its raw cells
    filled: dict[str, np.ndarray]  # per located column: which cells are filled
    where: dict[str, str]  # per located column: how a message names it
    metadata: dict[str, tuple[int, int, object] | None]  # per kenmerk: (row, column, value)


@dataclass
class Extracted:
    """The typed rows of one file (in ``frame`` when typed alone), or the problems that prevent
    using it."""

    spec: Spec
    sheet: str | None
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    file_hash: str = ""
    waarschuwingen: list[Problem] = field(default_factory=list)
    rows: int = 0  # the number of its typed rows


class _Found:
    """Each file's problems in the order they are found, each with its stage: (0,) the metadata,
    (1, column, step) a column's unreadable (0), empty (1) and too small (2) cells, (2, column)
    the totals rows; by stage and row the problems of a file's blocks are put in its order."""

    def __init__(self, files: int):
        self.keyed: list[list[tuple[tuple[int, ...], Problem]]] = [[] for _ in range(files)]

    def add(self, file: int, stage: tuple[int, ...], problem: Problem) -> None:
        self.keyed[file].append(((*stage, problem.rij or 0) if stage[0] else stage, problem))

    def of(self, file: int) -> list[Problem]:
        return [problem for _, problem in self.keyed[file]]


@dataclass
class _Converted:
    """What :func:`_convert` gives: each file's result and problems, the typed rows, and each
    typed column's raw cells in the rows kept."""

    results: list[Extracted]
    found: _Found
    frame: pd.DataFrame
    raws: dict[str, np.ndarray]


def convert(tables: list[Table]) -> tuple[list[Extracted], pd.DataFrame]:
    """Each file's result, and the typed rows of all files (with provenance) in their order."""
    converted = _convert(tables)
    return converted.results, converted.frame


def convert_blocks(tables: Iterable[Table]) -> Extracted:
    """One file's result with its typed rows (``frame``), from its table cut in blocks of rows
    (in order; the first holds the metadata): as :func:`convert` gives it for the whole table.

    Every converter types a cell on its own, except for text (:func:`_converted`): a text column
    whose cells in a block are not all text, floats, booleans, error values or empty is typed
    again at the end, its cells of all such blocks together with one cell of each kind the other
    blocks hold (the kinds by which pandas infers the column's type), as typing the whole column
    at once would have it."""
    keyed: list[tuple[tuple[int, ...], Problem]] = []
    frames: list[pd.DataFrame] = []
    deferred: dict[str, list[np.ndarray | None]] = {}
    witnesses: dict[str, list[np.ndarray]] = {}
    first: Extracted | None = None
    for number, table in enumerate(tables):
        part = _convert([table])
        first = first or part.results[0]
        keyed.extend(item for item in part.found.keyed[0] if number == 0 or item[0][0] != 0)
        for column in table.spec.kolommen:
            raw = part.raws.get(column.name)
            if column.type != "tekst" or raw is None:
                continue
            simple = _text_alike(raw)
            deferred.setdefault(column.name, []).append(None if simple else raw)
            witnesses.setdefault(column.name, []).append(_witnesses(raw) if simple else raw[:0])
        frames.append(part.frame)
    assert first is not None, "a table has at least its first block"
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    ends = np.cumsum([len(part) for part in frames])
    for name, parts in deferred.items():
        if any(part is not None for part in parts):
            _retype_text(frame, name, parts, witnesses[name], ends)
    keyed.sort(key=lambda item: item[0])
    first.problems = [problem for _, problem in keyed]
    first.rows, first.frame = len(frame), frame
    return first


def _retype_text(frame: pd.DataFrame, name: str, parts: list[np.ndarray | None],
                 witnesses: list[np.ndarray], ends: np.ndarray) -> None:
    """Type a text column's cells again in the blocks whose ``parts`` (raw cells) are given,
    together with the other blocks' ``witnesses``; ``ends``: where each block's rows end."""
    raws = [part for part in parts if part is not None]
    count = sum(len(raw) for raw in raws)
    typed, _ = cells.to_text(pd.Series(_joined(raws + witnesses), dtype=object))
    positions = np.concatenate([np.arange(end - len(part), end)
                                for part, end in zip(parts, ends, strict=True)
                                if part is not None])
    values = frame[name].array.copy()
    values[positions] = typed.array[:count]
    frame[name] = values


def _text_alike(raw: np.ndarray) -> bool:
    """Whether a text column's cells are all of the kinds whose text does not depend on the
    other cells typed with them (text, floats, booleans, error values, empty)."""
    return bool(cells.instances(raw, (str, float, bool, cells.Foutwaarde, type(None))).all())


_TYPE = np.frompyfunc(type, 1, 1)


def _witnesses(raw: np.ndarray) -> np.ndarray:
    """One cell of each kind among ``raw`` that pandas tells apart when it infers the type of a
    column of them: by type, and a float by being whole (written as text), NaN, infinite or
    else. Text beside missing cells only is told by pandas' inference."""
    if raw.size and infer_dtype(raw, skipna=True) == "string":
        missing = pd.isna(raw)
        return np.concatenate([raw[np.flatnonzero(~missing)[:1]], _witnesses(raw[missing])])
    kinds, types = pd.factorize(_TYPE(raw))
    if float in types.tolist():
        floats = np.flatnonzero(kinds == types.tolist().index(float))
        numbers = raw[floats].astype(float)
        finite = np.isfinite(numbers)
        whole = finite & (numbers == np.floor(np.where(finite, numbers, 0)))
        kinds[floats] = np.select([whole, np.isnan(numbers), ~finite], [-1, -2, -3], -4)
    _, first = np.unique(kinds, return_index=True)
    return raw[np.sort(first)]


def _convert(tables: list[Table]) -> _Converted:
    """:func:`convert`, with each problem's stage and the raw cells of the rows kept."""
    spec = tables[0].spec
    counts = np.array([len(table.blank) for table in tables])
    files = np.repeat(np.arange(len(tables)), counts)
    rows = np.concatenate([np.arange(t.first_row, t.first_row + len(t.blank)) for t in tables])
    footer, total = _marked(spec, tables)
    blank = _joined([table.blank for table in tables])
    keep, totals = ~(blank | footer | total), total & ~blank
    problems = _Found(len(tables))
    metadata = _metadata(spec, tables, problems)
    files_kept, rows_kept = files[keep], rows[keep]
    columns = [column for column in spec.kolommen
               if any(column.name in table.columns for table in tables)]
    raws = [_raw(tables, column.name)[keep] for column in columns]
    filled = [_filled(tables, column.name)[keep] for column in columns]
    data: dict[str, object] = {}
    for index, (column, raw, converted) in enumerate(zip(columns, raws, _typed(
            [(column.type, raw, files_kept, known)
             for column, raw, known in zip(columns, raws, filled, strict=True)]), strict=True)):
        data[column.name] = _checked(column, raw, converted, tables, files_kept, rows_kept,
                                     problems, index)
    kept = np.bincount(files_kept, minlength=len(tables))
    for key, values in metadata.items():
        data[key] = _constant([pd.Timestamp(v) if isinstance(v, dt.date) else v for v in values],
                              kept)
    if spec.totaal_som:
        _check_totals(spec, tables, data, kept, totals, files[totals], rows[totals], problems)
    data["bron_bestand"] = _constant([table.name for table in tables], kept)
    data["bron_blad"] = _constant([table.sheet for table in tables], kept)
    data["bron_rij"] = (rows_kept + 1).astype("int64")
    data["bestand_hash"] = _constant([table.file_hash for table in tables], kept)
    results = [Extracted(spec=spec, sheet=table.sheet, problems=problems.of(file),
                         file_hash=table.file_hash, waarschuwingen=_hidden(table), rows=int(count))
               for file, (table, count) in enumerate(zip(tables, kept, strict=True))]
    return _Converted(results, problems,
                      pd.DataFrame(data, index=pd.RangeIndex(len(rows_kept)), copy=False),
                      {column.name: raw for column, raw in zip(columns, raws, strict=True)})


def _objects(values: list[object]) -> np.ndarray:
    """Cell values as a one-dimensional object array."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _raw(tables: list[Table], name: str) -> np.ndarray:
    """A column's raw cells in every file's rows (None where a file lacks the column)."""
    return _joined([table.columns.get(name, np.full(len(table.blank), None, dtype=object))
                    for table in tables])


def _filled(tables: list[Table], name: str) -> np.ndarray:
    """Which of a column's cells are filled in every file's rows (none where a file lacks the
    column)."""
    return _joined([table.filled.get(name, np.zeros(len(table.blank), dtype=bool))
                    for table in tables])


def _marked(spec: Spec, tables: list[Table]) -> tuple[np.ndarray, np.ndarray]:
    """Which rows are footer notes and which totals rows, told by their first filled cell."""
    none = np.zeros(sum(len(table.blank) for table in tables), dtype=bool)
    if not (spec.voettekst or spec.totaalrij):
        return none, none
    first = pd.Series(_joined([table.first for table in tables]), dtype=object)
    text = first.astype("string").str.strip().fillna("")

    def matching(pattern: str | None) -> np.ndarray:
        if not pattern:
            return none
        return text.str.contains(pattern, case=False, regex=True).to_numpy(dtype=bool)

    return matching(spec.voettekst), matching(spec.totaalrij)


def _hidden(table: Table) -> list[Problem]:
    if not table.hidden:
        return []
    return [Problem(table.name, "dit blad is verborgen in de werkmap en toch gelezen, omdat geen "
                                "zichtbaar blad de verwachte naam heeft; controleer of dit het "
                                "goede blad is", table.sheet)]


def _add(problems: _Found, stage: tuple[int, ...], tables: list[Table], files: np.ndarray,
         rows: np.ndarray, messages: list[str], where: str | list[str]) -> None:
    """A problem per (file, sheet row, message), appended to its file's problems."""
    for file, row, message in zip(files.tolist(), rows.tolist(), messages, strict=True):
        table = tables[file]
        kolom = where if isinstance(where, str) else where[file]
        problems.add(file, stage, Problem(table.name, message, table.sheet, row + 1, kolom))


def _checked(column: Column, raw: np.ndarray,
             converted: tuple[pd.Series, np.ndarray, np.ndarray], tables: list[Table],
             files: np.ndarray, rows: np.ndarray, problems: _Found, index: int) -> pd.Series:
    """A column typed (the ``index``-th), with a problem for every cell that cannot be read, is
    empty while required, or lies below the minimum."""
    typed, bad, filled = converted
    where = [table.where.get(column.name, "") for table in tables]
    stages = []
    if bad.any():
        stages.append((0, bad, cells.melding(pd.Series(raw[bad], dtype=object),
                                             column.type).tolist()))
    if column.required:
        message = f"lege cel; verwacht een waarde die {_expected_value(column.type)}"
        stages.append((1, ~filled, [message] * int((~filled).sum())))
    if column.minimum is not None:
        below = (typed.notna() & (typed < column.minimum)).to_numpy(dtype=bool)
        stages.append((2, below, [f"{value} is kleiner dan {column.minimum}; verwacht een getal "
                                  f"van minstens {column.minimum}"
                                  for value in typed[below].tolist()]))
    for step, mask, messages in stages:
        _add(problems, (1, index, step), tables, files[mask], rows[mask], messages, where)
    return typed


def _typed(jobs: list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]
           ) -> list[tuple[pd.Series, np.ndarray, np.ndarray]]:
    """Each job's raw cells (its kind, its cells, each cell's file, which cells are filled
    when known) typed by its kind's converter, with which cells could not be read and which are
    filled. A converter types each cell on its own, so the cells of all jobs of one kind go
    through one call (a pandas operation costs about as much on twelve cells as on a
    thousand); text is the exception (:func:`_converted`)."""
    groups: list[list[int]] = []
    kinds: dict[str, list[int]] = {}
    for index, (kind, *_) in enumerate(jobs):
        if kind == "tekst":
            groups.append([index])
        else:
            kinds.setdefault(kind, []).append(index)
    groups.extend(kinds.values())
    results: list[tuple[pd.Series, np.ndarray, np.ndarray]] = [None] * len(jobs)  # type: ignore
    for group in groups:
        values = _joined([jobs[index][1] for index in group])
        filled = _joined([cells.filled(raw) if known is None else known
                          for _, raw, _, known in (jobs[index] for index in group)])
        typed, bad = _converted(jobs[group[0]][0], pd.Series(values, dtype=object),
                                _joined([jobs[index][2] for index in group]), filled)
        bad = bad.to_numpy(dtype=bool)
        start = 0
        for index in group:
            end = start + len(jobs[index][1])
            results[index] = (pd.Series(typed.array[start:end]), bad[start:end],
                              filled[start:end])
            start = end
    return results


def _converted(kind: str, raw: pd.Series, files: np.ndarray,
               filled: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """The converter of ``kind`` over the cells of several files (``files``: each cell's), as
    a call per file gives it. Only to_text's result depends on the other cells of its call
    (pandas infers their type together: whole numbers beside an empty cell are written '12.0',
    dates without their time), so a text column holding other cells than text, floats and
    booleans is typed file by file."""
    if kind != "tekst" or _text_alike(raw.to_numpy()):
        return cells.CONVERTERS[kind](raw, filled)
    parts = [cells.to_text(raw[files == file]) for file in np.unique(files)]
    return pd.concat([typed for typed, _ in parts]), pd.concat([bad for _, bad in parts])


def _expected_value(kind: str) -> str:
    return cells.EXPECTED[kind].replace("is geen", "een").split(" (")[0] + " is"


def _scalar(typed: object) -> object:
    """One typed metadata value as a plain Python value (a date for a timestamp)."""
    if pd.isna(typed):
        return None
    if isinstance(typed, pd.Timestamp):
        return typed.date()
    return typed.item() if hasattr(typed, "item") else typed


def _metadata(spec: Spec, tables: list[Table], problems: _Found) -> dict[str, list[object]]:
    """Each file's value of each of the spec's metadata labels (None when not found or not
    readable), the values of all files typed at once."""
    found = {item.name: [table.metadata[item.name] for table in tables]
             for item in spec.kenmerken}
    at = {name: [file for file, cell in enumerate(cells_) if cell is not None]
          for name, cells_ in found.items()}
    jobs = {item.name: (item.type, _objects([found[item.name][file][2] for file in at[item.name]]),
                        np.array(at[item.name], dtype=int), None)
            for item in spec.kenmerken if at[item.name]}
    typed = dict(zip(jobs, _typed(list(jobs.values())), strict=True))
    values: dict[str, list[object]] = {}
    for item in spec.kenmerken:
        values[item.name] = [None] * len(tables)
        for file, table in enumerate(tables):
            if found[item.name][file] is None and item.required:
                problems.add(file, (0,), Problem(table.name, f"kenmerk '{item.label}' niet "
                                                             "gevonden boven de koprij",
                                                 table.sheet))
        if item.name not in typed:
            continue
        converted, bad, _ = typed[item.name]
        raw = pd.Series(jobs[item.name][1], dtype=object)
        messages = cells.melding(raw[bad], item.type, bij=item.label)
        for index, file in enumerate(at[item.name]):
            table, (row, position, value) = tables[file], found[item.name][file]
            where = f"{column_letter(position)} ('{item.label}')"
            here, readable = converted.iloc[index], not bad[index]
            if not readable:
                problems.add(file, (0,), Problem(table.name, messages.loc[index], table.sheet,
                                                 row + 1, where))
            elif pd.isna(here) and item.required:
                problems.add(file, (0,), Problem(
                    table.name, f"lege cel bij '{item.label}'; verwacht een waarde die "
                                f"{_expected_value(item.type)}", table.sheet, row + 1, where))
            values[item.name][file] = _scalar(here) if readable else None
            named = periode_in_name(table.name) if item.type == "periode" else None
            if named and readable and pd.notna(here) and here != named:
                problems.add(file, (0,), Problem(
                    table.name, f"de bestandsnaam noemt {named}, maar de cel bij '{item.label}' "
                                f"zegt {here} ('{value}'); herstel de cel of de bestandsnaam",
                    table.sheet, row + 1, where))
    return values


_PERIODE_IN_NAME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-_ ]?h([12])(?![0-9])", re.I)


def periode_in_name(name: str) -> str | None:
    """The half-year a file's name gives ('Bijlage_A_2024-H2.xlsx': 2024-H2), if one."""
    found = _PERIODE_IN_NAME.search(name.rsplit("/", 1)[-1])
    return f"{found.group(1)}-H{found.group(2)}" if found else None


_DTYPES: dict[tuple[type, object], object] = {}


def _dtype(value: object) -> object:
    """The dtype pandas gives a column set to ``value`` (it depends on the value's type only;
    and a timestamp's unit)."""
    kind = (type(value), getattr(value, "unit", None))
    if kind not in _DTYPES:
        frame = pd.DataFrame(index=pd.RangeIndex(1))
        frame["value"] = value
        _DTYPES[kind] = frame["value"].dtype
    return _DTYPES[kind]


def _constant(values: list[object], counts: np.ndarray) -> pd.Series:
    """Each file's one value on each of its rows, typed as pandas types a column set to that
    value in each file's own frame, the frames then concatenated."""
    dtypes = {_dtype(value) for value in values}
    if len(dtypes) == 1:
        distinct: dict[tuple[type, object, object], int] = {}
        codes = [distinct.setdefault((type(value), getattr(value, "unit", None), value),
                                     len(distinct)) for value in values]
        typed = pd.array([value for *_, value in distinct], dtype=dtypes.pop())
        return pd.Series(typed.take(np.repeat(codes, counts)))
    frames = []
    for value, count in zip(values, counts, strict=True):  # dtypes differ: pandas decides
        frame = pd.DataFrame(index=pd.RangeIndex(count))
        frame["value"] = value
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)["value"]


def _check_totals(spec: Spec, tables: list[Table], data: dict[str, object], kept: np.ndarray,
                  totals: np.ndarray, files: np.ndarray, rows: np.ndarray,
                  problems: _Found) -> None:
    """Each totals row (``totals`` among the rows below the headers; ``files`` and ``rows``
    where each lies) must equal the sum of its file's typed rows for the spec's sum columns."""
    where = {column: [table.where[column] for table in tables] for column in spec.totaal_som}
    raws = [_raw(tables, column)[totals] for column in spec.totaal_som]
    ends = np.cumsum(kept)
    for number, (column, raw, (stated, bad, _)) in enumerate(zip(spec.totaal_som, raws, _typed(
            [("geheel", raw, files, None) for raw in raws]), strict=True)):
        unreadable = cells.melding(pd.Series(raw[bad], dtype=object), "geheel").tolist()
        nth_bad = np.cumsum(bad) - 1
        numbers = np.concatenate([[0], np.cumsum(data[column].to_numpy(dtype="int64",
                                                                        na_value=0))])
        expected = (numbers[ends] - numbers[ends - kept])[files]
        empty = stated.isna().to_numpy(dtype=bool)
        values = stated.to_numpy(dtype="int64", na_value=0)
        for index in np.flatnonzero(bad | empty | (values != expected)):
            if bad[index]:
                shown = unreadable[nth_bad[index]]
                message = f"totaal {shown}" if shown.startswith("'") else f"totaalrij: {shown}"
            elif empty[index]:
                message = f"totaal '{raw[index]}' is geen geheel getal"
            else:
                message = (f"totaalrij {values[index]} klopt niet met de som van de rijen "
                           f"({expected[index]})")
            _add(problems, (2, number), tables, files[index:index + 1], rows[index:index + 1],
                 [message], where[column])
