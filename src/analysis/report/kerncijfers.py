"""Key figures for Gedeputeerde Staten: how many municipalities per rating and per recorded rung,
the province's total achterstand and voorsprong, and the decisions of the period."""

from __future__ import annotations

import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.periods import periode_start
from analysis.report.totalen import totalen


def kerncijfers(beoordeling: pd.DataFrame, periode: str, treden: list[str] | None = None
                ) -> pd.DataFrame:
    """One row per figure (``Onderwerp``, ``Waarde``) for the municipalities in ``periode``."""
    rows = beoordeling[beoordeling["periode"] == periode]
    sums = totalen(rows)
    figures: list[tuple[str, object]] = [("Gemeenten", len(rows))]
    if sums.volledig:  # while a half-year runs, its end stands are not yet known
        ends = sums.standen
        figures += [
            ("Totale achterstand (personen)", ends.achterstand),
            ("Gemeenten met een achterstand", ends.met_achterstand),
            ("Totale voorsprong (personen)", ends.voorsprong),
            ("Gemeenten met een voorsprong", ends.met_voorsprong),
            ("Stand van de provincie (personen)", ends.totaal),
        ]
    for label, count in rows["oordeel_label"].value_counts(sort=False).items():
        figures.append((f"Oordeel: {label}", int(count)))
    recorded = rows["trede_op_datum"].replace("", pd.NA).dropna()
    order = treden or sorted(recorded.unique())
    for rung in order:
        if (recorded == rung).any():
            figures.append((f"Vastgelegde trede: {rung}", int((recorded == rung).sum())))
    figures.append(("Zonder vastgelegde trede", int(len(rows) - len(recorded))))
    advised = rows[rows["advies"].isin(["opschalen", "afschalen"])]
    figures.append(("Advies: een stap op de interventieladder (voorstel, geen besluit)",
                    len(advised)))
    return pd.DataFrame(figures, columns=["Onderwerp", "Waarde"])


def besluiten_van(register: pd.DataFrame, periode: str) -> pd.DataFrame:
    """The decisions about ``periode``, or dated from its start on (up to the date of
    knowledge, the last in the register) and not about a later half-year: every decision a
    product about the period relies on, oldest first."""
    start = pd.Timestamp(periode_start(periode))
    about = register["periode"].fillna("")
    chosen = register[((about == periode)
                       | ((register["datum"] >= start) & (about <= periode))).to_numpy()]
    return chosen.sort_values(["datum", "besluit", "gemeente_code"]).reset_index(drop=True)


ALLE_GEMEENTEN = "alle gemeenten"


def per_besluit(decided: pd.DataFrame) -> pd.DataFrame:
    """``decided`` (a row per decision and municipality) with each municipality's name; the
    rows of a decision about every municipality (``alle_gemeenten``) as one row, without a
    code and with 'alle gemeenten' for its name: on the pages and in the workbook alike."""
    everyone = decided["alle_gemeenten"].astype(bool).to_numpy()
    rows = decided[~everyone | ~decided["besluit"].duplicated().to_numpy()]
    whole = rows["alle_gemeenten"].astype(bool)
    return rows.assign(
        gemeente_code=rows["gemeente_code"].astype(object).where(~whole, None),
        gemeente=gemeenten.naam(rows["gemeente_code"]).astype(object).where(~whole,
                                                                            ALLE_GEMEENTEN))
