"""Art. 29(2) Huisvestingswet 2014: agreements between colleges (or a regional pooling) that one
municipality houses more and another fewer, the sum staying the same.

The taakstelling supervised is the art. 29 figure (the formula's where Bijlage A states the
national total and the populations, else the imported figure) plus the standing agreements'
shift (``uitruil``; several agreements about one municipality and half-year add up). Whether
Bijlage A already holds the agreed figure, the formula's or neither only changes how the
products explain it (``uitruil_zin``), not the figure. The register is already filtered to the
decisions known on the date of knowledge, so an agreement counts from its own date on. The
same agreements explain a Bijlage A that deviates from the formula (:func:`art29_toets`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.domain import gemeenten
from analysis.domain.art29 import art29_afwijkingen, art29_cijfer, art29_melding
from analysis.domain.besluiten import geldend
from analysis.domain.datums import datum_tekst
from analysis.domain.taakstelling_versies import geldende_taakstelling
from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.formatting import opsomming
from analysis.problems import Problem

KEY = ["gemeente_code", "periode"]
WET = "art. 29 lid 2 Huisvestingswet 2014"
# what the stand carries of an agreement, for the products and the trace
COLUMNS = ["taakstelling_bijlage_a", "uitruil", "uitruil_kenmerk", "uitruil_zin"]
TOETS = ["gemeente_code", "periode", "versiedatum", "taakstelling", "art29", "uitruil",
         "verklaard_door", "landelijk_totaal", "inwoners", "inwoners_nederland", "bron_bestand",
         "bron_blad", "bron_rij"]


def afspraken(register: pd.DataFrame) -> pd.DataFrame:
    """One row per standing agreement and municipality: ``besluit``, its ``gemeente_code``,
    ``periode``, ``verschuiving``, ``kenmerk`` (or 'besluit N' where it has none), ``datum``,
    the agreement's description in words (``afspraak``) and whom the shift comes from or goes
    to (``partners``)."""
    standing = geldend(register)
    rows = standing[standing["soort"] == "uitruil"][
        ["besluit", "gemeente_code", "periode", "verschuiving", "kenmerk", "datum"]].astype(
        {"gemeente_code": str, "periode": str, "verschuiving": "int64"})
    if rows.empty:
        return rows.assign(naam="", afspraak="", partners="")
    rows = rows.assign(naam=gemeenten.naam(rows["gemeente_code"]).to_numpy(object),
                       kenmerk=rows["kenmerk"].fillna("").astype(str).where(
                           rows["kenmerk"].fillna("") != "", "besluit " + rows["besluit"]
                           .astype(str)))
    members = rows.sort_values("naam").groupby("besluit")["naam"].agg(opsomming)
    days = rows["datum"].map(lambda day: datum_tekst(day.date()))
    description = ("de afspraak tussen " + rows["besluit"].map(members) + " van " + days
                   + f" ({WET}; kenmerk " + rows["kenmerk"] + ")")
    pairs = rows[["besluit", "gemeente_code", "verschuiving"]].merge(
        rows[["besluit", "naam", "verschuiving"]].rename(columns={"verschuiving": "ander"}),
        on="besluit")
    opposite = pairs[np.sign(pairs["verschuiving"]) == -np.sign(pairs["ander"])]
    partners = opposite.sort_values("naam").groupby(["besluit", "gemeente_code"])["naam"].agg(
        opsomming).rename("partners")
    return rows.assign(afspraak=description.to_numpy(object)).merge(
        partners.reset_index(), on=["besluit", "gemeente_code"], how="left").fillna(
        {"partners": ""}).reset_index(drop=True)


def per_halfjaar(register: pd.DataFrame) -> pd.DataFrame:
    """Per municipality and half-year the shift of the standing agreements (summed where there
    are several), their kenmerken, descriptions and partners."""
    rows = afspraken(register)
    rows = rows[rows["verschuiving"] != 0].sort_values(["datum", "besluit"], kind="stable")
    return rows.groupby(KEY, as_index=False).agg(
        uitruil=("verschuiving", "sum"), uitruil_kenmerk=("kenmerk", ", ".join),
        afspraak=("afspraak", opsomming), partners=("partners", opsomming),
        afspraken=("besluit", "size"))


def pas_toe(flows: pd.DataFrame, taakstelling: pd.DataFrame, register: pd.DataFrame,
            kalender: Telkalender = STANDAARD) -> pd.DataFrame:
    """The flows (one row per municipality and half-year, the version of the taakstelling that
    counts) with the standing agreements applied: ``taakstelling`` the art. 29 figure plus the
    shift where an agreement applies, the imported figure kept as ``taakstelling_bijlage_a``,
    ``uitruil`` (0 elsewhere), ``uitruil_kenmerk`` and ``uitruil_zin`` (empty elsewhere).
    ``taakstelling``: the Bijlage A rows known (every version)."""
    shifts = per_halfjaar(register)
    imported = flows["taakstelling"].astype("int64").to_numpy()
    found = flows[KEY].astype(str).merge(shifts, on=KEY, how="left")
    shift = found["uitruil"].fillna(0).astype("int64").to_numpy()
    formula = _formula(flows, taakstelling, kalender)
    agreed = formula + shift
    out = flows.assign(taakstelling=np.where(shift != 0, agreed, imported),
                       taakstelling_bijlage_a=imported, uitruil=shift,
                       uitruil_kenmerk=found["uitruil_kenmerk"].fillna("").to_numpy(object))
    out["uitruil_zin"] = _sentences(out, found, formula)
    return out


def _formula(flows: pd.DataFrame, taakstelling: pd.DataFrame,
             kalender: Telkalender) -> np.ndarray:
    """Per row of the flows the art. 29 figure of the Bijlage A row that counts; where the flows
    hold another figure (a predecessor's added after a herindeling), the flows' own."""
    counted = geldende_taakstelling(taakstelling, kalender)
    counted = counted.assign(art29=art29_cijfer(counted))[[*KEY, "taakstelling", "art29"]]
    found = flows[KEY].astype(str).merge(
        counted.astype({"gemeente_code": str, "periode": str}).rename(
            columns={"taakstelling": "_bijlage"}), on=KEY, how="left")
    imported = flows["taakstelling"].astype("int64").to_numpy()
    same = (found["_bijlage"].astype("Float64").to_numpy(float, na_value=np.nan) == imported)
    return np.where(same & found["art29"].notna().to_numpy(),
                    found["art29"].astype("Float64").to_numpy(float, na_value=0),
                    imported).astype("int64")


def _sentences(out: pd.DataFrame, found: pd.DataFrame, formula: np.ndarray) -> np.ndarray:
    """Where the taakstelling follows an agreement, how: 'De taakstelling van 31 volgt de
    afspraak tussen Assen en Tynaarlo van 1 december 2024 (...): 26 volgens Bijlage A, 5
    overgenomen van Tynaarlo.'"""
    shift = out["uitruil"].to_numpy()
    applies = shift != 0
    if not applies.any():
        return np.full(len(out), "", dtype=object)
    def text(values: object) -> pd.Series:
        return pd.Series(values, index=out.index).astype(str)

    imported = out["taakstelling_bijlage_a"].to_numpy()
    moved = text(np.abs(shift)) + np.where(shift > 0, " overgenomen van ", " overgedragen aan ") \
        + found["partners"].fillna("").astype(str).to_numpy()
    moved = moved.where(found["afspraken"].fillna(1).to_numpy() == 1, "per saldo " + moved)
    from_formula = text(imported) + " volgens Bijlage A, " + moved
    done = ("Bijlage A verwerkt de uitruil al: " + text(formula)
            + " volgens de art. 29-formule, " + moved)
    neither = ("Bijlage A geeft " + text(imported) + ", wat noch de art. 29-formule ("
               + text(formula) + ") noch de afspraak volgt; de afgesproken taakstelling geldt ("
               + text(formula) + " volgens de formule, " + moved + ")")
    figures = np.where(imported == formula, from_formula,
                       np.where(imported == formula + shift, done, neither))
    sentence = ("De taakstelling van " + text(out["taakstelling"].to_numpy())
                + " volgt " + found["afspraak"].fillna("")
                .astype(str).to_numpy() + ": " + figures + ".")
    return np.where(applies, sentence, "").astype(object)


def art29_toets(taakstelling: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Every Bijlage A row known that deviates from the art. 29 formula, with the shift of the
    standing agreements about it and ``verklaard_door``: their kenmerken where the row holds
    exactly the formula plus that shift (the agreement explains it), else empty (a warning)."""
    off = art29_afwijkingen(taakstelling)
    shifts = per_halfjaar(register)[[*KEY, "uitruil", "uitruil_kenmerk"]]
    found = off.astype({"gemeente_code": str, "periode": str}).merge(shifts, on=KEY,
                                                                      how="left")
    shift = found["uitruil"].fillna(0).astype("int64")
    explained = (shift != 0) & (found["taakstelling"].astype("int64")
                                == found["art29"].astype("int64") + shift)
    found = found.assign(uitruil=shift, verklaard_door=found["uitruil_kenmerk"].fillna("")
                         .astype(str).where(explained, ""))
    return found.reindex(columns=TOETS).astype(
        {"verklaard_door": "string", "bron_bestand": "string", "bron_blad": "string"}
    ).reset_index(drop=True)


def art29_meldingen(toets: pd.DataFrame) -> list[Problem]:
    """A warning per Bijlage A row that deviates from the art. 29 formula and that no recorded
    agreement explains (a row of :func:`art29_toets` without ``verklaard_door``)."""
    off = toets[toets["verklaard_door"].fillna("") == ""]
    names = gemeenten.naam(off["gemeente_code"].astype("string"))
    return [Problem(str(row.bron_bestand), art29_melding(row, name),
                    None if pd.isna(row.bron_blad) else str(row.bron_blad),
                    None if pd.isna(row.bron_rij) else int(row.bron_rij))
            for row, name in zip(off.itertuples(), names, strict=True)]
