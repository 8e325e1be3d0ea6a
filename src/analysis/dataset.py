"""Load the processed tables and shape them into the roll-forward's inputs.

COA's count (the person-level export) is leading for realisatie; the opening balance is COA's
voor/achterstand at the start of each municipality's first period with an overview.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.problems import InputError, Problem

# the tables 'bereken' writes; every other processed table comes from 'ingest'
COMPUTED = ("stand", "coa_verschillen", "beoordeling", "afstemming", "tempo")


def read_table(processed: Path, name: str) -> pd.DataFrame:
    """One processed table; a Dutch message naming the step to run when it is missing."""
    path = processed / f"{name}.parquet"
    if not path.is_file():
        step = "bereken" if name in COMPUTED else "ingest"
        raise InputError([Problem(str(path), "verwerkte gegevens ontbreken; voer eerst "
                                             f"'python -m analysis {step}' uit")])
    return pd.read_parquet(path)


def realisatie_maand(processed: Path, leidend: str = "COA") -> pd.DataFrame:
    """Realisation per municipality and month from the leading source: COA's count, or, where
    the province makes the municipalities' own reports leading, theirs for the months they
    report."""
    coa = read_table(processed, "realisatie_maand")[["gemeente_code", "maand", "periode",
                                                     "realisatie"]]
    if leidend == "COA":
        return coa
    own = read_table(processed, "gemeente_rapportage")[["gemeente_code", "maand", "periode",
                                                        "realisatie"]]
    key = ["gemeente_code", "maand"]
    rest = coa.merge(own[key], on=key, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([rest, own], ignore_index=True).sort_values(key, ignore_index=True)


def stromen(processed: Path, leidend: str = "COA") -> pd.DataFrame:
    """Taakstelling (every version) and realisatie per municipality and period."""
    taakstelling = read_table(processed, "taakstelling")
    realised = realisatie_maand(processed, leidend).groupby(
        ["gemeente_code", "periode"], as_index=False)["realisatie"].sum()
    frame = taakstelling[["gemeente_code", "periode", "versiedatum", "taakstelling",
                          "inwoners"]].merge(realised, on=["gemeente_code", "periode"],
                                             how="left")
    return frame.fillna({"realisatie": 0}).astype({"realisatie": "int64"})


def openingsstand(processed: Path) -> pd.DataFrame:
    """COA's stand at the start of each municipality's earliest period with an overview."""
    coa = read_table(processed, "coa_overzicht")
    first = coa.sort_values("peildatum").groupby("gemeente_code", as_index=False).first()
    return first[["gemeente_code", "periode", "stand_begin"]].rename(
        columns={"stand_begin": "stand"})


def coa_standen(processed: Path) -> pd.DataFrame:
    """Stands COA reports at the end of a period (its overviews dated 1 January and 1 July)."""
    coa = read_table(processed, "coa_overzicht")
    closing = coa[coa["peildatum"].dt.month.isin([1, 7]) & coa["peildatum"].dt.day.eq(1)]
    return closing.assign(
        coa_stand_eind=closing["stand_begin"] + closing["gerealiseerd"] - closing["taakstelling"],
    )[["gemeente_code", "periode", "peildatum", "coa_stand_eind", "bron_bestand"]]


def compare_with_coa(stand: pd.DataFrame, coa: pd.DataFrame) -> pd.DataFrame:
    """Computed stands against the stands COA reports; only the differences, never overwritten."""
    both = stand[["gemeente_code", "periode", "stand_eind"]].merge(
        coa, on=["gemeente_code", "periode"], how="inner")
    both["verschil"] = both["stand_eind"] - both["coa_stand_eind"]
    return both[both["verschil"] != 0].reset_index(drop=True)


def bereken_stand(processed: Path, leidend: str = "COA") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roll-forward on the processed data, and its differences with COA's stands."""
    from analysis.gemeenten import naam
    from analysis.roll_forward import rollforward

    stand = rollforward(stromen(processed, leidend), openingsstand(processed))
    stand.insert(1, "gemeente_naam", naam(stand["gemeente_code"]))
    return stand, compare_with_coa(stand, coa_standen(processed))
