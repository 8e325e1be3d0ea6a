"""Where every figure of the block comes from: per municipality, half-year and figure the source
rows that give it (file, sheet, row or rows, COA vintage and peildatum, Bijlage A version, file
hash), or the figures it is derived from.

A realisatie that COA's overviews settle comes from the closing overview; one summed from months
names each source of those months: the person-level export by its number of rows and date
range (never a person), COA's latest overview of the half-year, or the municipality's report
rows. A figure the roll-forward derives (stand begin after the first half-year, achterstand,
opgave, stand eind) names what it is derived from. The products turn these rows into words.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.stromen import coa_afsluiting, gesloten
from analysis.domain.periods import volgende_periode
from analysis.domain.taakstelling_versies import geldende_taakstelling
from analysis.domain.telkalender import STANDAARD, Telkalender

KEY = ["gemeente_code", "periode"]
# the figures of the block, in its order
ONDERDELEN = ["stand_begin", "taakstelling", "achterstand", "opgave", "realisatie", "stand_eind",
              "taakstelling_volgend"]
COLUMNS = [*KEY, "onderdeel", "volgorde", "waarde", "bron", "bron_bestand", "bron_blad",
           "bron_rij", "rijen", "peildatum", "vintage", "versie", "versiedatum", "van", "tot",
           "afgeleid_uit", "bestand_hash", "uitruil", "uitruil_kenmerk", "taakstelling_bijlage_a"]


def _rows(frame: pd.DataFrame, onderdeel: str, bron: str, **columns) -> pd.DataFrame:
    """Trace rows of one figure in the table's columns (absent ones empty)."""
    out = frame.assign(onderdeel=onderdeel, bron=bron, **columns)
    for column in COLUMNS:
        if column not in out:
            out[column] = pd.NA
    return out[COLUMNS]


def _overview_columns(overviews: pd.DataFrame) -> pd.DataFrame:
    """COA overview rows as trace columns: row, vintage and version label, peildatum."""
    return overviews.assign(bron_rij=overviews["bron_rij"].astype("Int64").astype(str),
                            rijen=1, versie=overviews["versie"])


def _taakstelling(stand: pd.DataFrame, taakstelling: pd.DataFrame,
                  kalender: Telkalender) -> pd.DataFrame:
    """The Bijlage A row of the version that counted for each half-year; where an art. 29(2)
    agreement moved persons, the shift (``uitruil``, 0 elsewhere) and its kenmerk."""
    counted = geldende_taakstelling(taakstelling.assign(_versie=taakstelling["versiedatum"]),
                                    kalender)
    agreed = stand.reindex(columns=[*KEY, "taakstelling", "uitruil", "uitruil_kenmerk",
                                    "taakstelling_bijlage_a"])
    agreed = agreed.fillna({"uitruil": 0, "uitruil_kenmerk": ""}).assign(
        taakstelling_bijlage_a=agreed["taakstelling_bijlage_a"].fillna(agreed["taakstelling"]))
    found = agreed.merge(counted.drop(columns="taakstelling"), on=KEY, how="left")
    return _rows(found.assign(bron_rij=found["bron_rij"].astype("Int64").astype(str), rijen=1),
                 "taakstelling", "taakstelling", waarde=found["taakstelling"],
                 versiedatum=found["_versie"])


def _realisatie(stand: pd.DataFrame, overviews: pd.DataFrame, months: pd.DataFrame,
                realisatie_dag: pd.DataFrame, gemeente: pd.DataFrame, leidend: str,
                kalender: Telkalender) -> pd.DataFrame:
    """The source rows of each realisatie: the closing overview where COA settles it, else per
    source of its months."""
    known = stand.loc[stand["realisatie_bekend"].to_numpy(bool), KEY]
    settled = (gesloten(overviews, kalender).merge(known, on=KEY) if leidend == "COA"
               else known.iloc[0:0])
    closing = coa_afsluiting(overviews, kalender).merge(settled, on=KEY)
    official = _rows(_overview_columns(closing), "realisatie", "coa_overzicht",
                     waarde=closing["gerealiseerd"].astype("int64"))
    rest = known.merge(settled, on=KEY, how="left", indicator=True)
    rest = rest.loc[rest["_merge"] == "left_only", KEY]
    parts = months.merge(rest, on=KEY).groupby([*KEY, "bron"], as_index=False)[
        "realisatie"].sum()
    return pd.concat([official,
                      _person_part(parts, realisatie_dag, kalender),
                      _overview_part(parts, overviews, kalender),
                      _gemeente_part(parts, gemeente)], ignore_index=True)


def _person_part(parts: pd.DataFrame, realisatie_dag: pd.DataFrame,
                 kalender: Telkalender) -> pd.DataFrame:
    """The person-level export's share: its file, how many of its rows, their first and last
    day (the export is aggregated on ingest; no person appears)."""
    share = parts[parts["bron"] == "persoonsexport"]
    if share.empty:
        return _rows(share, "realisatie", "persoonsexport")
    days = realisatie_dag.assign(periode=kalender.telperiode(
        realisatie_dag["datum"].astype("datetime64[ns]")))
    per = days.groupby(KEY, as_index=False).agg(
        bron_bestand=("bron_bestand", "first"), bron_blad=("bron_blad", "first"),
        rijen=("bron_rijen", "sum"), van=("datum", "min"), tot=("datum", "max"),
        bestand_hash=("bestand_hash", "first"))
    found = share.merge(per, on=KEY, how="left")
    return _rows(found, "realisatie", "persoonsexport", waarde=found["realisatie"])


