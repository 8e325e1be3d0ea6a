"""Every chart renders a non-empty PNG from hand-built tables and shows as a figure whose alt
text says what it shows and its key figure, in a wide variant and a narrow one for a phone whose
text is legible; tables show with captions and header scopes."""

import base64
import io
import re
from html.parser import HTMLParser

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.compute.beoordeling import beoordeel
from analysis.compute.kader import load_kader
from analysis.compute.register import load_register
from analysis.compute.roll_forward import rollforward
from analysis.domain.periods import datum_tekst, periode_einde
from analysis.report import charts, toon

CODES = ["GM1690", "GM1699", "GM0106"]
NAMES = {"GM1690": "De Wolden", "GM1699": "Noordenveld", "GM0106": "Assen"}
PHONE = 345  # CSS px a chart is shown on a 390 px wide phone: the page's padding left and right
LEGIBLE = 11  # CSS px: the smallest text legible on a phone
NARROW = "(max-width: 40em)"
# The wide variant's size in inches (at 100 dpi), with the three municipalities of ``stand``.
WIDE = {"stand_verloop": (8, 4), "taakstelling_realisatie": (8, 4), "tempo_verloop": (7, 4),
        "heatmap": (9, 0.35 * 3 + 1.5), "provincie_totaal": (8, 4),
        "ranking": (7, 0.3 * 3 + 1.5), "tegels": (7, 6)}


def drawn_texts(figure: Figure) -> list[Text]:
    """Every text ``figure`` draws: visible, not empty, and no label of a tick outside its
    axis's limits or of axes switched off (matplotlib keeps those, undrawn)."""
    figure.draw_without_rendering()
    undrawn = set()
    for axes in figure.axes:
        for axis in axes.xaxis, axes.yaxis:
            low, high = sorted(axis.get_view_interval())
            margin = 1e-9 * (high - low)
            undrawn |= {id(label) for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                        if not (axes.axison and low - margin <= tick.get_loc() <= high + margin)
                        for label in (tick.label1, tick.label2)}
    return [text for text in figure.findobj(Text) if text.get_visible()
            and text.get_text().strip() and id(text) not in undrawn]


def smallest_text_shown(figure: Figure, shown: float = PHONE) -> float:
    """The smallest text ``figure`` draws in CSS px when its picture is shown at most ``shown``
    px wide (never enlarged)."""
    sizes = [text.get_fontsize() for text in drawn_texts(figure)]
    width = figure.get_figwidth() * figure.dpi
    return min(sizes) * figure.dpi / 72 * min(1.0, shown / width)


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


