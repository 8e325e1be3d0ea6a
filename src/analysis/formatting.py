"""Numbers as the letters write them: a thousands dot (12.000), a decimal comma, a percentage
with a space before its sign (88 %), a minus for an achterstand (-13), a plus where a change
is shown with its sign (+18), a date in a message as 19-11-2024, and a blank where a figure is
undefined. Every figure a user
reads (report pages, letters, terminal text, workbooks, messages about cells) passes through
here, so that the notation is decided in one place.

The module sits beneath every layer and does not import pandas: light modules (the cell
parsers, the measures) use it too. Only :func:`als_tekst`, which formats a whole frame, needs
pandas, and imports it when called."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _missing(waarde: object) -> bool:
    """None, NaN, ``pd.NA`` and ``pd.NaT`` are undefined. A NaN float is caught by the
    finiteness check of :func:`getal`; pandas' own markers can only exist once pandas is
    loaded, so it is asked only then."""
    if waarde is None:
        return True
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return False
    try:
        return bool(pandas.isna(waarde))
    except (TypeError, ValueError):
        return False


def getal(waarde: object, decimalen: int = 0, teken: bool = False) -> str:
    """``12000`` as ``12.000``, ``-13`` as ``-13``, ``6.25`` as ``6,3`` with one decimal; blank
    when undefined. A number that rounds to zero has no sign; with ``teken`` a positive number
    is written with a plus (``+18``). A whole number (int, numpy integer) is written exactly,
    without passing through a float."""
    if _missing(waarde):
        return ""
    if isinstance(waarde, numbers.Integral) and decimalen == 0:
        text = f"{int(waarde):,}"
    else:
        number = float(waarde)  # type: ignore[arg-type]
        if not math.isfinite(number):
            return ""
        text = f"{number:,.{decimalen}f}"
        if text.lstrip("-").strip("0.,") == "":
            text = text.lstrip("-")
    if teken and not text.startswith("-") and text.strip("0.,") != "":
        text = "+" + text
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def procent(fractie: object, decimalen: int = 0) -> str:
    """A fraction as a percentage the letters' way: ``0.88`` as ``88 %``, ``0.155`` with one
    decimal as ``15,5 %``; blank when undefined."""
    if _missing(fractie):
        return ""
    shown = getal(float(fractie) * 100, decimalen)  # type: ignore[arg-type]
    return f"{shown} %" if shown else ""


def opsomming(namen: Iterable[object]) -> str:
    """'Assen', 'Assen en Tynaarlo', 'Aa en Hunze, Assen en Tynaarlo': names as a sentence
    lists them ('' for none)."""
    values = [str(naam) for naam in namen]
    return " en ".join(filter(None, [", ".join(values[:-1]), *values[-1:]]))


def datum(dag: object) -> str:
    """A date as a message writes it: ``19-11-2024`` (a date, datetime or Timestamp); blank
    when undefined."""
    return "" if _missing(dag) else dag.strftime("%d-%m-%Y")  # type: ignore[attr-defined]


def als_tekst(frame: pd.DataFrame, procenten: Iterable[str] = (),
              decimalen: dict[str, int] | None = None) -> pd.DataFrame:
    """``frame`` for display: every numeric column written with :func:`getal`, the columns in
    ``procenten`` with :func:`procent`, dates as ``19-11-2024``, text left as it is (a bool
    as ja/nee)."""
    import pandas as pd

    shown = frame.copy()
    percent = set(procenten)
    decimals = decimalen or {}
    for column in shown.columns:
        values, places = shown[column], decimals.get(column, 0)
        if column in percent:
            shown[column] = values.map(lambda v, d=places: procent(v, d))
        elif pd.api.types.is_bool_dtype(values):
            shown[column] = values.map(lambda v: "" if _missing(v) else ("ja" if v else "nee"))
        elif pd.api.types.is_numeric_dtype(values):
            shown[column] = values.map(lambda v, d=places: getal(v, d))
        elif pd.api.types.is_datetime64_any_dtype(values):
            shown[column] = values.map(lambda v: "" if _missing(v) else v.strftime("%d-%m-%Y"))
        else:
            shown[column] = values.astype(object).map(lambda v: "" if _missing(v) else v)
    return shown
