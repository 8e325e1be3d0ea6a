"""The province map: each municipality's outline coloured by its stand, from the table
``grenzen`` that ingest made of the province's boundaries file.

Achterstand is vermillion and voorsprong blue, on a scale centred at 0, as in every chart.
For a half-year still running there is no end stand yet: the map then shows the stand at the
start of the half-year (the closing stand of the one before, a figure that no longer changes)
and says so in its title. Municipalities without an outline in the file are named under the
map and in the alt text. Without boundaries there is no map (the tile layout stays).
"""

from __future__ import annotations

import json
import math
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
from analysis.report.charts import STAND_COLOURS

GEEN_STAND = "#DDDDDD"
NUL = "#FFFFFF"
# The charts' diverging scale without its palest third: a stand of -1 is visibly vermillion and
# +1 visibly blue (only 0 is white), so the sign can be read on every municipality.
SCHAAL = ListedColormap(
    STAND_COLOURS(np.r_[np.linspace(0, 0.35, 128), np.linspace(0.65, 1, 128)]), name="stand_kaart")


class Kaart(NamedTuple):
    """The map and its Dutch alt text (unpacks as ``figure, alt``)."""

    figuur: Figure
    alt: str


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
                provincie: str) -> Kaart | None:
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
    limit = max(1.0, float(np.nanmax(np.abs(values.to_numpy(dtype=float))))
                if values.notna().any() else 1.0)
    norm = TwoSlopeNorm(0, -limit, limit)
    figure = Figure(figsize=(7, 6.5), layout="constrained")
    axes = figure.add_subplot()
    wgs84 = (shapes.loc[drawn, "stelsel"] == "WGS84").any() if drawn else False
    for code in drawn:
        polygons = _ringen(shapes.at[code, "geometrie"])
        value = values.get(code)
        colour = GEEN_STAND if pd.isna(value) else NUL if value == 0 else SCHAAL(norm(value))
        axes.add_patch(PathPatch(_contour(polygons), facecolor=colour, edgecolor="#444444",
                                 linewidth=0.6, gid=code))
        label = _tekst(names[code]) + ("" if pd.isna(value) else f"\n{getal(value, teken=True)}")
        x, y = _labelpunt(polygons)
        axes.text(x, y, label, ha="center", va="center", fontsize=7,
                  path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
    axes.autoscale_view()
    if wgs84:  # degrees of longitude are shorter than degrees of latitude here
        middle = float(np.mean(axes.get_ylim()))
        axes.set_aspect(1 / math.cos(math.radians(middle)))
    else:
        axes.set_aspect("equal")
    axes.axis("off")
    figure.colorbar(ScalarMappable(norm=norm, cmap=SCHAAL), ax=axes, shrink=0.6,
                    label="Stand (negatief = achterstand, positief = voorsprong)")
    shown = values.reindex(drawn)
    extra = [Patch(facecolor=colour, edgecolor="#444444", label=label) for colour, label, used in (
        (NUL, "0: geen achterstand of voorsprong", (shown == 0).any()),
        (GEEN_STAND, "geen stand", shown.isna().any())) if used]
    if extra:
        figure.legend(handles=extra, loc="outside lower left", frameon=False, fontsize=8)
    title = f"{_tekst(provincie)}: stand per gemeente {moment}"
    axes.set_title(title.replace(" (het", "\n(het"), fontsize=11)
    if missing:
        figure.supxlabel(_tekst("Niet op de kaart (geen grens in het grenzenbestand): "
                                + ", ".join(missing)), fontsize=8)
    return Kaart(figure, _alt(values.reindex(drawn), names, provincie, moment, missing))


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
