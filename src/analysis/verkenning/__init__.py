"""Exploring the computed data in JupyterLab: the public API the notebooks in
``notebooks/verkennen/`` use, and nothing else of the package.

    from analysis import verkenning
    v = verkenning.laad()              # what 'bereken' wrote, with what it was made from
    v.gemeente("De Wolden")            # any spelling or code, as the command line takes it
    v.vergelijk("2024-H1", "2025-H1").naar_excel("vergelijking.xlsx")

Every result (:class:`Uitkomst`) is a tidy table with Dutch column names and plain numbers
(``.data``), shown the Dutch way, with its charts (``.grafiek()``, those of the report pages)
and its workbook (``.naar_excel(pad)``). A municipality or half-year that is not in the data is
refused with the command line's Dutch message (:class:`analysis.problems.Refused`).
"""

from analysis.verkenning.herkomst import Herkomst
from analysis.verkenning.laden import Verkenning, laad
from analysis.verkenning.uitkomst import Grafieken, Uitkomst

__all__ = ["Grafieken", "Herkomst", "Uitkomst", "Verkenning", "laad"]
