"""Charts for the reports: each function takes tables and returns a :class:`toon.Grafiek`, the
matplotlib Figure with a Dutch alt text stating what it shows and its key figure.

Dutch labels; the Okabe-Ito colour-blind-safe palette; achterstand is always vermillion and
voorsprong always blue, in every chart. Names and labels from files are drawn as they are
written: a ``$`` in one does not start matplotlib's mathtext.

Every chart is drawn twice from the same data, in two shapes (:class:`Vorm`): wide for a screen
and for print (:data:`BREED`), and narrow for a phone (:data:`SMAL`), 400 px wide with text
that is still 11 px or more when the picture is shown 345 px wide.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.config import REFERENCE_DIR
from analysis.domain.periods import (
    MONTHS_NL,
    datum_tekst,
    periode_einde,
    periode_start,
    periode_tekst,
)
from analysis.formatting import getal
from analysis.report.toon import Grafiek

ACHTERSTAND = "#D55E00"
VOORSPRONG = "#0072B2"
TAAKSTELLING = "#999999"
REALISATIE = "#009E73"
OPGAVE = "#E69F00"
MONTH_ABBREVIATIONS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                       "dec"]
STAND_COLOURS = LinearSegmentedColormap.from_list("stand", [ACHTERSTAND, "#FFFFFF", VOORSPRONG])


@dataclass(frozen=True)
class Vorm:
    """The shape a chart is drawn in: its width and its text sizes (points, at 100 dpi)."""

    breedte: float | None  # inches; None: the chart's own width and height
    tekst: float  # tick labels, axis labels, legends
    titel: float
    klein: float  # numbers on bars, the tiles' and the map's legend and note
    kleinst: float  # numbers in the heatmap's cells, names on the tiles and the map
    regel: int | None  # characters on a line of a title; None: one line
    halfjaren: int | None  # half-years in one row of the heatmap; None: all in one

    @property
    def smal(self) -> bool:
        return self.breedte is not None

    def maat(self, breedte: float, hoogte: float, smal_hoogte: float | None = None
             ) -> tuple[float, float]:
        """The figure's size: the chart's own, or in the narrow shape its own width and
        ``smal_hoogte`` (else the chart's height)."""
        if self.breedte is None:
            return breedte, hoogte
        return self.breedte, hoogte if smal_hoogte is None else smal_hoogte

    def regels(self, text: str, tekens: int | None = None) -> str:
        """``text`` on lines of at most ``tekens`` (else a title's) characters in the narrow
        shape; as it is in the wide one."""
        width = tekens or self.regel
        if not self.smal or width is None:
            return text
        return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


# The wide shape: the chart's own size and the text sizes it has always had.
BREED = Vorm(None, tekst=10, titel=12, klein=8, kleinst=7, regel=None, halfjaren=None)
# 400 px drawn, 345 px shown: 9.5 pt is 13.2 px drawn and 11.4 px shown.
SMAL = Vorm(4, tekst=10, titel=11, klein=9.5, kleinst=9.5, regel=38, halfjaren=5)


# Characters on a line of a narrow title over bars or cells beside the municipalities' names: a
# title is centred over its axes, and constrained layout does not keep a wider one on the figure.
NAAST_NAMEN = 28


def _grafiek(draw: Callable[[Vorm], Figure], alt: str) -> Grafiek:
    """The chart drawn in both shapes, with its alt text."""
    return Grafiek(draw(BREED), alt, smal=draw(SMAL))


def _tekst(value: object) -> str:
    """Text from data drawn literally: every ``$`` escaped, so that two of them are not read as
    mathtext (which draws a formula, or fails to draw the chart at all)."""
    return str(value).replace("$", r"\$")


def _stand_zin(value: float) -> str:
    """'-13, een achterstand van 13'; '4, een voorsprong van 4'; '0, geen achterstand'."""
    if value < 0:
        return f"{getal(value)}, een achterstand van {getal(-value)}"
    if value > 0:
        return f"{getal(value)}, een voorsprong van {getal(value)}"
    return "0, geen achterstand en geen voorsprong"


def _reeks(periodes) -> str:
    """'1e helft 2022 tot en met 1e helft 2024', or the one half-year."""
    first, last = periode_tekst(min(periodes)), periode_tekst(max(periodes))
    return first if first == last else f"{first} tot en met {last}"


def _einddatum(row: pd.Series, periode: str) -> str:
    """The peildatum closing ``periode`` as the letter writes it: from the stand (a kader's
    cut-off moves it), else the first day of the next half-year."""
    closing = row.get("peildatum_eind")
    if closing is None or pd.isna(closing):
        return datum_tekst(periode_einde(periode))
    return datum_tekst(pd.Timestamp(closing).date())


def _kernrij(rows: pd.DataFrame, periode: str | None) -> pd.Series:
    """The row of the report's own half-year, else the latest."""
    own = rows[rows["periode"] == periode]
    return (own if len(own) else rows).iloc[-1]


def _figure(vorm: Vorm, width: float = 8, height: float = 4, smal_hoogte: float | None = None
            ) -> tuple[Figure, object]:
    figure = Figure(figsize=vorm.maat(width, height, smal_hoogte), dpi=100, layout="constrained")
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


def _tidy(axes, vorm: Vorm) -> None:
    axes.tick_params(labelsize=vorm.tekst)
    if vorm.smal:  # room for a number under the lowest bar, its text as large as the axis's
        axes.margins(y=0.12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def _periode_labels(axes, periodes, vorm: Vorm) -> None:
    """Tick labels with the half-years as the letter writes them ('1e helft' above '2024'; in
    the narrow shape '1e', 'helft' and '2024' on three lines)."""
    labels = ["\n".join(periode_tekst(p).split() if vorm.smal else periode_tekst(p).rsplit(" ", 1))
              for p in periodes]
    axes.set_xticks(range(len(labels)), labels, fontsize=vorm.tekst)


def stand_verloop(stand: pd.DataFrame, naam: str, periode: str | None = None) -> Grafiek:
    """Stand at the end of every complete half-year: bars below zero (achterstand) and above
    (voorsprong); the report's own half-year (``periode``) marked."""
    rows = _complete(stand).sort_values("periode")
    alt = f"Staafdiagram: stand van {naam} aan het eind van elk halfjaar"
    if rows.empty:
        alt = f"{alt}: nog geen halfjaar afgesloten."
    else:
        row = _kernrij(rows, periode)
        alt = (f"{alt}, {_reeks(rows['periode'])}. Op {_einddatum(row, row['periode'])}: "
               f"{_stand_zin(row['stand_eind'])}.")
    return _grafiek(lambda vorm: _stand_verloop(rows, naam, periode, vorm), alt)


def _stand_verloop(rows: pd.DataFrame, naam: str, periode: str | None, vorm: Vorm) -> Figure:
    figure, axes = _figure(vorm)
    bars = axes.bar(rows["periode"], rows["stand_eind"], color=_stand_colours(rows["stand_eind"]))
    _periode_labels(axes, rows["periode"], vorm)
    _highlight(axes, bars, rows["periode"], periode)
    axes.bar_label(bars, padding=2, fontsize=vorm.klein)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(vorm.regels(f"{_tekst(naam)}: stand aan het eind van elk halfjaar"),
                   fontsize=vorm.titel)
    axes.set_ylabel(vorm.regels("Stand (personen; negatief = achterstand)", 30),
                    fontsize=vorm.tekst)
    axes.set_xlabel("Halfjaar", fontsize=vorm.tekst)
    _tidy(axes, vorm)
    return figure


def taakstelling_realisatie(stand: pd.DataFrame, naam: str, periode: str | None = None
                            ) -> Grafiek:
    """Taakstelling and realisatie per half-year, with the opgave (taakstelling + achterstand);
    the report's own half-year (``periode``) marked."""
    rows = stand.sort_values("periode")
    alt = (f"Staafdiagram: taakstelling en realisatie van {naam} per halfjaar, met de opgave "
           "(taakstelling plus achterstand)")
    if rows.empty:
        alt = f"{alt}: nog geen halfjaar."
    else:
        row = _kernrij(rows, periode)
        so_far = "" if row.get("volledig", True) else " tot nu toe"
        alt = (f"{alt}, {_reeks(rows['periode'])}. In de {periode_tekst(row['periode'])}: "
               f"taakstelling {getal(row['taakstelling'])}, opgave "
               f"{getal(max(row['opgave'], 0))}, realisatie{so_far} {getal(row['realisatie'])}.")
    return _grafiek(lambda vorm: _taakstelling_realisatie(rows, naam, periode, vorm), alt)


def _taakstelling_realisatie(rows: pd.DataFrame, naam: str, periode: str | None, vorm: Vorm
                             ) -> Figure:
    positions = np.arange(len(rows))
    figure, axes = _figure(vorm)
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
    _periode_labels(axes, rows["periode"], vorm)
    _highlight(axes, targets, rows["periode"], periode)
    _highlight(axes, bars, rows["periode"], periode)
    axes.set_title(vorm.regels(f"{_tekst(naam)}: taakstelling, opgave en realisatie per halfjaar"),
                   fontsize=vorm.titel)
    axes.set_ylabel("Personen", fontsize=vorm.tekst)
    figure.legend(frameon=False, ncols=2 if vorm.smal else 3, loc="outside lower center",
                  fontsize=vorm.tekst)
    _tidy(axes, vorm)
    return figure


def tempo_verloop(maanden: pd.DataFrame, opgave: int, periode: str, naam: str) -> Grafiek:
    """Cumulative realisation by month against the linear path opgave x months / 6."""
    start = pd.Timestamp(periode_start(periode))
    months = pd.date_range(start, periods=6, freq="MS")
    counts = maanden.set_index("maand")["realisatie"].reindex(months)
    last = counts.last_valid_index()
    cumulative = counts.fillna(0).cumsum().where(months <= last) if last is not None else counts
    alt = (f"Lijndiagram: cumulatieve realisatie van {naam} per maand in de "
           f"{periode_tekst(periode)}, tegen het lineaire pad naar de opgave van "
           f"{getal(max(opgave, 0))}")
    if last is None:
        alt = f"{alt}. Nog geen realisatie bekend."
    else:
        month = months.get_loc(last) + 1
        alt = (f"{alt}. Tot en met {MONTHS_NL[last.month - 1]}: {getal(cumulative[last])} "
               f"gerealiseerd, volgens het lineaire pad {getal(max(opgave, 0) * month / 6)}.")
    labels = [MONTH_ABBREVIATIONS[m.month - 1] for m in months]
    return _grafiek(lambda vorm: _tempo_verloop(cumulative, labels, opgave, periode, naam, vorm),
                    alt)


def _tempo_verloop(cumulative: pd.Series, labels: list[str], opgave: int, periode: str,
                   naam: str, vorm: Vorm) -> Figure:
    figure, axes = _figure(vorm, 7, 4)
    axes.plot(range(7), [0, *np.linspace(0, 1, 7)[1:] * max(opgave, 0)], "--", color=TAAKSTELLING,
              label="Lineair pad (opgave × maanden / 6)")
    axes.plot(range(1, 7), cumulative, "o-", color=REALISATIE, label="Realisatie, cumulatief")
    axes.set_xticks(range(1, 7), labels)
    axes.set_title(vorm.regels(f"{_tekst(naam)}: tempo in de {periode_tekst(periode)}"),
                   fontsize=vorm.titel)
    axes.set_ylabel("Personen", fontsize=vorm.tekst)
    axes.legend(frameon=False, loc="upper left", fontsize=vorm.tekst)
    _tidy(axes, vorm)
    return figure


def heatmap(stand: pd.DataFrame, periode: str | None = None) -> Grafiek:
    """Stand at the end of each complete half-year, municipality x half-year; the report's own
    half-year (``periode``) framed. The narrow shape puts at most five half-years in a row and
    the rest in rows below, with the same colours."""
    named = _complete(stand).pivot(index="gemeente_naam", columns="periode", values="stand_eind")
    table = named.sort_index(ascending=False).rename(index=_tekst)
    columns = list(table.columns)
    alt = (f"Heatmap: stand per gemeente ({len(table)} gemeenten) aan het eind van elk halfjaar, "
           f"{_reeks(columns)}, met het getal in elk vak.")
    key = periode if periode in columns else columns[-1]
    return _grafiek(lambda vorm: _heatmap(table, periode, vorm),
                    f"{alt} {_achterstanden(named[key], periode_tekst(key))}")


def _groepen(columns: list, most: int | None) -> list[list]:
    """``columns`` in consecutive groups of at most ``most``, as even as can be."""
    count = 1 if most is None else -(-len(columns) // most)
    size = -(-len(columns) // count)
    return [columns[start:start + size] for start in range(0, len(columns), size)]


def _heatmap(table: pd.DataFrame, periode: str | None, vorm: Vorm) -> Figure:
    limit = max(1, int(np.nanmax(np.abs(table.to_numpy()))))
    norm = TwoSlopeNorm(0, -limit, limit)
    groups = _groepen(list(table.columns), vorm.halfjaren)
    size = vorm.maat(9, 0.35 * len(table) + 1.5, len(groups) * (0.3 * len(table) + 0.9) + 1.3)
    figure = Figure(figsize=size, dpi=100, layout="constrained")
    panels = list(figure.subplots(len(groups), 1, squeeze=False)[:, 0])
    for axes, columns in zip(panels, groups, strict=True):
        image = _heatmap_vakken(axes, table[columns], periode, norm, vorm)
    figure.colorbar(image, ax=panels, location="bottom" if vorm.smal else "right",
                    label="Stand (negatief = achterstand)")
    panels[0].set_title(vorm.regels("Stand per gemeente aan het eind van elk halfjaar",
                                    NAAST_NAMEN), fontsize=vorm.titel)
    return figure


def _heatmap_vakken(axes, table: pd.DataFrame, periode: str | None, norm: TwoSlopeNorm,
                    vorm: Vorm):
    """One row of the heatmap: the half-years in ``table``, a number in every cell."""
    image = axes.pcolormesh(table.columns, table.index, table.to_numpy(), cmap=STAND_COLOURS,
                            norm=norm, shading="nearest")
    for (row, column), value in np.ndenumerate(table.to_numpy()):
        if not np.isnan(value):
            axes.text(column, row, int(value), ha="center", va="center", fontsize=vorm.kleinst)
    columns = list(table.columns)
    _periode_labels(axes, columns, vorm)
    axes.tick_params(labelsize=vorm.tekst)
    if periode in columns:
        at = columns.index(periode)
        axes.add_patch(Rectangle((at - 0.5, -0.5), 1, len(table), fill=False, edgecolor="black",
                                 linewidth=2))
        axes.get_xticklabels()[at].set_fontweight("bold")
    return image


def _achterstanden(stand: pd.Series, wanneer: str) -> str:
    """'Aan het eind van de 1e helft 2024 hebben 7 van de 12 gemeenten een achterstand, de
    grootste Emmen (-40).' for the stands of one half-year by municipality name."""
    stand = stand.dropna()
    behind = stand[stand < 0].sort_values()
    if behind.empty:
        return f"Aan het eind van de {wanneer} heeft geen gemeente een achterstand."
    have = "heeft" if len(behind) == 1 else "hebben"
    return (f"Aan het eind van de {wanneer} {have} {len(behind)} van de {len(stand)} gemeenten "
            f"een achterstand, de grootste {behind.index[0]} "
            f"({getal(behind.iloc[0])}).")


def provincie_totaal(stand: pd.DataFrame, provincie: str, periode: str | None = None
                     ) -> Grafiek:
    """The province's total stand at the end of every complete half-year; the report's own
    half-year (``periode``) marked."""
    totals = _complete(stand).groupby("periode")["stand_eind"].sum()
    alt = (f"Staafdiagram: totale stand van alle gemeenten in {provincie} aan het eind van elk "
           "halfjaar")
    if totals.empty:
        alt = f"{alt}: nog geen halfjaar afgesloten."
    else:
        key = periode if periode in totals.index else totals.index[-1]
        closing = _complete(stand).loc[lambda f: f["periode"] == key].iloc[0]
        alt = (f"{alt}, {_reeks(totals.index)}. Op {_einddatum(closing, key)}: "
               f"{_stand_zin(totals[key])}.")
    return _grafiek(lambda vorm: _provincie_totaal(totals, provincie, periode, vorm), alt)


def _provincie_totaal(totals: pd.Series, provincie: str, periode: str | None, vorm: Vorm
                      ) -> Figure:
    figure, axes = _figure(vorm)
    bars = axes.bar(totals.index, totals.to_numpy(), color=_stand_colours(totals))
    _periode_labels(axes, totals.index, vorm)
    _highlight(axes, bars, totals.index, periode)
    axes.bar_label(bars, padding=2, fontsize=vorm.klein)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(vorm.regels(f"{_tekst(provincie)}: totale stand van alle gemeenten"),
                   fontsize=vorm.titel)
    axes.set_ylabel("Stand (personen)", fontsize=vorm.tekst)
    _tidy(axes, vorm)
    return figure


def ranking(stand: pd.DataFrame, inwoners: pd.Series, periode: str) -> Grafiek:
    """Municipalities ranked by their stand per 10,000 inhabitants at the end of the period
    (none while the period is still running); below zero an achterstand, as in every chart."""
    rows = _complete(stand)
    rows = rows[rows["periode"] == periode].set_index("gemeente_code")
    per_10k = (rows["stand_eind"] / inwoners.reindex(rows.index) * 10_000).rename("per_10k")
    order = per_10k.sort_values(ascending=False)
    names = rows.loc[order.index, "gemeente_naam"].map(_tekst)
    return _grafiek(lambda vorm: _ranking(order, names, periode, vorm),
                    _ranking_alt(rows, order, periode))


def _ranking_alt(rows: pd.DataFrame, order: pd.Series, periode: str) -> str:
    alt = (f"Liggend staafdiagram: stand per 10.000 inwoners per gemeente aan het eind van "
           f"de {periode_tekst(periode)} (onder nul een achterstand)")
    if rows.empty:
        return f"{alt}: nog geen stand aan het eind, het halfjaar loopt nog."
    known = order.dropna()
    behind = known[known < 0].sort_values(ascending=False)
    if behind.empty:
        return f"{alt} ({len(order)} gemeenten). Geen gemeente heeft een achterstand."
    worst = rows.at[behind.index[-1], "gemeente_naam"]
    return (f"{alt} ({len(order)} gemeenten). {len(behind)} "
            f"{'gemeente heeft' if len(behind) == 1 else 'gemeenten hebben'} een achterstand; "
            f"de grootste heeft {worst}: {getal(-behind.iloc[-1], 1)} per 10.000 inwoners.")


def _ranking(order: pd.Series, names: pd.Series, periode: str, vorm: Vorm) -> Figure:
    figure, axes = _figure(vorm, 7, 0.3 * len(order) + 1.5, 0.3 * len(order) + 1.9)
    axes.barh(names, order, color=[ACHTERSTAND if v < 0 else VOORSPRONG for v in order])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel(vorm.regels("Stand per 10.000 inwoners (onder nul = achterstand)",
                                NAAST_NAMEN), fontsize=vorm.tekst)
    axes.set_title(vorm.regels(f"Stand per 10.000 inwoners, eind {periode_tekst(periode)}",
                               NAAST_NAMEN), fontsize=vorm.titel)
    axes.tick_params(labelsize=vorm.tekst)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    if order.empty:
        axes.text(0.5, 0.5, vorm.regels("Nog geen stand aan het eind: het halfjaar loopt nog.",
                                        30),
                  ha="center", va="center", transform=axes.transAxes, fontsize=vorm.tekst)
        axes.set(xticks=[], yticks=[], xlabel="")
    return figure


def tegels(beoordeling: pd.DataFrame, periode: str, provincie: str) -> Grafiek:
    """A schematic tile map of the province's municipalities coloured by rating."""
    rows = beoordeling[beoordeling["periode"] == periode].set_index("gemeente_code")
    layout = tile_layout(rows.index)
    groups = [f"{label}: {len(group)} ({', '.join(sorted(group['gemeente_naam'].astype(str)))})"
              for label, group in rows.groupby("oordeel_label", sort=False)]
    return _grafiek(lambda vorm: _tegels(rows, layout, periode, provincie, vorm),
                    f"Tegelkaart: oordeel per gemeente in {provincie}, {periode_tekst(periode)} "
                    f"({len(rows)} gemeenten). " + "; ".join(groups) + ".")


def vlaknaam(naam: object, vorm: Vorm) -> str:
    """A name on a tile or an area of the map: broken after a hyphen, and in the narrow shape
    on spaces too."""
    parts = _tekst(naam).replace("-", "-\n").split("\n")
    return "\n".join(vorm.regels(part, 9) for part in parts)


def _tegels(rows: pd.DataFrame, layout: pd.DataFrame, periode: str, provincie: str,
            vorm: Vorm) -> Figure:
    seen = rows.drop_duplicates("oordeel")
    tall = 3.7 * (layout["rij"].max() + 1.1) / (layout["kolom"].max() + 1.1)
    figure, axes = _figure(vorm, 7, 6, tall + 0.7 + 0.25 * len(seen))
    for code, (row, column) in layout.iterrows():
        colour = rows.at[code, "kleur"]
        axes.add_patch(Rectangle((column, -row), 0.95, 0.95, facecolor=colour,
                                 edgecolor="#444444"))
        axes.text(column + 0.475, -row + 0.475, vlaknaam(rows.at[code, "gemeente_naam"], vorm),
                  ha="center", va="center", fontsize=vorm.kleinst)
    for item in seen.itertuples():
        axes.add_patch(Rectangle((0, 0), 0, 0, facecolor=item.kleur, edgecolor="#444444",
                                 label=vorm.regels(_tekst(item.oordeel_label), 40)))
    figure.legend(loc="outside lower center", frameon=False, fontsize=vorm.klein,
                  ncols=1 if vorm.smal else 2)
    axes.set_xlim(-0.1, layout["kolom"].max() + 1)
    axes.set_ylim(-layout["rij"].max() - 0.1, 1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(vorm.regels(f"{_tekst(provincie)}: oordeel per gemeente, "
                               f"{periode_tekst(periode)}"), fontsize=vorm.titel)
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
