"""Two questions every check of a cell or setting asks: is it empty, and are two the same."""

from __future__ import annotations

import pandas as pd


def missing(value: object) -> bool:
    """Whether a cell or setting holds nothing (None, NaN, NaT, <NA>)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def same(a: object, b: object) -> bool:
    """Whether two values are equal, two missing ones included."""
    return missing(a) == missing(b) and (missing(a) or bool(a == b))
