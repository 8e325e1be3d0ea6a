"""What the report notebooks show, prepared here so the notebooks stay thin.

Each function reads what ``bereken`` wrote (never raw exports, never a stand of its own) and
returns display-ready pieces: text in the letter's words (as HTML made by ``toon``, every text
from a file escaped), tables (:class:`tabellen.Tabel`: Dutch column names, figures the Dutch
way, downloadable), and the inputs of the charts. A report about a period shows the history up
to that period only; of the next period it shows only the taakstelling, as the letter does.

One module per page (:mod:`.gemeentepagina`, :mod:`.provinciepagina`) and what they share
(:mod:`.gedeeld`); the notebooks use the names below as ``views.gemeente(...)``.
"""

from analysis.report.views.gedeeld import (
    berekening,
    kies_gemeente_van,
    kies_periode_van,
    processed_dir,
)
from analysis.report.views.gemeentepagina import Gemeente, gemeente
from analysis.report.views.provinciepagina import Provincie, provincie

__all__ = ["Gemeente", "Provincie", "berekening", "gemeente", "kies_gemeente_van",
           "kies_periode_van", "processed_dir", "provincie"]
