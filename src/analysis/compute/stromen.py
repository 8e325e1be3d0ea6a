"""The roll-forward's inputs, shaped from the ingested tables (frames in, frames out).

COA's count per month comes from the person-level export when the province has one, and
otherwise from COA's monthly overviews (each gives the realisation of its half-year so far).
Where the kader makes the municipalities' own reports leading, theirs replace COA's for the
months they report. A half-year's realisatie under COA is the official figure: the increase of
COA's overviews over the half-year, which is the overview at the peildatum closing it; with a
counting cut-off (the uitloop of the kader's ``Telkalender``) the overviews of the cut-off dates
mark its ends. The opening balance is COA's voor/achterstand at the start of each
municipality's first period with an overview.
"""

from __future__ import annotations

import pandas as pd

from analysis.domain.periods import volgende_periode
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.formatting import datum
from analysis.problems import InputError, Problem

MONTH_COLUMNS = ["gemeente_code", "maand", "periode", "realisatie"]
# where a month's count comes from: the person-level export, COA's overviews, the municipality
SOURCE_NAMES = {"persoonsexport": "de persoonsgegevens van het COA",
                "coa_overzicht": "de maandoverzichten van het COA",
                "gemeente": "de rapportage van de gemeente"}
KEY = ["gemeente_code", "periode"]


