"""Charts for the reports: each function takes tables and returns a :class:`toon.Grafiek`, the
matplotlib Figure with a Dutch alt text stating what it shows and its key figure.

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


def _periode_labels(axes, periodes) -> None:
    """Tick labels with the half-years as the letter writes them ('1e helft' above '2024')."""
    labels = ["\n".join(periode_tekst(p).rsplit(" ", 1)) for p in periodes]
    axes.set_xticks(range(len(labels)), labels)


def stand_verloop(stand: pd.DataFrame, naam: str, periode: str | None = None) -> Grafiek:
    """Stand at the end of every complete half-year: bars below zero (achterstand) and above
    (voorsprong); the report's own half-year (``periode``) marked."""
    rows = _complete(stand).sort_values("periode")
    figure, axes = _figure()
    bars = axes.bar(rows["periode"], rows["stand_eind"], color=_stand_colours(rows["stand_eind"]))
    _periode_labels(axes, rows["periode"])
    _highlight(axes, bars, rows["periode"], periode)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(f"{_tekst(naam)}: stand aan het eind van elk halfjaar")
    axes.set_ylabel("Stand (personen; negatief = achterstand)")
    axes.set_xlabel("Halfjaar")
    _tidy(axes)
    alt = f"Staafdiagram: stand van {naam} aan het eind van elk halfjaar"
    if rows.empty:
        return Grafiek(figure, f"{alt}: nog geen halfjaar afgesloten.")
    row = _kernrij(rows, periode)
    return Grafiek(figure, f"{alt}, {_reeks(rows['periode'])}. Op "
                           f"{_einddatum(row, row['periode'])}: {_stand_zin(row['stand_eind'])}.")


def taakstelling_realisatie(stand: pd.DataFrame, naam: str, periode: str | None = None
                            ) -> Grafiek:
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
    _periode_labels(axes, rows["periode"])
    _highlight(axes, targets, rows["periode"], periode)
    _highlight(axes, bars, rows["periode"], periode)
    axes.set_title(f"{_tekst(naam)}: taakstelling, opgave en realisatie per halfjaar")
    axes.set_ylabel("Personen")
    figure.legend(frameon=False, ncols=3, loc="outside lower center")
    _tidy(axes)
    alt = (f"Staafdiagram: taakstelling en realisatie van {naam} per halfjaar, met de opgave "
           "(taakstelling plus achterstand)")
    if rows.empty:
        return Grafiek(figure, f"{alt}: nog geen halfjaar.")
    row = _kernrij(rows, periode)
    so_far = "" if row.get("volledig", True) else " tot nu toe"
    return Grafiek(figure, f"{alt}, {_reeks(rows['periode'])}. In de "
                           f"{periode_tekst(row['periode'])}: taakstelling "
                           f"{getal(row['taakstelling'])}, opgave "
                           f"{getal(max(row['opgave'], 0))}, realisatie{so_far} "
                           f"{getal(row['realisatie'])}.")


def tempo_verloop(maanden: pd.DataFrame, opgave: int, periode: str, naam: str) -> Grafiek:
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
    alt = (f"Lijndiagram: cumulatieve realisatie van {naam} per maand in de "
           f"{periode_tekst(periode)}, tegen het lineaire pad naar de opgave van "
           f"{getal(max(opgave, 0))}")
    if last is None:
        return Grafiek(figure, f"{alt}. Nog geen realisatie bekend.")
    month = months.get_loc(last) + 1
    return Grafiek(figure, f"{alt}. Tot en met {MONTHS_NL[last.month - 1]}: "
                           f"{getal(cumulative[last])} gerealiseerd, volgens het lineaire pad "
                           f"{getal(max(opgave, 0) * month / 6)}.")