def _overview_part(parts: pd.DataFrame, overviews: pd.DataFrame,
                   kalender: Telkalender) -> pd.DataFrame:
    """COA's overviews' share of months after the export: the half-year's latest overview."""
    share = parts[parts["bron"] == "coa_overzicht"]
    counted = overviews.assign(periode=kalender.telperiode(
        overviews["peildatum"].astype("datetime64[ns]") - pd.Timedelta(days=1)))
    latest = counted.sort_values("peildatum").groupby(KEY, as_index=False).tail(1)
    found = share.merge(_overview_columns(latest), on=KEY, how="left")
    return _rows(found, "realisatie", "coa_overzicht", waarde=found["realisatie"])


def _gemeente_part(parts: pd.DataFrame, gemeente: pd.DataFrame) -> pd.DataFrame:
    """The municipality's own report rows for the months it leads."""
    share = parts[parts["bron"] == "gemeente"]
    if share.empty:
        return _rows(share, "realisatie", "gemeente")
    per = gemeente.assign(bron_rij=gemeente["bron_rij"].astype("Int64").astype(str)).groupby(
        KEY, as_index=False).agg(bron_bestand=("bron_bestand", "first"),
                                 bron_blad=("bron_blad", "first"),
                                 bron_rij=("bron_rij", ", ".join), rijen=("bron_rij", "size"),
                                 van=("maand", "min"), tot=("maand", "max"),
                                 bestand_hash=("bestand_hash", "first"))
    found = share.merge(per, on=KEY, how="left")
    return _rows(found, "realisatie", "gemeente", waarde=found["realisatie"])


def _stand_begin(stand: pd.DataFrame, openingsstand: pd.DataFrame,
                 overviews: pd.DataFrame) -> pd.DataFrame:
    """The opening stand from COA's first overview of a municipality; after it, the stand at
    the end of the half-year before."""
    first = overviews.sort_values("peildatum").groupby("gemeente_code", as_index=False).head(1)
    opened = openingsstand[KEY].merge(
        _overview_columns(first).drop(columns=["periode", "stand_begin"]), on="gemeente_code")
    rows = stand[[*KEY, "stand_begin"]]
    from_coa = rows.merge(opened, on=KEY)
    rolled = rows.merge(opened[KEY], on=KEY, how="left", indicator=True)
    rolled = rolled[rolled["_merge"] == "left_only"]
    return pd.concat([
        _rows(from_coa, "stand_begin", "coa_overzicht", waarde=from_coa["stand_begin"]),
        _rows(rolled, "stand_begin", "afgeleid", waarde=rolled["stand_begin"],
              afgeleid_uit="stand_eind_vorige"),
    ], ignore_index=True)


def _derived(stand: pd.DataFrame) -> pd.DataFrame:
    """Achterstand (or voorsprong), opgave and stand eind, from the block's other figures; a
    running half-year has no stand eind yet."""
    ended = stand[stand["volledig"].to_numpy(bool)]
    return pd.concat([
        _rows(stand, "achterstand", "afgeleid", waarde=stand["stand_begin"].abs(),
              afgeleid_uit="stand_begin"),
        _rows(stand, "opgave", "afgeleid", waarde=stand["opgave"],
              afgeleid_uit="taakstelling-stand_begin"),
        _rows(ended, "stand_eind", "afgeleid", waarde=ended["stand_eind"],
              afgeleid_uit="stand_begin+realisatie-taakstelling"),
    ], ignore_index=True)


def herkomst(stand: pd.DataFrame, taakstelling: pd.DataFrame, overviews: pd.DataFrame,
             months: pd.DataFrame, realisatie_dag: pd.DataFrame, gemeente: pd.DataFrame,
             openingsstand: pd.DataFrame, leidend: str = "COA",
             kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Per municipality, half-year and figure of the block the rows that give it (inputs as
    known on the date of knowledge); the next taakstelling is that of the half-year after."""
    target = _taakstelling(stand, taakstelling, kalender)
    nxt = target.merge(stand[KEY].assign(_naar=stand["periode"],
                                         periode=stand["periode"].map(volgende_periode)),
                       on=KEY).assign(onderdeel="taakstelling_volgend")
    nxt = nxt.assign(periode=nxt.pop("_naar"))[COLUMNS]
    frame = pd.concat([
        _stand_begin(stand, openingsstand, overviews), target,
        _realisatie(stand, overviews, months, realisatie_dag, gemeente, leidend, kalender),
        _derived(stand), nxt,
    ], ignore_index=True)
    frame["volgorde"] = frame["onderdeel"].map({o: i for i, o in enumerate(ONDERDELEN)})
    frame["waarde"] = frame["waarde"].astype("Int64")
    frame["rijen"] = frame["rijen"].astype("Int64")
    frame["vintage"] = frame["vintage"].astype("Int64")
    target_rows = frame["onderdeel"].isin(["taakstelling", "taakstelling_volgend"])
    frame["uitruil"] = frame["uitruil"].where(target_rows, 0).fillna(0).astype("int64")
    frame["uitruil_kenmerk"] = frame["uitruil_kenmerk"].where(target_rows, "").fillna(
        "").astype("string")
    frame["taakstelling_bijlage_a"] = frame["taakstelling_bijlage_a"].where(
        target_rows).astype("Int64")
    for column in ("peildatum", "versiedatum", "van", "tot"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("bron_bestand", "bron_blad", "bron_rij", "versie", "afgeleid_uit",
                   "bestand_hash"):
        frame[column] = frame[column].astype("string")
    return frame.sort_values([*KEY, "volgorde"], kind="stable", ignore_index=True)
