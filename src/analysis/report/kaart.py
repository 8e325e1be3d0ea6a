"""The province map: each municipality's outline coloured by its stand, from the table
``grenzen`` that ingest made of the province's boundaries file.

Achterstand is vermillion and voorsprong blue, on a scale centred at 0, as in every chart.
For a half-year still running there is no end stand yet: the map then shows the stand at the
start of the half-year (the closing stand of the one before, a figure that no longer changes)
and says so in its title. Municipalities without an outline in the file are named under the
map and in the alt text. Without boundaries there is no map (the tile layout stays). Like every
chart it is drawn wide and narrow (:class:`charts.Vorm`).
"""

from __future__ import annotations

import json
import math
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as Contour

from analysis import storage
from analysis.domain.periods import periode_tekst
from analysis.formatting import getal
from analysis.report.charts import BREED, SMAL, STAND_COLOURS, Vorm, vlaknaam
from analysis.report.toon import Grafiek

GEEN_STAND = "#DDDDDD"
NUL = "#FFFFFF"
# The charts' diverging scale without its palest third: a stand of -1 is visibly vermillion and
# +1 visibly blue (only 0 is white), so the sign can be read on every municipality.
SCHAAL = ListedColormap(
    STAND_COLOURS(np.r_[np.linspace(0, 0.35, 128), np.linspace(0.65, 1, 128)]), name="stand_kaart")


def grenzen(processed: Path) -> pd.DataFrame:
    """The ingested boundaries; none when the last ingest read no boundaries file (or predates
    the table)."""
    if not storage.has_table(processed, "grenzen"):
        return storage.empty_table("grenzen")
    return storage.read_table(processed, "grenzen")


def _tekst(value: object) -> str:
    """Text from data drawn literally (a ``$`` would start matplotlib's mathtext)."""
    return str(value).replace("$", r"\$")


def _ringen(geometrie: str) -> list[list[np.ndarray]]:
    return [[np.asarray(ring, dtype=float) for ring in polygon]
            for polygon in json.loads(geometrie)["coordinates"]]


def _oppervlak(ring: np.ndarray) -> float:
    """Signed area (shoelace): positive for a counter-clockwise ring."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2


def _contour(polygons: list[list[np.ndarray]]) -> Contour:
    """One path of every polygon, outer rings counter-clockwise and holes clockwise, so that
    holes stay empty whatever the orientation in the file."""
    vertices, codes = [], []
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            outer = index == 0
            if (_oppervlak(ring) > 0) != outer:
                ring = ring[::-1]
            vertices.append(ring)
            codes += [Contour.MOVETO, *[Contour.LINETO] * (len(ring) - 2), Contour.CLOSEPOLY]
    return Contour(np.concatenate(vertices), codes)


def _labelpunt(polygons: list[list[np.ndarray]]) -> tuple[float, float]:
    """Where the label goes: the centroid of the largest polygon, or, when that falls outside
    it, the middle of the widest stretch of the polygon at the centroid's height."""
    ring = max((polygon[0] for polygon in polygons), key=lambda r: abs(_oppervlak(r)))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    cx = float(((x[:-1] + x[1:]) * cross).sum() / (6 * area))
    cy = float(((y[:-1] + y[1:]) * cross).sum() / (6 * area))
    if Contour(ring).contains_point((cx, cy)):
        return cx, cy
    y0, y1, x0, x1 = y[:-1], y[1:], x[:-1], x[1:]
    crossing = (y0 <= cy) != (y1 <= cy)
    xs = np.sort(x0[crossing] + (cy - y0[crossing]) * (x1[crossing] - x0[crossing])
                 / (y1[crossing] - y0[crossing]))
    if len(xs) < 2:
        return float(x.mean()), float(y.mean())
    starts, ends = xs[0::2], xs[1::2]
    widest = int(np.argmax(ends - starts[:len(ends)]))
    return float((starts[widest] + ends[widest]) / 2), cy


