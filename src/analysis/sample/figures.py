"""The shared machinery of a province's sample: the taakstellingen from its national totals and
populations, the realisations that yield its designed stands, and the persons, COA overviews and
municipal reports that follow from them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.domain.art29 import art29
from analysis.domain.periods import (
    periode_of_date,
    periode_start,
)
from analysis.domain.taakstelling_versies import nieuwste_versie
from analysis.sample.voorbeeld import Voorbeeld

COUNTRIES = ["Syrië", "Eritrea", "Afghanistan", "Turkije", "Jemen", "Irak", "Somalië", "Iran"]
RELATIONS = ["Referent", "Partner", "Kind", "Kind", "Kind"]


def actief(v: Voorbeeld, periode: str) -> pd.DataFrame:
    """The municipalities that exist in ``periode``, in the order of ``v.gemeenten``."""
    rows = v.gemeenten
    keep = pd.Series(True, index=rows.index)
    if "vanaf" in rows:
        keep &= rows["vanaf"].isna() | (rows["vanaf"] <= periode)
    if "tot" in rows:
        keep &= rows["tot"].isna() | (rows["tot"] >= periode)
    return rows[keep]


def taakstellingen(v: Voorbeeld) -> pd.DataFrame:
    """Every version of every municipality's taakstelling, by the art. 29 formula."""
    rows = []
    for total in v.landelijk:
        year = int(total.periode[:4]) - 1
        present = actief(v, total.periode)
        inwoners = present[year].astype("int64")
        frame = present[["gemeente_code", "gemeente_naam"]].assign(
            periode=total.periode, versiedatum=total.versiedatum,
            landelijk_totaal=total.landelijk_totaal, herkomst=total.herkomst,
            inwoners=inwoners, inwoners_peiljaar=year,
            taakstelling=art29(total.landelijk_totaal, inwoners, v.inwoners_nederland[year]),
        )
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def final_taakstelling(table: pd.DataFrame) -> pd.Series:
    """The latest version per municipality and period."""
    return nieuwste_versie(table).set_index(["gemeente_code", "periode"])["taakstelling"]


def designed_stands(v: Voorbeeld) -> pd.DataFrame:
    """The designed stand at the begin and end of every half-year of every municipality, in
    period order and within it in the order of ``v.standen``; refused where a successor's first
    stand is not its predecessors' last."""
    spans = {code: v.periodes_van(code) for code in v.standen}
    for code, stands in v.standen.items():
        if len(stands) != len(spans[code]) + 1:
            raise ValueError(f"{code}: {len(stands)} standen, verwacht {len(spans[code]) + 1}")
    for successor, predecessors in v.opvolgers().items():
        taken = sum(v.standen[code][-1] for code in predecessors)
        if v.standen[successor][0] != taken:
            raise ValueError(f"{successor}: beginstand {v.standen[successor][0]}, maar de "
                             f"voorgangers eindigen samen op {taken}")
    rows = [(code, periode, stands[spans[code].index(periode)],
             stands[spans[code].index(periode) + 1])
            for periode in v.periodes for code, stands in v.standen.items()
            if periode in spans[code]]
    return pd.DataFrame(rows, columns=["gemeente_code", "periode", "begin", "eind"])


def designed_realisatie(v: Voorbeeld, final: pd.Series) -> pd.DataFrame:
    """Realisation per municipality and period that yields the designed stands."""
    stands = designed_stands(v)
    target = final.reindex(pd.MultiIndex.from_frame(stands[["gemeente_code", "periode"]]))
    return pd.DataFrame({"gemeente_code": stands["gemeente_code"], "periode": stands["periode"],
                         "realisatie": target.to_numpy() + stands["eind"] - stands["begin"]})


