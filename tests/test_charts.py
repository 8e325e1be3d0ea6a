"""Every chart renders a non-empty PNG from hand-built tables."""

import io

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from analysis.compute.beoordeling import beoordeel
from analysis.compute.kader import load_kader
from analysis.compute.roll_forward import rollforward
from analysis.ingest.register import load_register
from analysis.report import charts

CODES = ["GM1690", "GM1699", "GM0106"]
NAMES = {"GM1690": "De Wolden", "GM1699": "Noordenveld", "GM0106": "Assen"}


@pytest.fixture(scope="module")
def stand():
    periods = ["2023-H2", "2024-H1", "2024-H2"]
    flows = pd.DataFrame([{"gemeente_code": c, "periode": p, "taakstelling": 20 + i,
                           "realisatie": 15 + 5 * i} for i, c in enumerate(CODES)
                          for p in periods])
    opening = pd.DataFrame({"gemeente_code": CODES, "periode": "2023-H2", "stand": [-10, 18, 0]})
    frame = rollforward(flows, opening)
    frame["gemeente_naam"] = frame["gemeente_code"].map(NAMES)
    return frame


def _png(figure) -> np.ndarray:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    assert buffer.tell() > 2_000
    buffer.seek(0)
    pixels = mpimg.imread(buffer)
    assert pixels.std() > 0.01, "the picture is blank"
    return pixels


def test_every_chart_renders(stand):
    one = stand[stand["gemeente_code"] == "GM1690"]
    months = pd.DataFrame({"maand": pd.to_datetime(["2024-07-01", "2024-08-01"]),
                           "realisatie": [3, 4]})
    assessed = beoordeel(stand, load_kader("drenthe"), load_register(None, []))
    inwoners = pd.Series({"GM1690": 24_500, "GM1699": 31_300, "GM0106": 69_100})
    for figure in [charts.stand_verloop(one, "De Wolden"),
                   charts.taakstelling_realisatie(one, "De Wolden"),
                   charts.tempo_verloop(months, 37, "2024-H2", "De Wolden"),
                   charts.heatmap(stand), charts.provincie_totaal(stand, "Drenthe"),
                   charts.ranking(stand, inwoners, "2024-H2"),
                   charts.tegels(assessed, "2024-H1", "Drenthe")]:
        _png(figure)


def test_achterstand_and_voorsprong_have_their_own_colours(stand):
    figure = charts.stand_verloop(stand[stand["gemeente_code"] == "GM1690"], "De Wolden")
    colours = {tuple(bar.get_facecolor()) for bar in figure.axes[0].patches}
    assert len(colours) == 1  # De Wolden is behind in every period
    totals = pd.DataFrame({"periode": ["2024-H1", "2024-H2"], "stand_eind": [-5, 5]})
    figure = charts.provincie_totaal(totals, "Drenthe")
    colours = [bar.get_facecolor()[:3] for bar in figure.axes[0].patches]
    assert colours[0] != colours[1]


def test_tiles_fall_back_to_a_grid_outside_the_known_layout():
    layout = charts.tile_layout(pd.Index(["GM0363", "GM0344", "GM0599", "GM0518", "GM0014"]))
    assert len(layout) == 5 and not layout.duplicated().any()


def test_the_reports_own_half_year_is_marked(stand):
    one = stand[stand["gemeente_code"] == "GM1690"]
    figure = charts.stand_verloop(one, "De Wolden", "2024-H1")
    widths = [bar.get_linewidth() for bar in figure.axes[0].patches]
    periods = sorted(one["periode"])
    assert [w > 1 for w in widths] == [p == "2024-H1" for p in periods]
    bold = [label.get_text() for label in figure.axes[0].get_xticklabels()
            if label.get_fontweight() == "bold"]
    assert bold == ["2024-H1"]