def stand_kaart(beoordeling: pd.DataFrame, grenzen: pd.DataFrame, periode: str,
                provincie: str) -> Grafiek | None:
    """The choropleth of the stand per municipality in ``periode``: at its end, or at its start
    while it runs. ``beoordeling`` holds the province's municipalities (gemeente_code,
    gemeente_naam, periode, stand_begin, stand_eind, volledig), ``grenzen`` the ingested table.
    None when there are no boundaries at all: show the tile layout instead."""
    if grenzen.empty:
        return None
    rows = beoordeling[beoordeling["periode"] == periode].drop_duplicates("gemeente_code")
    running = "volledig" in rows and not rows["volledig"].fillna(False).astype(bool).all()
    column = "stand_begin" if running else "stand_eind"
    values = pd.to_numeric(rows.set_index("gemeente_code")[column], errors="coerce")
    names = rows.set_index("gemeente_code")["gemeente_naam"].astype(str)
    shapes = grenzen.drop_duplicates("gemeente_code").set_index("gemeente_code")
    drawn = [code for code in names.index if code in shapes.index]
    missing = [names[code] for code in names.index if code not in shapes.index]
    moment = (f"aan het begin van de {periode_tekst(periode)} (het halfjaar loopt nog; de stand "
              "aan het eind is er nog niet)" if running else
              f"aan het eind van de {periode_tekst(periode)}")
    alt = _alt(values.reindex(drawn), names, provincie, moment, missing)
    kaart = _Kaart(values, names, shapes, drawn, missing, f"{_tekst(provincie)}: stand per "
                   f"gemeente {moment}")
    return Grafiek(_tekening(kaart, BREED), alt, smal=_tekening(kaart, SMAL))


class _Kaart(NamedTuple):
    """What the map draws: the stands and names by code, the outlines, the codes drawn and the
    names of those without an outline, and the title."""

    values: pd.Series
    names: pd.Series
    shapes: pd.DataFrame
    drawn: list[str]
    missing: list[str]
    title: str


def _label(name: str, value: float, vorm: Vorm) -> str:
    """A municipality's label: its name (in the narrow shape on lines as on a tile) above its
    stand."""
    name = vlaknaam(name, vorm) if vorm.smal else _tekst(name)
    return name + ("" if pd.isna(value) else f"\n{getal(value, teken=True)}")


def _uit_elkaar(figure: Figure, labels: list) -> None:
    """Labels that overlap moved apart, each by half the overlap (and a pixel), across the
    side where they overlap least: large text on a small map touches its neighbours."""
    for _ in range(4):
        figure.draw_without_rendering()
        boxes = [label.get_window_extent().padded(1) for label in labels]
        moved = False
        for (one, box), (other, next_box) in combinations(zip(labels, boxes, strict=True), 2):
            across = min(box.x1, next_box.x1) - max(box.x0, next_box.x0)
            up = min(box.y1, next_box.y1) - max(box.y0, next_box.y0)
            if across <= 0 or up <= 0:
                continue
            apart = np.sign(np.subtract(next_box.p0, box.p0)) + (np.subtract(
                next_box.p0, box.p0) == 0)
            step = (np.array([across, 0]) if across < up else np.array([0, up])) / 2 + 1
            _verschuif(one, -apart * step)
            _verschuif(other, apart * step)
            moved = True
        if not moved:
            return


def _verschuif(label, pixels: np.ndarray) -> None:
    """``label`` moved by ``pixels`` on the figure."""
    to_data = label.get_transform()
    at = to_data.transform(label.get_position()) + pixels
    label.set_position(to_data.inverted().transform(at))


