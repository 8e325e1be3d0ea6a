"""The glossary of the report pages: the terms of the letters and the beoordelingskader, each
with a short Dutch definition, in one place for the overview and every municipality page."""

from __future__ import annotations

import pandas as pd

BEGRIPPEN: dict[str, str] = {
    "Taakstelling": "Het aantal vergunninghouders dat een gemeente in een halfjaar moet "
                    "huisvesten, naar rato van haar inwoners (art. 29 Huisvestingswet 2014).",
    "Stand": "Het verschil tussen wat een gemeente tot een peildatum huisvestte en wat zij "
             "moest huisvesten. Onder nul is een achterstand, boven nul een voorsprong.",
    "Achterstand": "Een stand onder nul: zoveel personen heeft de gemeente minder "
                   "gehuisvest dan zij moest. Op deze pagina's met een minteken (-13).",
    "Voorsprong": "Een stand boven nul: zoveel personen heeft de gemeente meer gehuisvest "
                  "dan zij moest. Een voorsprong telt mee in het volgende halfjaar.",
    "Opgave": "Wat een gemeente in een halfjaar werkelijk moet huisvesten: de taakstelling "
              "plus de achterstand, of min de voorsprong, aan het begin van het halfjaar "
              "(ook totaalopgave genoemd).",
    "Realisatie": "Het aantal vergunninghouders dat in het halfjaar in de gemeente is "
                  "gehuisvest, volgens de overzichten van het COA.",
    "Peildatum": "De dag waarop de stand wordt opgemaakt: 1 januari en 1 juli, of later als "
                 "het beoordelingskader een uitloop kent.",
    "Verschoning": "Een besluit van Gedeputeerde Staten dat een achterstand (geheel of tot "
                   "een aantal personen) niet wordt aangerekend, bijvoorbeeld eenmalig.",
    "Interventieladder": "De stappen van het interbestuurlijk toezicht, van signaleren tot "
                         "ingrijpen, die de provincie zet als een gemeente achterblijft.",
    "Trede": "Een stap op de interventieladder. De vastgelegde trede is die waartoe "
             "Gedeputeerde Staten besloten, zoals die vastlag op de datum van de rapportage; "
             "in de historie die op de peildatum van elk halfjaar.",
    "Advies": "De stap op de interventieladder die het beoordelingskader voorstelt; een "
              "voorstel aan Gedeputeerde Staten, geen besluit.",
}

KORT = ("Stand", "Achterstand", "Voorsprong", "Taakstelling", "Opgave", "Realisatie",
        "Verschoning", "Trede", "Advies")


def begrippen(kort: bool = False) -> pd.DataFrame:
    """The glossary as a table (``Begrip``, ``Betekenis``); ``kort`` for a municipality page."""
    chosen = KORT if kort else tuple(BEGRIPPEN)
    return pd.DataFrame({"Begrip": list(chosen), "Betekenis": [BEGRIPPEN[b] for b in chosen]})