def heatmap(stand: pd.DataFrame, periode: str | None = None) -> Grafiek:
    """Stand at the end of each complete half-year, municipality x half-year; the report's own
    half-year (``periode``) framed."""
    named = _complete(stand).pivot(index="gemeente_naam", columns="periode", values="stand_eind")
    table = named.sort_index(ascending=False).rename(index=_tekst)
    limit = max(1, int(np.nanmax(np.abs(table.to_numpy()))))
    figure, axes = _figure(9, 0.35 * len(table) + 1.5)
    image = axes.pcolormesh(table.columns, table.index, table.to_numpy(), cmap=STAND_COLOURS,
                            norm=TwoSlopeNorm(0, -limit, limit), shading="nearest")
    for (row, column), value in np.ndenumerate(table.to_numpy()):
        if not np.isnan(value):
            axes.text(column, row, int(value), ha="center", va="center", fontsize=7)
    columns = list(table.columns)
    _periode_labels(axes, columns)
    if periode in columns:
        at = columns.index(periode)
        axes.add_patch(Rectangle((at - 0.5, -0.5), 1, len(table), fill=False, edgecolor="black",
                                 linewidth=2))
        axes.get_xticklabels()[at].set_fontweight("bold")
    figure.colorbar(image, ax=axes, label="Stand (negatief = achterstand)")
    axes.set_title("Stand per gemeente aan het eind van elk halfjaar")
    alt = (f"Heatmap: stand per gemeente ({len(table)} gemeenten) aan het eind van elk halfjaar, "
           f"{_reeks(columns)}, met het getal in elk vak.")
    key = periode if periode in columns else columns[-1]
    return Grafiek(figure, f"{alt} {_achterstanden(named[key], periode_tekst(key))}")


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
    figure, axes = _figure()
    bars = axes.bar(totals.index, totals.to_numpy(), color=_stand_colours(totals))
    _periode_labels(axes, totals.index)
    _highlight(axes, bars, totals.index, periode)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_title(f"{_tekst(provincie)}: totale stand van alle gemeenten")
    axes.set_ylabel("Stand (personen)")
    _tidy(axes)
    alt = (f"Staafdiagram: totale stand van alle gemeenten in {provincie} aan het eind van elk "
           "halfjaar")
    if totals.empty:
        return Grafiek(figure, f"{alt}: nog geen halfjaar afgesloten.")
    key = periode if periode in totals.index else totals.index[-1]
    closing = _complete(stand).loc[lambda f: f["periode"] == key].iloc[0]
    return Grafiek(figure, f"{alt}, {_reeks(totals.index)}. Op {_einddatum(closing, key)}: "
                           f"{_stand_zin(totals[key])}.")


def ranking(stand: pd.DataFrame, inwoners: pd.Series, periode: str) -> Grafiek:
    """Municipalities ranked by their stand per 10,000 inhabitants at the end of the period
    (none while the period is still running); below zero an achterstand, as in every chart."""
    rows = _complete(stand)
    rows = rows[rows["periode"] == periode].set_index("gemeente_code")
    per_10k = (rows["stand_eind"] / inwoners.reindex(rows.index) * 10_000).rename("per_10k")
    order = per_10k.sort_values(ascending=False)
    names = rows.loc[order.index, "gemeente_naam"].map(_tekst)
    figure, axes = _figure(7, 0.3 * len(order) + 1.5)
    axes.barh(names, order, color=[ACHTERSTAND if v < 0 else VOORSPRONG for v in order])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel("Stand per 10.000 inwoners (onder nul = achterstand)")
    axes.set_title(f"Stand per 10.000 inwoners, eind {periode_tekst(periode)}")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    if rows.empty:
        axes.text(0.5, 0.5, "Nog geen stand aan het eind: het halfjaar loopt nog.",
                  ha="center", va="center", transform=axes.transAxes)
        axes.set(xticks=[], yticks=[], xlabel="")
    alt = (f"Liggend staafdiagram: stand per 10.000 inwoners per gemeente aan het eind van "
           f"de {periode_tekst(periode)} (onder nul een achterstand)")
    if rows.empty:
        return Grafiek(figure, f"{alt}: nog geen stand aan het eind, het halfjaar loopt nog.")
    known = order.dropna()
    behind = known[known < 0].sort_values(ascending=False)
    if behind.empty:
        return Grafiek(figure, f"{alt} ({len(order)} gemeenten). Geen gemeente heeft een "
                               "achterstand.")
    worst = rows.at[behind.index[-1], "gemeente_naam"]
    return Grafiek(figure, f"{alt} ({len(order)} gemeenten). {len(behind)} "
                           f"{'gemeente heeft' if len(behind) == 1 else 'gemeenten hebben'} een "
                           f"achterstand; de grootste heeft {worst}: "
                           f"{getal(-behind.iloc[-1], 1)} per 10.000 inwoners.")


def tegels(beoordeling: pd.DataFrame, periode: str, provincie: str) -> Grafiek:
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
    groups = [f"{label}: {len(group)} ({', '.join(sorted(group['gemeente_naam'].astype(str)))})"
              for label, group in rows.groupby("oordeel_label", sort=False)]
    return Grafiek(figure, f"Tegelkaart: oordeel per gemeente in {provincie}, "
                           f"{periode_tekst(periode)} ({len(rows)} gemeenten). "
                           + "; ".join(groups) + ".")


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