class Tags(HTMLParser):
    """Every start tag with its attributes, the text shown, and the style sheets."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def every_chart(stand):
    one = stand[stand["gemeente_code"] == "GM1690"]
    months = pd.DataFrame({"maand": pd.to_datetime(["2024-07-01", "2024-08-01"]),
                           "realisatie": [3, 4]})
    assessed = beoordeel(stand, load_kader("drenthe"), load_register(None, []))
    inwoners = pd.Series({"GM1690": 24_500, "GM1699": 31_300, "GM0106": 69_100})
    return {"stand_verloop": charts.stand_verloop(one, "De Wolden"),
            "taakstelling_realisatie": charts.taakstelling_realisatie(one, "De Wolden"),
            "tempo_verloop": charts.tempo_verloop(months, 37, "2024-H2", "De Wolden"),
            "heatmap": charts.heatmap(stand), "provincie_totaal": charts.provincie_totaal(
                stand, "Drenthe"), "ranking": charts.ranking(stand, inwoners, "2024-H2"),
            "tegels": charts.tegels(assessed, "2024-H1", "Drenthe")}


def _png(figure) -> np.ndarray:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    assert buffer.tell() > 2_000
    buffer.seek(0)
    pixels = mpimg.imread(buffer)
    assert pixels.std() > 0.01, "the picture is blank"
    return pixels


def test_every_chart_renders(every_chart):
    for chart in every_chart.values():
        _png(chart.figure)
        _png(chart.smal)


def _shown(address: str, attributes: dict, figure: Figure) -> None:
    """The picture at ``address`` is ``figure`` as drawn (not cropped; matplotlib leaves out a
    fraction of a pixel), its size stated."""
    data = address.removeprefix("data:image/png;base64,")
    height, width = mpimg.imread(io.BytesIO(base64.b64decode(data))).shape[:2]
    assert figure.get_size_inches() * figure.dpi == pytest.approx((width, height), abs=1)
    assert (attributes["width"], attributes["height"]) == (str(width), str(height))


def test_every_chart_shows_as_a_figure_with_its_alt_text(every_chart):
    for name, chart in every_chart.items():
        page = Tags(chart._repr_html_())
        assert [tag for tag, _ in page.tags] == ["figure", "picture", "source", "img"], name
        image, source = page.named("img")[0], page.named("source")[0]
        assert image["alt"] == chart.alt and len(chart.alt) > 60, name
        assert chart.alt.endswith(".") and "No description" not in chart.alt
        _shown(image["src"], image, chart.figure)
        assert source["media"] == NARROW and " " not in source["srcset"], name
        _shown(source["srcset"], source, chart.smal)


def test_the_wide_variant_keeps_its_size(every_chart):
    for name, chart in every_chart.items():
        assert tuple(chart.figure.get_size_inches()) == pytest.approx(WIDE[name]), name
        assert chart.figure.dpi == 100, name


def text_outside(figure: Figure) -> list[str]:
    """Every text ``figure`` draws that is not wholly on it (cut off by its edge)."""
    page = figure.bbox.padded(1)
    boxes = {text.get_text(): text.get_window_extent() for text in drawn_texts(figure)}
    return [text for text, box in boxes.items()
            if not (page.contains(*box.p0) and page.contains(*box.p1))]


def test_the_narrow_variant_is_legible_on_a_phone(every_chart):
    for name, chart in every_chart.items():
        assert chart.smal.get_figwidth() * chart.smal.dpi <= 2 * PHONE, name
        assert smallest_text_shown(chart.smal) >= LEGIBLE, name
        assert not text_outside(chart.smal), name


def _drawn_data(figure: Figure) -> tuple[list[str], list[tuple[float, float]]]:
    """The words of every title and text drawn in the chart's axes (numbers on bars and in
    cells, names on tiles), and the size of every bar or tile."""
    texts = [" ".join(text.get_text().split()) for axes in figure.axes
             for text in [axes.title, *axes.texts] if text.get_text()]
    bars = [(round(patch.get_width(), 6), round(patch.get_height(), 6))
            for axes in figure.axes for patch in axes.patches]
    return sorted(texts), sorted(bars)


def test_the_overviews_narrow_charts_fit_the_sample(computed):
    """With the sample's twelve municipalities: long names beside the heatmap and the bars."""
    from analysis.report import views

    overzicht = views.provincie("Drenthe", "2024-H1", computed)
    for chart in (charts.heatmap(overzicht.beoordeling, "2024-H1"),
                  charts.ranking(overzicht.beoordeling, overzicht.inwoners, "2024-H1"),
                  charts.provincie_totaal(overzicht.beoordeling, "Drenthe", "2024-H1"),
                  charts.tegels(overzicht.beoordeling, "2024-H1", "Drenthe")):
        assert smallest_text_shown(chart.smal) >= LEGIBLE, chart.alt
        assert not text_outside(chart.smal), chart.alt


def test_the_narrow_variant_shows_the_same_data(every_chart):
    for name, chart in every_chart.items():
        assert _drawn_data(chart.smal) == _drawn_data(chart.figure), name


