"""Charts for the reports: each function takes tables and returns a matplotlib Figure.

Dutch labels; the Okabe-Ito colour-blind-safe palette; achterstand is always vermillion and
voorsprong always blue, in every chart. Names and labels from files are drawn as they are
written: a ``$`` in one does not start matplotlib's mathtext.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.config import REFERENCE_DIR
from analysis.domain.periods import periode_start, periode_tekst

ACHTERSTAND = "#D55E00"
VOORSPRONG = "#0072B2"
TAAKSTELLING = "#999999"
REALISATIE = "#009E73"
OPGAVE = "#E69F00"
MONTH_ABBREVIATIONS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                       "dec"]
STAND_COLOURS = LinearSegmentedColormap.from_list("stand", [ACHTERSTAND, "#FFFFFF", VOORSPRONG])


def _tekst(value: object) -> str:
    """Text from data drawn literally: every ``$`` escaped, so that two of them are not read as
    mathtext (which draws a formula, or fails to draw the chart at all)."""
    return str(value).replace("$", r"\$")


def _figure(width: float = 8, height: float = 4) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _complete(stand: pd.DataFrame) -> pd.DataFrame:
    """Only the half-years whose closing figures are in: a running one has no end stand yet."""
    return stand[stand["volledig"].astype(bool)] if "volledig" in stand else stand


def _stand_colours(values: pd.Series) -> list[str]:
    return [ACHTERSTAND if v < 0 else VOORSPRONG for v in values]


def _highlight(axes, bars, periodes: pd.Series, periode: str | None) -> None:
    """Mark the report's own half-year: a black edge on its bars and its label in bold."""
    if periode is None:
        return
    chosen = np.flatnonzero(np.asarray(periodes) == periode)
    for index in chosen:
        bars[index].set(edgecolor="black", linewidth=1.6)
    labels = axes.get_xticklabels()
    for index in chosen:
        if index < len(labels):
            labels[index].set_fontweight("bold")


