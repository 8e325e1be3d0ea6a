"""The art. 29 Huisvestingswet 2014 formula, in exact integers."""

from __future__ import annotations

import numpy as np
import pandas as pd


def art29(landelijk_totaal: int, inwoners: pd.Series, inwoners_nederland: int) -> pd.Series:
    """Taakstelling per municipality: ceil(vg * iG / iN), computed as -(-vg*iG // iN) so that no
    float rounding can move a result across an integer."""
    product = np.asarray(inwoners, dtype=np.int64) * np.int64(landelijk_totaal)
    result = -(-product // np.int64(inwoners_nederland))
    return pd.Series(result, index=inwoners.index, name="taakstelling", dtype="int64")