def test_the_alt_text_states_the_key_figure(stand, every_chart):
    one = stand[stand["gemeente_code"] == "GM1690"].set_index("periode")
    last = one.loc["2024-H2"]
    closing = datum_tekst(periode_einde("2024-H2"))
    behind = int(-last["stand_eind"])
    assert behind > 0
    assert every_chart["stand_verloop"].alt == (
        "Staafdiagram: stand van De Wolden aan het eind van elk halfjaar, 2e helft 2023 tot en "
        f"met 2e helft 2024. Op {closing}: -{behind}, een achterstand van {behind}.")
    assert (f"In de 2e helft 2024: taakstelling {int(last['taakstelling'])}, opgave "
            f"{int(last['opgave'])}, realisatie {int(last['realisatie'])}."
            in every_chart["taakstelling_realisatie"].alt)
    assert every_chart["tempo_verloop"].alt.endswith(
        f"Tot en met augustus: 7 gerealiseerd, volgens het lineaire pad {round(37 * 2 / 6)}.")
    total = int(stand.query("periode == '2024-H2'")["stand_eind"].sum())
    assert f"Op {closing}: {total}," in every_chart["provincie_totaal"].alt
    rated = every_chart["tegels"].alt
    assert rated.startswith("Tegelkaart: oordeel per gemeente in Drenthe, 1e helft 2024 "
                            "(3 gemeenten). ")
    assert all(name in rated for name in NAMES.values())


def test_the_alt_text_of_a_ranking_names_the_largest_backlog(stand, every_chart):
    text = every_chart["ranking"].alt
    rows = stand.query("periode == '2024-H2'").set_index("gemeente_code")
    inwoners = {"GM1690": 24_500, "GM1699": 31_300, "GM0106": 69_100}
    per_10k = {c: -rows.at[c, "stand_eind"] / inwoners[c] * 10_000 for c in inwoners}
    worst = max(per_10k, key=per_10k.get)
    assert per_10k[worst] > 0
    assert f"de grootste heeft {NAMES[worst]}: {per_10k[worst]:.1f}".replace(".", ",") in text


def test_a_running_half_year_says_so_in_its_alt_text(stand):
    rows = stand.assign(volledig=stand["periode"] != "2024-H2")
    assert "nog geen stand aan het eind" in charts.ranking(rows, pd.Series(dtype=float),
                                                           "2024-H2").alt
    one = rows[rows["gemeente_code"] == "GM1690"]
    assert "realisatie tot nu toe" in charts.taakstelling_realisatie(one, "De Wolden",
                                                                     "2024-H2").alt
    assert "Op 1 juli 2024" in charts.stand_verloop(one, "De Wolden", "2024-H2").alt
    empty = pd.DataFrame({"maand": pd.to_datetime([]), "realisatie": []})
    assert charts.tempo_verloop(empty, 10, "2024-H2", "X").alt.endswith(
        "Nog geen realisatie bekend.")


HOSTILE = ['"><script>alert(1)</script>', "' onerror='alert(1)", "a & b <i>", "$x$ \\$"]


@pytest.mark.hostile
@pytest.mark.parametrize("naam", HOSTILE)
def test_a_name_in_the_alt_text_stays_text(stand, naam):
    one = stand[stand["gemeente_code"] == "GM1690"].assign(gemeente_naam=naam)
    shown = charts.stand_verloop(one, naam)._repr_html_()
    page = Tags(shown)
    assert [tag for tag, _ in page.tags] == ["figure", "picture", "source", "img"]
    assert [set(attrs) for attrs in page.named("img")] == [{"src", "alt", "width", "height"}]
    assert page.named("img")[0]["alt"].startswith(f"Staafdiagram: stand van {naam} aan")
    assert not page.text  # nothing outside the attribute


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"Stand": [-13, 12_000], "Aandeel": [15.5, None], "Oordeel": ["a", "b"]},
                        index=pd.Index(["2024-H1", "2024-H2"], name="Periode"))


def test_a_table_has_its_caption_and_header_scopes():
    page = Tags(toon.tabel(_frame(), 'Historie van "De Wolden" <b>').to_html())
    assert "".join(page.text).count('Historie van "De Wolden" <b>') == 1
    assert not page.named("b")
    headers = page.named("th")
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    assert [a["scope"] for a in headers].count("row") == 2
    assert [a["scope"] for a in headers].count("col") == 4  # the index's name in the corner
    assert len(page.named("tr")) == 3  # no row of its own for the index's name
    assert "12.000" in page.text and "15,5" in page.text and "nan" not in page.text
    styles = "".join(page.styles)
    assert re.search(r"td\.col0 \{\s*text-align: right", styles)
    assert re.search(r"td\.col1 \{\s*text-align: right", styles)
    assert "td.col2" not in styles  # text stays left-aligned


