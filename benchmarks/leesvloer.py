"""The reading floor of an ingest: the same sheets' cells read with python-calamine into
DataFrames and written as Parquet, with no validation.

``python benchmarks/leesvloer.py RAW PROCESSED OUT``: reads every sheet the ingest into
PROCESSED read (its inventory, ``bestanden.parquet``; the map boundaries excepted), each from its
header row (the row among the first 50 with the most filled cells), and writes one Parquet file
per sheet into OUT. A column whose cells Arrow cannot take as one type is written as text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook


def header_row(rows: list[list[object]]) -> int:
    """The index of the row among the first 50 with the most filled cells."""
    counts = [sum(value not in (None, "") for value in row) for row in rows[:50]]
    return counts.index(max(counts)) if counts else 0


def column(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values.map(lambda value: None if value is None else str(value)))


def main(raw: Path, processed: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    read = pd.read_parquet(processed / "bestanden.parquet")
    read = read[~read["bron"].eq("grenzen")]
    for number, (name, sheet) in enumerate(zip(read["bron_bestand"], read["blad"], strict=True)):
        rows = CalamineWorkbook.from_path(str(raw / name)).get_sheet_by_name(sheet).to_python()
        header = header_row(rows)
        frame = pd.DataFrame(rows[header + 1:], dtype=object)
        del rows
        table = pa.table({f"k{index}": column(frame[index]) for index in frame.columns})
        pq.write_table(table, out / f"{number}.parquet")


if __name__ == "__main__":
    main(*(Path(argument) for argument in sys.argv[1:4]))
