"""What a computation was made from: kader, date of knowledge, leading source, input files,
half-years and municipalities. Every result of the exploration carries it, so that a table
or a workbook copied out of a notebook still says which computation it comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.compute.berekening import Berekening
from analysis.domain import gemeenten
from analysis.domain.periods import datum_tekst, periode_tekst
from analysis.report import toon
from analysis.report.scenario import scenario

BESTANDEN = {"bron_bestand": "Bestand", "bron": "Bron", "blad": "Blad", "rijen": "Rijen",
             "bestand_hash": "SHA-256"}


@dataclass(frozen=True, repr=False)
class Herkomst:
    """The computation behind a result, in the words a reader sees (Dutch on display)."""

    folder: Path               # the processed folder
    kader: str                 # the beoordelingskader's name
    kader_provincie: str | None  # the province the kader belongs to (None: it names none)
    provincie: str             # the province of the municipalities (or "Nederland")
    kennisdatum: dt.date       # the day whose knowledge the computation holds
    berekend_op: dt.datetime   # when ``bereken`` ran
    leidende_bron: str         # the count that leads where a municipality reports otherwise
    bestanden: pd.DataFrame    # every input file: Bestand, Bron, Blad, Rijen, SHA-256
    periodes: tuple[str, ...]  # every half-year with a stand, in order
    gemeenten: tuple[str, ...]  # the municipalities' names, in alphabetical order
    scenario: str | None       # "Scenario: ..." when the kader is another province's

    @classmethod
    def van(cls, berekening: Berekening) -> Herkomst:
        """The origin of ``berekening``, read from its manifest and ``bestanden.parquet``."""
        codes = pd.Series(berekening.gemeenten, dtype="string")
        provinces = gemeenten.provincie(codes).dropna().unique()
        provincie = str(provinces[0]) if len(provinces) == 1 else "Nederland"
        files = berekening.table("bestanden")[list(BESTANDEN)].rename(columns=BESTANDEN)
        return cls(
            folder=berekening.folder, kader=berekening.kader_naam,
            kader_provincie=berekening.kader_provincie, provincie=provincie,
            kennisdatum=berekening.kennisdatum,
            berekend_op=dt.datetime.fromisoformat(berekening.manifest["berekend_op"]),
            leidende_bron=berekening.leidende_bron,
            bestanden=files.astype({"Rijen": "Int64"}).reset_index(drop=True),
            periodes=tuple(berekening.periodes),
            gemeenten=tuple(sorted(gemeenten.naam(codes).fillna(codes).tolist())),
            scenario=scenario(berekening, provincie))

    @property
    def regel(self) -> str:
        """The computation in one line: kader, date of knowledge, when computed, leading
        source."""
        whose = f" (provincie {self.kader_provincie})" if self.kader_provincie else ""
        return (f"berekening met beoordelingskader {self.kader}{whose}, kennisdatum "
                f"{datum_tekst(self.kennisdatum)}, berekend op "
                f"{datum_tekst(self.berekend_op)} om {self.berekend_op:%H:%M}, leidende bron "
                f"{self.leidende_bron}")

    @property
    def halfjaren(self) -> str:
        """'8 halfjaren: 1e helft 2022 t/m 2e helft 2025'."""
        if not self.periodes:
            return "geen halfjaren"
        return (f"{len(self.periodes)} halfjaren: {periode_tekst(self.periodes[0])} t/m "
                f"{periode_tekst(self.periodes[-1])}")

    def _regels(self) -> list[tuple[str, str]]:
        whose = f" (provincie {self.kader_provincie})" if self.kader_provincie else ""
        return [("Gegevens", str(self.folder)),
                ("Beoordelingskader", f"{self.kader}{whose}"),
                ("Kennisdatum", datum_tekst(self.kennisdatum)),
                ("Berekend op", f"{datum_tekst(self.berekend_op)} om "
                                f"{self.berekend_op:%H:%M}"),
                ("Leidende bron", self.leidende_bron),
                ("Halfjaren", self.halfjaren),
                ("Gemeenten", f"{len(self.gemeenten)} in {self.provincie}: "
                              f"{', '.join(self.gemeenten)}"),
                ("Invoerbestanden", f"{len(self.bestanden)} (met hun SHA-256)")]

    def _repr_html_(self) -> str:
        lines = "".join(f'<tr><th scope="row">{toon.tekst(label)}</th>'
                        f"<td>{toon.tekst(value)}</td></tr>" for label, value in self._regels())
        files = toon.tabel(self.bestanden).hide(axis="index").to_html()
        marked = toon.alinea(toon.vet(self.scenario)).data if self.scenario else ""
        return (f"{marked}<table><caption>Herkomst van de berekening</caption><tbody>{lines}"
                f"</tbody></table><details><summary>De {len(self.bestanden)} "
                f"invoerbestanden</summary>{files}</details>")

    def __repr__(self) -> str:
        lines = [f"{label}: {value}" for label, value in self._regels()]
        return "\n".join(["Herkomst van de berekening", *lines,
                          *([self.scenario] if self.scenario else [])])
