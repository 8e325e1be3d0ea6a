"""The chooser: a municipality and a half-year picked from two lists, and under them that
municipality's table and charts, drawn again at every change. ipywidgets is imported only
here, so that everything else works without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.domain.periods import periode_tekst

if TYPE_CHECKING:
    import ipywidgets

    from analysis.verkenning.laden import Verkenning


def kiezer(verkenning: Verkenning, gemeente: str | None = None,
           periode: str | None = None) -> ipywidgets.VBox:
    """Two dropdowns (gemeente, halfjaar) above the output of
    ``verkenning.gemeente(gemeente, periode)`` and its charts; starting at ``gemeente`` (any
    spelling; default the first by name) and ``periode`` (default the latest complete)."""
    import ipywidgets as widgets

    stand = verkenning.berekening.table("stand")
    names = stand.drop_duplicates("gemeente_code").sort_values("gemeente_naam")
    choices = list(zip(names["gemeente_naam"].astype(str), names["gemeente_code"], strict=True))
    code = verkenning.kies_gemeente(gemeente) if gemeente else choices[0][1]
    chosen = verkenning.kies_periode(periode)
    municipality = widgets.Dropdown(options=choices, value=code, description="Gemeente")
    half_year = widgets.Dropdown(options=[(periode_tekst(p), p) for p in
                                          verkenning.herkomst.periodes],
                                 value=chosen, description="Halfjaar")
    output = widgets.Output()

    def draw(_change: object = None) -> None:
        result = verkenning.gemeente(municipality.value, half_year.value)
        output.outputs = ()
        output.append_display_data(result)
        output.append_display_data(result.grafiek())

    municipality.observe(draw, names="value")
    half_year.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([municipality, half_year]), output])
