"""A result of the exploration: a tidy table with Dutch column names and plain numbers
(``data``), shown in a notebook the Dutch way (1.234; 105,3 %) with what it is and which
computation it comes from, its charts one call away (``grafiek``) and written to a formatted
workbook (``naar_excel``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.formatting import als_tekst
from analysis.report import toon
from analysis.report.toon import Grafiek
from analysis.verkenning.herkomst import Herkomst

GEEN_GRAFIEK = "Bij deze uitkomst hoort geen grafiek."
MARKERING = "font-weight: bold; background-color: #FFF2CC"  # the chosen half-year's row


class Grafieken(tuple):
    """The charts of a result, shown one below the other. Each is a chart of the report pages
    (:mod:`analysis.report.charts`): ``[0].figure`` is the first one's matplotlib figure,
    ``[0].alt`` its description."""

    def _repr_html_(self) -> str:
        return "".join(chart._repr_html_() for chart in self) or toon.alinea(GEEN_GRAFIEK).data

    def __repr__(self) -> str:
        return "\n".join(chart.alt for chart in self) or GEEN_GRAFIEK


def _geen_grafieken() -> list[Grafiek]:
    return []


@dataclass(frozen=True, repr=False)
class Uitkomst:
    """A table of the exploration with its title and origin. ``data`` keeps plain numbers
    (a percentage as the fraction 1.052632); the display and the workbook write them the
    Dutch way, the columns named in ``procenten`` as percentages. ``markering`` (such as
    ``("Scenario", why)``) is shown above the table, ``teken`` draws its charts and
    ``markeer`` picks the rows shown in bold."""

    titel: str
    data: pd.DataFrame
    herkomst: Herkomst
    procenten: tuple[str, ...] = ()  # columns holding fractions, shown as percentages
    markering: tuple[str, str] | None = None  # ("Scenario", why): shown above the table
    teken: Callable[[], list[Grafiek]] = field(default=_geen_grafieken)
    markeer: Callable[[pd.DataFrame], pd.Series] | None = None  # rows shown in bold

    def grafiek(self) -> Grafieken:
        """The charts of the result, drawn by the same functions as the report pages."""
        return Grafieken(self.teken())

    def naar_excel(self, path: str | Path) -> Path:
        """Write the table to the workbook ``path`` (.xlsx) atomically: a first line saying
        what it is and from which computation, Dutch headers, number formats. Returns the
        path."""
        from analysis.verkenning._excel import schrijf

        return schrijf(Path(path), self)

    @property
    def kopregel(self) -> str:
        """What the table is and which computation it comes from, in one line (the
        workbook's first)."""
        return f"{self.titel}. Uit de {self.herkomst.regel}."

    @property
    def melding(self) -> str | None:
        """The sentence that marks a scenario or forecast, led by its label ('Scenario. ...')
        unless it starts with that already; None for a computed result."""
        if self.markering is None:
            return None
        label, sentence = self.markering
        return sentence if sentence.lower().startswith(label.lower()) else f"{label}. {sentence}"

    @property
    def weergave(self) -> pd.DataFrame:
        """``data`` as text, the Dutch way: 1.234, -13, 105,3 %, 12,5, ja/nee."""
        decimals = {column: 1 for column in self.data.columns
                    if pd.api.types.is_float_dtype(self.data[column])}
        return als_tekst(self.data, procenten=self.procenten, decimalen=decimals)

    def _repr_html_(self) -> str:
        shown = self.weergave
        styler = toon.tabel(shown).hide(axis="index")
        figures = [column for column in self.data.columns
                   if pd.api.types.is_numeric_dtype(self.data[column])
                   and not pd.api.types.is_bool_dtype(self.data[column])]
        if figures:
            styler = styler.set_properties(subset=figures, **{"text-align": "right"})
        if self.markeer is not None:
            bold = self.markeer(self.data).to_numpy(bool)
            styler = styler.apply(lambda column: np.where(bold, MARKERING, ""))
        marked = toon.alinea(toon.vet(self.melding)) if self.melding else None
        other = self.herkomst.scenario
        heading = toon.samen(toon.kop(self.titel, niveau=3), marked,
                             toon.alinea(toon.vet(other)) if other else None,
                             toon.alinea(f"Uit de {self.herkomst.regel}."))
        return heading.data + styler.to_html()

    def __repr__(self) -> str:
        marked = [self.melding] if self.melding else []
        table = self.weergave.to_string(index=False) if len(self.data) else "(geen rijen)"
        return "\n".join([self.titel, *marked, f"Uit de {self.herkomst.regel}.", table])

    def __len__(self) -> int:
        return len(self.data)