def geldende_overzichten(coa_overzicht: pd.DataFrame,
                         kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """COA's overviews as they count: of a re-issued overview only the latest vintage. Each
    overview is dated the first of a month or on a closing date of the count; any other date
    is refused, never silently filed under a half-year."""
    frame = coa_overzicht[coa_overzicht["geldend"].fillna(True).astype(bool)]
    dates = frame["peildatum"]
    wrong = ~(dates.dt.day.eq(1) | kalender.is_afsluitdatum(dates))
    if wrong.any():
        raise InputError([
            Problem(str(row.bron_bestand), f"peildatum {datum(row.peildatum)} is geen eerste "
                    "van de maand en geen afsluitdatum van de telling van het "
                    f"beoordelingskader ({kalender.afsluitdatum_tekst()})",
                    getattr(row, "bron_blad", None), _row(row), "peildatum")
            for row in frame[wrong].itertuples()])
    return frame


def _row(row) -> int | None:
    value = getattr(row, "bron_rij", None)
    return None if pd.isna(value) else int(value)


def coa_maanden(coa_overzicht: pd.DataFrame,
                kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Realisation between consecutive overviews from COA's monthly overviews: an overview gives
    its half-year's realisation through the day before its date; the increase over the previous
    overview of the same half-year is shown in the month of that day before, and counts for the
    half-year that day belongs to under the kader's cut-off."""
    frame = coa_overzicht.sort_values(["gemeente_code", "peildatum"])
    so_far = frame["gerealiseerd"].astype("int64")
    before = so_far.groupby([frame["gemeente_code"], frame["periode"]]).shift(1, fill_value=0)
    last_day = frame["peildatum"].astype("datetime64[ns]") - pd.Timedelta(days=1)
    return pd.DataFrame({
        "gemeente_code": frame["gemeente_code"],
        "maand": last_day.dt.to_period("M").dt.to_timestamp(),
        "periode": kalender.telperiode(last_day), "realisatie": so_far - before,
    }).reset_index(drop=True)


def persoon_maanden(realisatie_dag: pd.DataFrame,
                    kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """The person-level count per municipality and month, each day counted for the half-year it
    belongs to under the kader's cut-off (a January may then hold two rows)."""
    days = realisatie_dag["datum"].astype("datetime64[ns]")
    frame = realisatie_dag.assign(maand=days.dt.to_period("M").dt.to_timestamp(),
                                  periode=kalender.telperiode(days))
    return frame.groupby(["gemeente_code", "maand", "periode"], as_index=False)[
        ["realisatie", "nareizigers", "correcties"]].sum()


def coa_telling(person_months: pd.DataFrame, coa_overzicht: pd.DataFrame,
                kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """COA's count per month, each month from the latest source that covers it: the
    person-level export up to the month of its last day, the overviews after it (or for every
    month without an export). ``bron`` says which."""
    overviews = coa_maanden(coa_overzicht, kalender).assign(bron="coa_overzicht")
    if not len(person_months):
        return overviews
    covered = person_months["maand"].max()
    later = overviews[(overviews["maand"] > covered).to_numpy()]
    return pd.concat([person_months[MONTH_COLUMNS].assign(bron="persoonsexport"), later],
                     ignore_index=True).sort_values(["gemeente_code", "maand"],
                                                    ignore_index=True)


def realisatie_maand(coa: pd.DataFrame, gemeente: pd.DataFrame,
                     leidend: str = "COA") -> pd.DataFrame:
    """Realisation per municipality and month from the leading source, with its ``bron``."""
    coa = coa[[*MONTH_COLUMNS, "bron"]]
    if leidend == "COA":
        return coa
    own = gemeente[MONTH_COLUMNS].assign(bron="gemeente")
    key = ["gemeente_code", "maand"]
    rest = coa.merge(own[key], on=key, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([rest, own], ignore_index=True).sort_values(key, ignore_index=True)


def realisatie_bronnen(stand: pd.DataFrame, months: pd.DataFrame) -> pd.Series:
    """Per row of ``stand`` the sources its months come from (see ``SOURCE_NAMES``), joined
    by '+' in the order of the months ('persoonsexport+coa_overzicht' where the export ends
    within the half-year); empty where no source covers a month of it."""
    ordered = months.sort_values(["gemeente_code", "maand"], kind="stable")
    first = ordered.drop_duplicates(KEY, keep="first").set_index(KEY)["bron"]
    last = ordered.drop_duplicates(KEY, keep="last").set_index(KEY)["bron"]
    both = pd.DataFrame({"eerste": first, "laatste": last.reindex(first.index)})
    joined = both["eerste"].where(both["eerste"] == both["laatste"],
                                  both["eerste"] + "+" + both["laatste"])
    found = stand[KEY].merge(joined.rename("bron").reset_index(), on=KEY, how="left")["bron"]
    return pd.Series(found.fillna("").to_numpy(object), index=stand.index,
                     name="realisatie_bron")


def coa_afsluiting(coa_overzicht: pd.DataFrame,
                   kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """COA's overviews on a closing date of the count (1 January and 1 July, or the kader's
    cut-off), with ``periode`` the half-year each closes."""
    closing = coa_overzicht[kalender.is_afsluitdatum(coa_overzicht["peildatum"])]
    last_day = closing["peildatum"] - pd.Timedelta(days=1)
    return closing.assign(periode=kalender.telperiode(last_day))


def gesloten(coa_overzicht: pd.DataFrame,
             kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """The municipality x half-years whose realisatie COA's overviews settle: the overview of
    the closing date is there, and with a cut-off also that of the opening date (else one
    interval of overviews would straddle the half-year's start)."""
    closing = coa_afsluiting(coa_overzicht, kalender)[KEY].drop_duplicates()
    if not kalender.heeft_uitloop:
        return closing.reset_index(drop=True)
    opened = closing.assign(periode=(closing["periode"].map(volgende_periode)))
    return closing.merge(opened, on=KEY).reset_index(drop=True)


def periode_realisatie(months: pd.DataFrame, coa_overzicht: pd.DataFrame,
                       leidend: str = "COA", kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """Realisatie per municipality and period: under COA the official figure where COA's
    overviews settle the half-year (the increase over it, which without a cut-off is the closing
    overview's figure), else the sum of the months; under the municipalities' reports the sum of
    the leading months."""
    summed = months.groupby(KEY, as_index=False)["realisatie"].sum()
    if leidend != "COA":
        return summed
    official = coa_maanden(coa_overzicht, kalender).groupby(KEY, as_index=False)[
        "realisatie"].sum().merge(gesloten(coa_overzicht, kalender), on=KEY)
    rest = summed.merge(official[KEY], on=KEY, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([official, rest], ignore_index=True)


def stromen(taakstelling: pd.DataFrame, realised: pd.DataFrame) -> pd.DataFrame:
    """Taakstelling (every version) and realisatie per municipality and period."""
    frame = taakstelling[["gemeente_code", "periode", "versiedatum", "taakstelling",
                          "inwoners"]].merge(realised, on=["gemeente_code", "periode"],
                                             how="left")
    return frame.fillna({"realisatie": 0}).astype({"realisatie": "int64"})


def openingsstand(coa_overzicht: pd.DataFrame, months: pd.DataFrame | None = None,
                  kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """COA's stand at the start of each municipality's earliest period with an overview; with a
    cut-off, what was housed between that start and the cut-off date counts for the period
    before and so is part of the opening stand (from ``months``, the count as it leads, or
    else COA's overviews)."""
    first = coa_overzicht.sort_values("peildatum").groupby("gemeente_code", as_index=False).first()
    opening = first[["gemeente_code", "periode", "stand_begin"]].rename(
        columns={"stand_begin": "stand"})
    if not kalender.heeft_uitloop:
        return opening
    counted = (coa_maanden(coa_overzicht, kalender) if months is None else months).merge(
        first[["gemeente_code", "periode", "peildatum"]].rename(
            columns={"periode": "eerste", "peildatum": "eerste_peildatum"}), on="gemeente_code")
    last_day = counted["eerste_peildatum"] - pd.Timedelta(days=1)  # in COA's first half-year
    start = pd.to_datetime(pd.DataFrame({"year": last_day.dt.year,
                                         "month": (last_day.dt.month > 6) * 6 + 1, "day": 1}))
    within = (counted["periode"] < counted["eerste"]) & (counted["maand"] >= start)
    before = counted[within].groupby("gemeente_code")["realisatie"].sum()
    return opening.assign(stand=opening["stand"] + opening["gemeente_code"].map(before).fillna(0)
                          .astype("int64"))