def test_a_table_whose_index_repeats_shows_every_row():
    decided = pd.DataFrame({"Gemeente": ["Assen", "Emmen"], "Aantal": [1, 2]},
                           index=pd.Index(["19-11-2024", "19-11-2024"], name="Datum"))
    page = Tags(toon.tabel_html(decided, "Besluiten").data)
    assert [a["scope"] for a in page.named("th")].count("row") == 2
    assert "Emmen" in page.text


def test_a_styled_table_can_be_styled_further():
    table = _frame()
    shown = toon.tabel(table).set_uuid("historie").apply(
        lambda column: np.where(table.index == "2024-H1", "font-weight: bold", "")).to_html()
    assert re.search(r"#T_historie_row0_col0.*font-weight: bold", shown, re.DOTALL)
    assert shown.count('scope="row"') == 2 and "<caption>" not in shown


def test_the_same_table_gives_the_same_html():
    assert toon.tabel(_frame(), "x").to_html() == toon.tabel(_frame(), "x").to_html()
    assert toon.tabel(_frame(), "x").to_html() != toon.tabel(_frame(), "y").to_html()


def test_a_plain_table_shows_no_default_index():
    frame = _frame().reset_index()
    page = Tags(toon.tabel_html(frame, "Verschillen").data)
    assert not [a for a in page.named("th") if a.get("scope") == "row"]
    assert [t for t in page.text if t.strip()][:2] == ["Verschillen", "Periode"]
    assert "0" not in page.text
    kept = Tags(toon.tabel_html(_frame()).data)
    assert len([a for a in kept.named("th") if a.get("scope") == "row"]) == 2


@pytest.mark.hostile
@pytest.mark.parametrize("text", HOSTILE)
def test_a_caption_stays_text(text):
    page = Tags(toon.tabel_html(pd.DataFrame({"a": [1]}), text).data)
    assert {tag for tag, _ in page.tags} <= {"style", "table", "caption", "thead", "tbody", "tr",
                                            "th", "td"}
    assert text in page.text


def test_achterstand_and_voorsprong_have_their_own_colours(stand):
    figure = charts.stand_verloop(stand[stand["gemeente_code"] == "GM1690"], "De Wolden").figure
    colours = {tuple(bar.get_facecolor()) for bar in figure.axes[0].patches}
    assert len(colours) == 1  # De Wolden is behind in every period
    totals = pd.DataFrame({"periode": ["2024-H1", "2024-H2"], "stand_eind": [-5, 5]})
    figure = charts.provincie_totaal(totals, "Drenthe").figure
    colours = [bar.get_facecolor()[:3] for bar in figure.axes[0].patches]
    assert colours[0] != colours[1]


def test_tiles_fall_back_to_a_grid_outside_the_known_layout():
    layout = charts.tile_layout(pd.Index(["GM0363", "GM0344", "GM0599", "GM0518", "GM0014"]))
    assert len(layout) == 5 and not layout.duplicated().any()


def test_the_reports_own_half_year_is_marked(stand):
    one = stand[stand["gemeente_code"] == "GM1690"]
    figure = charts.stand_verloop(one, "De Wolden", "2024-H1").figure
    widths = [bar.get_linewidth() for bar in figure.axes[0].patches]
    periods = sorted(one["periode"])
    assert [w > 1 for w in widths] == [p == "2024-H1" for p in periods]
    bold = [label.get_text() for label in figure.axes[0].get_xticklabels()
            if label.get_fontweight() == "bold"]
    assert bold == ["1e helft\n2024"]  # as the letter writes it


def test_the_ranking_keeps_the_sign_of_the_stand(computed):
    """Below zero is an achterstand in every chart, the stand per 10,000 inhabitants too."""
    from analysis.report import views

    overzicht = views.provincie("Drenthe", "2024-H1", computed)
    figure = charts.ranking(overzicht.beoordeling, overzicht.inwoners, "2024-H1").figure
    bars = figure.axes[0].patches
    widths = [bar.get_width() for bar in bars]
    colours = {to_hex(bar.get_facecolor()).upper() for bar, w in zip(bars, widths, strict=True)
               if w < 0}
    assert min(widths) < 0 < max(widths) and colours == {charts.ACHTERSTAND}
