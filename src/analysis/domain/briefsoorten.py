"""The kinds of letter, chosen per municipality from the decisions GS recorded; a herziene
brief replaces a letter that was sent when a later version of the period changed its figures.

Beneath the letters themselves (``analysis.report.brieven``), so that the command line can offer
them (``brieven --soort``) without loading the report."""

KINDS = {
    "resultaten": "de resultaten van het halfjaar (zoals de brief aan De Wolden)",
    "gesprek": "verzoek om een plan van aanpak en uitnodiging voor een bestuurlijk gesprek",
    "voornemen": "voornemen tot indeplaatsstelling (art. 124 Gemeentewet)",
    "herzien": "herziene brief: de cijfers van een verzonden brief zijn gewijzigd",
}