def persons(v: Voorbeeld, realisatie: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Person-level housings (households housed together, some nareizigers) and corrections."""
    rows = []
    for item in realisatie.itertuples():
        start = periode_start(item.periode)
        per_month = rng.multinomial(item.realisatie, [1 / 6] * 6)
        if (item.gemeente_code, item.periode) in v.lege_december:
            per_month[4] += per_month[5]  # no housing in December: a correction goes negative
            per_month[5] = 0
        for month_offset, count in enumerate(per_month):
            month = add_months(start, month_offset)
            remaining = int(count)
            while remaining:
                size = min(remaining, int(rng.choice([1, 1, 1, 2, 2, 3, 4, 5])))
                remaining -= size
                household = f"HH{rng.integers(16**7, 16**8):08X}"
                date = month + dt.timedelta(days=int(rng.integers(0, 28)))
                nareiziger = bool(rng.random() < 0.25)
                for member in range(size):
                    rows.append({
                        "persoon_id": f"V{rng.integers(10**9, 10**10)}",
                        "huishouden": household,
                        "relatie": RELATIONS[min(member, len(RELATIONS) - 1)],
                        "geboortejaar": int(rng.integers(1960, 2024)),
                        "land": str(rng.choice(COUNTRIES)),
                        "gemeente_code": item.gemeente_code, "datum": date,
                        "nareiziger": nareiziger, "mutatie": "Huisvesting", "telling": 1,
                    })
    frame = pd.DataFrame(rows)
    for correctie in v.correcties:
        candidates = frame[(frame["gemeente_code"] == correctie.bron)
                           & (frame["datum"] >= correctie.gehuisvest_vanaf)
                           & (frame["datum"] < correctie.gecorrigeerd_op)]
        person = candidates.iloc[0]
        for code, count in ((correctie.bron, -1), (correctie.doel, 1)):
            rows.append({**person.to_dict(), "gemeente_code": code,
                         "datum": correctie.gecorrigeerd_op, "mutatie": "Correctie",
                         "telling": count})
    return pd.DataFrame(rows).sort_values(["datum", "gemeente_code"], kind="stable")


def add_months(date: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``date``'s."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def coa_overviews(v: Voorbeeld, table: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """COA's monthly figures per municipality, dated on the first of each month; a successor
    starts with its predecessors' stand."""
    final = final_taakstelling(table)
    realised = people.assign(periode=people["datum"].map(periode_of_date))
    per_period = realised.groupby(["gemeente_code", "periode"])["telling"].sum()
    stand = pd.Series({code: stands[0] for code, stands in v.standen.items()})
    stand_begin = {}
    for periode in v.periodes:
        codes = pd.Index([code for code in v.standen if periode in v.periodes_van(code)])
        for successor, predecessors in v.opvolgers().items():
            if successor in codes and v.periodes_van(successor)[0] == periode:
                stand[successor] = stand[predecessors].sum()
        stand_begin[periode] = stand[codes].copy()
        got = per_period.xs(periode, level="periode").reindex(codes, fill_value=0)
        stand[codes] = stand[codes] + got - final.xs(periode, level="periode").reindex(codes)
    rows = []
    peildatum = add_months(periode_start(v.periodes[0]), 1)
    last = add_months(periode_start(v.periodes[-1]), 6)
    while peildatum <= last:
        day_before = peildatum - dt.timedelta(days=1)
        periode = f"{day_before.year}-H{1 if day_before.month <= 6 else 2}"
        begin = stand_begin[periode]
        valid = table[(table["periode"] == periode) & (table["versiedatum"] <= peildatum)]
        target = valid.sort_values("versiedatum").groupby("gemeente_code")["taakstelling"].last()
        window = people[(people["datum"] >= periode_start(periode))
                        & (people["datum"] < peildatum)]
        got = window.groupby("gemeente_code")["telling"].sum().reindex(begin.index, fill_value=0)
        frame = pd.DataFrame({
            "peildatum": peildatum, "gemeente_code": begin.index,
            "taakstelling": target.reindex(begin.index).to_numpy(), "stand_begin": begin,
            "gerealiseerd": got,
        })
        frame["opgave"] = frame["taakstelling"] - frame["stand_begin"]
        frame["nog_te_realiseren"] = (frame["opgave"] - frame["gerealiseerd"]).clip(lower=0)
        rows.append(frame.reset_index(drop=True))
        peildatum = add_months(peildatum, 1)
    return pd.concat(rows, ignore_index=True)


def municipal_reports(v: Voorbeeld, people: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts as the municipalities with an own report give them."""
    months = pd.date_range(*v.rapportage_maanden, freq="MS").date
    per_month = people.assign(maand=people["datum"].map(lambda d: d.replace(day=1)))
    counts = per_month.groupby(["gemeente_code", "maand"])["telling"].sum()
    rows = []
    for code, differences in v.rapportage_verschillen.items():
        for month in months:
            count = int(counts.get((code, month), 0)) + differences.get(month, 0)
            rows.append({"gemeente_code": code, "maand": month, "realisatie": count})
    return pd.DataFrame(rows)