def _tekening(kaart: _Kaart, vorm: Vorm) -> Figure:
    """The map drawn in ``vorm``."""
    values, shapes, drawn = kaart.values, kaart.shapes, kaart.drawn
    limit = max(1.0, float(np.nanmax(np.abs(values.to_numpy(dtype=float))))
                if values.notna().any() else 1.0)
    norm = TwoSlopeNorm(0, -limit, limit)
    figure = Figure(figsize=vorm.maat(7, 6.5, 5.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    wgs84 = (shapes.loc[drawn, "stelsel"] == "WGS84").any() if drawn else False
    labels = []
    for code in drawn:
        polygons = _ringen(shapes.at[code, "geometrie"])
        value = values.get(code)
        colour = GEEN_STAND if pd.isna(value) else NUL if value == 0 else SCHAAL(norm(value))
        axes.add_patch(PathPatch(_contour(polygons), facecolor=colour, edgecolor="#444444",
                                 linewidth=0.6, gid=code))
        x, y = _labelpunt(polygons)
        labels.append(axes.text(
            x, y, _label(kaart.names[code], value, vorm), ha="center", va="center",
            fontsize=vorm.kleinst,
            path_effects=[patheffects.withStroke(linewidth=2, foreground="white")]))
    axes.autoscale_view()
    if wgs84:  # degrees of longitude are shorter than degrees of latitude here
        middle = float(np.mean(axes.get_ylim()))
        axes.set_aspect(1 / math.cos(math.radians(middle)))
    else:
        axes.set_aspect("equal")
    axes.axis("off")
    _legenda(figure, axes, norm, values.reindex(drawn), vorm)
    axes.set_title(kaart.title.replace(" (het", "\n(het") if not vorm.smal
                   else vorm.regels(kaart.title), fontsize=vorm.tekst + 1)
    if kaart.missing:
        figure.supxlabel(vorm.regels(_tekst("Niet op de kaart (geen grens in het "
                                            "grenzenbestand): " + ", ".join(kaart.missing)), 48),
                         fontsize=vorm.klein)
    if vorm.smal:
        _uit_elkaar(figure, labels)
    return figure


def _legenda(figure: Figure, axes, norm: TwoSlopeNorm, shown: pd.Series, vorm: Vorm) -> None:
    """The colour scale, beside the map (under it in the narrow shape), and a legend of white
    (0) and grey (no stand) when the map has them."""
    label = "Stand (negatief = achterstand, positief = voorsprong)"
    if vorm.smal:
        figure.colorbar(ScalarMappable(norm=norm, cmap=SCHAAL), ax=axes, shrink=0.8,
                        location="bottom", label=vorm.regels(label, 40))
    else:
        figure.colorbar(ScalarMappable(norm=norm, cmap=SCHAAL), ax=axes, shrink=0.6, label=label)
    extra = [Patch(facecolor=colour, edgecolor="#444444", label=label) for colour, label, used in (
        (NUL, "0: geen achterstand of voorsprong", (shown == 0).any()),
        (GEEN_STAND, "geen stand", shown.isna().any())) if used]
    if extra:
        figure.legend(handles=extra, loc="outside lower left", frameon=False, fontsize=vorm.klein)


def _alt(values: pd.Series, names: pd.Series, provincie: str, moment: str,
         missing: list[str]) -> str:
    """'Kaart van Drenthe met de stand per gemeente aan het eind van de 1e helft 2024: ...'"""
    parts = [f"Kaart van {provincie} met de stand per gemeente {moment}, in kleur: oranjerood "
             "is achterstand, blauw voorsprong."]
    known = values.dropna()
    behind, ahead = known[known < 0], known[known > 0]
    if len(known):
        persons = int(-behind.sum())
        parts.append(f"Van de {len(known)} gemeenten met een stand hebben er {len(behind)} een "
                     f"achterstand (samen {getal(persons)} "
                     f"{'persoon' if persons == 1 else 'personen'}), {len(ahead)} een "
                     f"voorsprong en {len(known) - len(behind) - len(ahead)} geen van beide; "
                     f"samen staan ze op {getal(known.sum(), teken=True)}.")
    if len(behind):
        worst = behind.idxmin()
        parts.append(f"De grootste achterstand heeft {names[worst]} ({getal(behind[worst])}).")
    if values.isna().any():
        parts.append("Zonder stand: " + ", ".join(names[values.index[values.isna()]]) + ".")
    if missing:
        parts.append("Niet op de kaart, want zonder grens in het grenzenbestand: "
                     + ", ".join(missing) + ".")
    return " ".join(parts)
