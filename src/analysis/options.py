"""The command line's option names, each spelt once, beneath every layer.

The parser (``analysis.cli.parser``) defines each option from here, and a lower layer whose
Dutch message names an option (``--periode: geen gegevens voor ...``, ``lees dan in met
--bron-verdwenen-toestaan``) takes its name from here too, so a message names the option
exactly as the parser spells it and the command line passes it on as it is. This module imports
nothing, so that ``python -m analysis --help`` stays light.
"""

# every command
RAW = "--raw"
PROCESSED = "--processed"
# the commands that compute or read a computed result
KADER = "--kader"
# ingest
ENGINE = "--engine"
BRON_VERDWENEN_TOESTAAN = "--bron-verdwenen-toestaan"
OPNIEUW = "--opnieuw"
# choosing what to show or make
PERIODE = "--periode"
PEILDATUM = "--peildatum"
GEMEENTE = "--gemeente"
PROVINCIE = "--provincie"
LANDELIJK = "--landelijk"
# writing the products
REPORTS = "--reports"
JOBS = "--jobs"
DATUM = "--datum"
SJABLOON = "--sjabloon"
SOORT = "--soort"
SJABLOON_OPSLAAN = "--sjabloon-opslaan"
# voorbeelddata
OVERSCHRIJVEN = "--overschrijven"

# The Excel readers ``--engine`` offers, the default first.
ENGINES = ("calamine", "openpyxl")
