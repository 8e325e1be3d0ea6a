"""The computed data for exploring: :func:`laad` reads what ``bereken`` wrote, and the
:class:`Verkenning` it returns cuts it into tidy tables (:class:`Uitkomst`), each with its
charts, its workbook and the computation it comes from. Municipalities and half-years are
chosen as the command line chooses them, with the same Dutch refusals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.compute.berekening import Berekening
from analysis.domain.periods import kies_periode
from analysis.problems import Refused
from analysis.report import toon
from analysis.report.views.gedeeld import berekening, kies, kies_gemeente_van, kies_periode_van
from analysis.verkenning import _ranglijst, _standen, _vergelijking, _wat_als
from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.uitkomst import Uitkomst

if TYPE_CHECKING:
    import ipywidgets

VRAGEN = ['v.stand', 'v.gemeente("De Wolden")', 'v.periode("1e helft 2024")',
          'v.vergelijk("2024-H1", "2025-H1")', 'v.ranglijst(maat="per_10000")', "v.kiezer()",
          "en van elke uitkomst .grafiek() en .naar_excel(pad)"]


def laad(processed: str | Path | None = None) -> Verkenning:
    """The computation in ``processed`` (default: the project's ``data/processed``), read
    once per kernel while it does not change. Refused in Dutch when there is none, or when
    it no longer belongs to the ingested files."""
    result = berekening(processed)
    return Verkenning(result, Herkomst.van(result))


@dataclass(frozen=True, repr=False)
class Verkenning:
    """The computed tables of one ``bereken`` and what they were made from (``herkomst``),
    with a method for every cut an analyst asks for."""

    berekening: Berekening
    herkomst: Herkomst

    def kies_gemeente(self, gemeente: str) -> str:
        """The CBS code of a municipality named or numbered any common way ('De Wolden',
        'Wolden, De', 'GM1690', '1690'); refused as the command line refuses it."""
        return kies_gemeente_van(self.berekening, str(gemeente))

    def kies_periode(self, periode: str | None = None) -> str:
        """A half-year in any spelling ('1e helft 2024', '2024-H1', 'H1 2024') as
        '2024-H1', checked against the data; without one, the latest complete."""
        return kies_periode_van(self.berekening, periode or "")

    @cached_property
    def stand(self) -> Uitkomst:
        """Every municipality in every half-year: the stand at the start and the end,
        taakstelling, opgave, realisatie, percentages and development."""
        return _standen.stand_tabel(self.berekening, self.herkomst)

    def gemeente(self, gemeente: str, periode: str | None = None) -> Uitkomst:
        """One municipality in every half-year, with its rating, rung and advice; with
        ``periode``, up to and including that half-year (as its report shows it), that row in
        bold and marked in the charts."""
        code = self.kies_gemeente(gemeente)
        chosen = self.kies_periode(periode) if periode else None
        return _standen.gemeente_tabel(self.berekening, self.herkomst, code, chosen)

    def periode(self, periode: str | None = None) -> Uitkomst:
        """Every municipality in one half-year (default: the latest complete), with its
        rating, rung and advice."""
        return _standen.periode_tabel(self.berekening, self.herkomst,
                                      self.kies_periode(periode))

    def vergelijk(self, van: str, naar: str) -> Uitkomst:
        """Per municipality the change of every figure from half-year ``van`` to ``naar``,
        and its rating and rung in both."""
        before, after = self._halfjaar("van", van), self._halfjaar("naar", naar)
        return _vergelijking.vergelijk_tabel(self.berekening, self.herkomst, before, after)

    def ranglijst(self, periode: str | None = None, maat: str = "per_10000") -> Uitkomst:
        """The municipalities of a closed half-year (default: the latest complete) in order
        of ``maat``: ``per_10000`` (stand per 10,000 inhabitants), ``pct_taakstelling``
        (share of the taakstelling realised) or ``achterstand``; the furthest behind first."""
        return _ranglijst.ranglijst_tabel(self.berekening, self.herkomst,
                                          self.kies_periode(periode), maat)

    def kiezer(self, gemeente: str | None = None,
               periode: str | None = None) -> ipywidgets.VBox:
        """A municipality and a half-year to pick from lists, redrawing that
        municipality's table and charts (ipywidgets; everything else works without)."""
        from analysis.verkenning._kiezer import kiezer

        return kiezer(self, gemeente, periode)

    def scenario(self, gemeente: str, realisatie: dict[str, int] | None = None,
                 taakstelling: dict[str, int] | None = None) -> Uitkomst:
        """A municipality's stand and rating had its realisatie or taakstelling in some
        half-years (any spelling, new ones too) been other: a scenario, marked so."""
        return _wat_als.scenario_tabel(self.berekening, self.herkomst,
                                       self.kies_gemeente(gemeente), realisatie, taakstelling)

    def prognose(self, landelijk: int, periode: str | None = None) -> Uitkomst:
        """Each municipality's taakstelling and opgave (art. 29) for a national total of
        ``landelijk`` persons in ``periode`` (default: the half-year after the last
        computed): a forecast, marked so."""
        return _wat_als.prognose_tabel(self.berekening, self.herkomst, landelijk, periode)

    def _halfjaar(self, what: str, periode: str) -> str:
        """A half-year that must be given, in any spelling; a refusal names ``what``."""
        if not periode:
            raise Refused(f"{what}: geef een halfjaar, bijvoorbeeld '2024-H1'")
        result = self.berekening
        return kies(what, kies_periode, periode, result.periodes, result.laatste_volledige)

    def _repr_html_(self) -> str:
        asks = toon.lijst(VRAGEN).data
        return (toon.kop("Verkenning van de berekende gegevens", niveau=3).data
                + self.herkomst._repr_html_()
                + toon.alinea("Vraag bijvoorbeeld:").data + asks)

    def __repr__(self) -> str:
        return "\n".join(["Verkenning van de berekende gegevens", repr(self.herkomst),
                          "Vraag bijvoorbeeld:", *[f"  {ask}" for ask in VRAGEN]])