def _tidy(axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def stand_verloop(stand: pd.DataFrame, naam: str, periode: str | None = None) -> Figure:
    """Stand at the end of every complete half-year: bars below zero (achterstand) and above
    (voorsprong); the report's own half-year (``periode``) marked."""
    rows = _complete(stand).sort_values("periode")
    figure, axes = _figure()
    bars = axes.bar(rows["periode"], rows["stand_eind"], color=_stand_colours(rows["stand_eind"]))
    _highlight(axes, bars, rows["periode"], periode)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(f"{_tekst(naam)}: stand aan het eind van elk halfjaar")
    axes.set_ylabel("Stand (personen; negatief = achterstand)")
    axes.set_xlabel("Halfjaar")
    _tidy(axes)
    return figure


def taakstelling_realisatie(stand: pd.DataFrame, naam: str, periode: str | None = None
                            ) -> Figure:
    """Taakstelling and realisatie per half-year, with the opgave (taakstelling + achterstand);
    the report's own half-year (``periode``) marked."""
    rows = stand.sort_values("periode")
    positions = np.arange(len(rows))
    figure, axes = _figure()
    targets = axes.bar(positions - 0.2, rows["taakstelling"], 0.4, label="Taakstelling",
                       color=TAAKSTELLING)
    bars = axes.bar(positions + 0.2, rows["realisatie"], 0.4, label="Realisatie",
                    color=REALISATIE)
    for bar, done in zip(bars, rows.get("volledig", pd.Series(True, index=rows.index)),
                         strict=True):
        if not done:  # a running half-year: the realisation so far
            bar.set(hatch="//", alpha=0.5, label="_")
    if "volledig" in rows and not rows["volledig"].all():
        axes.bar(0, 0, 0, color=REALISATIE, alpha=0.5, hatch="//", label="Realisatie tot nu toe")
    axes.plot(positions, rows["opgave"].clip(lower=0), "D", color=OPGAVE, label="Opgave")
    axes.set_xticks(positions, rows["periode"])
    _highlight(axes, targets, rows["periode"], periode)
    _highlight(axes, bars, rows["periode"], periode)
    axes.set_title(f"{_tekst(naam)}: taakstelling, opgave en realisatie per halfjaar")
    axes.set_ylabel("Personen")
    figure.legend(frameon=False, ncols=3, loc="outside lower center")
    _tidy(axes)
    return figure


def tempo_verloop(maanden: pd.DataFrame, opgave: int, periode: str, naam: str) -> Figure:
    """Cumulative realisation by month against the linear path opgave x months / 6."""
    start = pd.Timestamp(periode_start(periode))
    months = pd.date_range(start, periods=6, freq="MS")
    counts = maanden.set_index("maand")["realisatie"].reindex(months)
    last = counts.last_valid_index()
    cumulative = counts.fillna(0).cumsum().where(months <= last) if last is not None else counts
    labels = [MONTH_ABBREVIATIONS[m.month - 1] for m in months]
    figure, axes = _figure(7, 4)
    axes.plot(range(7), [0, *np.linspace(0, 1, 7)[1:] * max(opgave, 0)], "--", color=TAAKSTELLING,
              label="Lineair pad (opgave × maanden / 6)")
    axes.plot(range(1, 7), cumulative, "o-", color=REALISATIE, label="Realisatie, cumulatief")
    axes.set_xticks(range(1, 7), labels)
    axes.set_title(f"{_tekst(naam)}: tempo in de {periode_tekst(periode)}")
    axes.set_ylabel("Personen")
    axes.legend(frameon=False, loc="upper left")
    _tidy(axes)
    return figure


def heatmap(stand: pd.DataFrame, periode: str | None = None) -> Figure:
    """Stand at the end of each complete half-year, municipality x half-year; the report's own
    half-year (``periode``) framed."""
    table = _complete(stand).pivot(index="gemeente_naam", columns="periode", values="stand_eind")
    table = table.sort_index(ascending=False).rename(index=_tekst)
    limit = max(1, int(np.nanmax(np.abs(table.to_numpy()))))
    figure, axes = _figure(9, 0.35 * len(table) + 1.5)
    image = axes.pcolormesh(table.columns, table.index, table.to_numpy(), cmap=STAND_COLOURS,
                            norm=TwoSlopeNorm(0, -limit, limit), shading="nearest")
    for (row, column), value in np.ndenumerate(table.to_numpy()):
        if not np.isnan(value):
            axes.text(column, row, int(value), ha="center", va="center", fontsize=7)
    columns = list(table.columns)
    if periode in columns:
        at = columns.index(periode)
        axes.add_patch(Rectangle((at - 0.5, -0.5), 1, len(table), fill=False, edgecolor="black",
                                 linewidth=2))
        axes.get_xticklabels()[at].set_fontweight("bold")
    figure.colorbar(image, ax=axes, label="Stand (negatief = achterstand)")
    axes.set_title("Stand per gemeente aan het eind van elk halfjaar")
    return figure


def provincie_totaal(stand: pd.DataFrame, provincie: str, periode: str | None = None) -> Figure:
    """The province's total stand at the end of every complete half-year; the report's own
    half-year (``periode``) marked."""
    totals = _complete(stand).groupby("periode")["stand_eind"].sum()
    figure, axes = _figure()
    bars = axes.bar(totals.index, totals.to_numpy(), color=_stand_colours(totals))
    _highlight(axes, bars, totals.index, periode)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(f"{_tekst(provincie)}: totale stand van alle gemeenten")
    axes.set_ylabel("Stand (personen)")
    _tidy(axes)
    return figure


def ranking(stand: pd.DataFrame, inwoners: pd.Series, periode: str) -> Figure:
    """Municipalities ranked by backlog per 10,000 inhabitants at the end of the period (none
    while the period is still running)."""
    rows = _complete(stand)
    rows = rows[rows["periode"] == periode].set_index("gemeente_code")
    per_10k = (-rows["stand_eind"] / inwoners.reindex(rows.index) * 10_000).rename("per_10k")
    order = per_10k.sort_values()
    names = rows.loc[order.index, "gemeente_naam"].map(_tekst)
    figure, axes = _figure(7, 0.3 * len(order) + 1.5)
    axes.barh(names, order, color=[ACHTERSTAND if v > 0 else VOORSPRONG for v in order])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel("Achterstand per 10.000 inwoners (negatief = voorsprong)")
    axes.set_title(f"Achterstand per 10.000 inwoners, eind {periode_tekst(periode)}")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    if rows.empty:
        axes.text(0.5, 0.5, "Nog geen stand aan het eind: het halfjaar loopt nog.",
                  ha="center", va="center", transform=axes.transAxes)
        axes.set(xticks=[], yticks=[], xlabel="")
    return figure


def tegels(beoordeling: pd.DataFrame, periode: str, provincie: str) -> Figure:
    """A schematic tile map of the province's municipalities coloured by rating."""
    rows = beoordeling[beoordeling["periode"] == periode].set_index("gemeente_code")
    layout = tile_layout(rows.index)
    figure, axes = _figure(7, 6)
    for code, (row, column) in layout.iterrows():
        colour = rows.at[code, "kleur"]
        axes.add_patch(Rectangle((column, -row), 0.95, 0.95, facecolor=colour,
                                 edgecolor="#444444"))
        name = _tekst(rows.at[code, "gemeente_naam"]).replace("-", "-\n")
        axes.text(column + 0.475, -row + 0.475, name, ha="center", va="center", fontsize=7)
    seen = rows.drop_duplicates("oordeel")
    for item in seen.itertuples():
        axes.add_patch(Rectangle((0, 0), 0, 0, facecolor=item.kleur, edgecolor="#444444",
                                 label=_tekst(item.oordeel_label)))
    figure.legend(loc="outside lower center", frameon=False, fontsize=8, ncols=2)
    axes.set_xlim(-0.1, layout["kolom"].max() + 1)
    axes.set_ylim(-layout["rij"].max() - 0.1, 1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(f"{_tekst(provincie)}: oordeel per gemeente, {periode_tekst(periode)}")
    return figure


def tile_layout(codes: pd.Index) -> pd.DataFrame:
    """Row and column of each municipality's tile: from ``reference/tegels.csv`` where known
    (roughly geographic), otherwise an alphabetical grid."""
    known = pd.read_csv(REFERENCE_DIR / "tegels.csv", dtype={"gemeente_code": str}).set_index(
        "gemeente_code")
    if set(codes) <= set(known.index):
        return known.loc[list(codes), ["rij", "kolom"]]
    side = int(np.ceil(np.sqrt(len(codes))))
    ordered = sorted(codes)
    return pd.DataFrame({"rij": [i // side for i in range(len(ordered))],
                         "kolom": [i % side for i in range(len(ordered))]}, index=ordered)
