"""The decisions register as ingest stored it, which recorded decisions stand, and which look
mistyped: rules read by the computation, the letters and the terminal alike."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.domain.telkalender import STANDAARD, Telkalender
from analysis.formatting import datum
from analysis.problems import InputError, Problem
from analysis.tomlfile import TomlFileError, parse_toml, read_toml, soort

COLUMNS = ["bron_bestand", "bestand_hash", "inhoud"]  # the table ingest writes


@dataclass(frozen=True)
class Register:
    """The decisions file as read on ingest: its name, its bytes and their SHA-256. Its form
    (readable, UTF-8, TOML of ``[[besluit]]`` blocks, at least one) is checked when it is read;
    what the entries say is checked by the computation, against the kader and the data."""

    naam: str
    inhoud: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.inhoud).hexdigest()

    @classmethod
    def read(cls, path: Path) -> Register:
        """The file at ``path``, its form checked; a Dutch problem naming it otherwise."""
        try:
            data, content = read_toml(path)
        except TomlFileError as error:
            raise InputError([Problem(path.name, str(error))]) from None
        register = cls(path.name, content)
        _entries(data, path.name)
        return register

    def entries(self) -> list:
        """The file's ``[[besluit]]`` entries."""
        return _entries(parse_toml(self.inhoud), self.naam)

    def table(self) -> pd.DataFrame:
        """The one-row table ingest writes to the processed folder."""
        return pd.DataFrame({"bron_bestand": [self.naam], "bestand_hash": [self.sha256],
                             "inhoud": [self.inhoud]})

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Register | None:
        """The register ingest stored, None when there was no decisions file."""
        if table.empty:
            return None
        row = table.iloc[0]
        return cls(str(row["bron_bestand"]), bytes(row["inhoud"]))


def empty_table() -> pd.DataFrame:
    """The table ingest writes when there is no decisions file."""
    return pd.DataFrame({"bron_bestand": pd.Series(dtype="string"),
                         "bestand_hash": pd.Series(dtype="string"),
                         "inhoud": pd.Series(dtype=object)})


def _entries(data: dict, name: str) -> list:
    """The ``[[besluit]]`` entries; nothing else may be in the file, and at least one entry
    must be: an empty register would silently read as 'no decisions' (every verschoning
    gone)."""
    if not data or data.get("besluit") == []:
        raise InputError([Problem(name, "bestand is leeg of bevat alleen commentaar; "
                                        "verwacht [[besluit]]-blokken. Zijn er geen "
                                        "besluiten, verwijder het bestand dan")])
    unknown = sorted(set(data) - {"besluit"})
    if unknown:
        raise InputError([Problem(name, f"onbekende sleutel {', '.join(unknown)} (verwacht "
                                        "alleen [[besluit]]-blokken)")])
    entries = data.get("besluit", [])
    if not isinstance(entries, list):
        raise InputError([Problem(name, "verwacht [[besluit]]-blokken, gevonden "
                                        f"besluit = {soort(entries)}")])
    return entries

EARLY = pd.DateOffset(years=1)  # a decision this long before its peildatum is most likely a typo


def vroege_besluiten(register: pd.DataFrame, kalender: Telkalender = STANDAARD) -> list[str]:
    """A warning per decision about a half-year dated more than a year before that half-year's
    peildatum (2014-11-19 for 2024-11-19): legal, but most often a typing error."""
    about = register[register["periode"].notna() & (register["periode"] != "")]
    about = about.drop_duplicates("besluit")
    closing = pd.to_datetime([kalender.peildatum(p) for p in about["periode"]])
    early = about[(about["datum"] < closing - EARLY).to_numpy()]
    return [f"besluit {row.besluit} ({row.soort} over {row.periode}) is gedateerd "
            f"{datum(row.datum)}, meer dan een jaar voor de peildatum "
            f"{datum(kalender.peildatum(row.periode))}; klopt de datum?"
            for row in early.itertuples()]


def geldend(register: pd.DataFrame, ingetrokken: bool = True) -> pd.DataFrame:
    """The decisions that stand: without those annulled (a ``bezwaar`` or ``beroep`` found
    gegrond, as if never taken) and, unless ``ingetrokken`` is False, those withdrawn
    (``intrekking``, which takes effect from its own date), for the same municipality."""
    annulled = (register["soort"].isin(["bezwaar", "beroep"])
                & (register["uitkomst"] == "gegrond")).fillna(False)
    undone = register[annulled | ((register["soort"] == "intrekking") & ingetrokken)]
    gone = register[["gemeente_code", "kenmerk"]].merge(
        undone[["gemeente_code", "verwijst_naar"]].rename(columns={"verwijst_naar": "kenmerk"}),
        how="left", indicator=True)["_merge"].eq("both").to_numpy()
    return register[~gone | (register["kenmerk"] == "").to_numpy()].reset_index(drop=True)


def verschoningen(register: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality and period a standing verschoning excuses (the latest decision
    where there are several)."""
    rows = geldend(register)
    rows = rows[rows["soort"] == "verschoning"].sort_values(["datum", "besluit"])
    return rows.drop_duplicates(["gemeente_code", "periode"], keep="last")[
        ["gemeente_code", "periode", "reden", "kenmerk", "datum", "personen"]].rename(
        columns={"datum": "besluitdatum"}).reset_index(drop=True)
