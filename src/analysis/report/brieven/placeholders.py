"""What a letter template may contain: the placeholders the tool fills, and the few parts of
Jinja2 a template may use around them (if, comparisons, case filters), with what to say about
anything else.

Kept in one place so that the check of a template and the sandbox that fills it agree on it.
"""

from __future__ import annotations

import re

from jinja2 import nodes

PLACEHOLDERS: dict[str, str] = {
    "geadresseerde": "aanhef en adres van het college, regel voor regel (brieven.toml)",
    "plaats": "plaats van verzending, bijvoorbeeld Assen (brieven.toml)",
    "datum": "datum van de brief, bijvoorbeeld 19 november 2024",
    "kenmerk": "ons kenmerk van deze brief (brieven.toml, [kenmerken])",
    "uw_kenmerk": "het kenmerk van de gemeente waarop de brief antwoordt, of leeg (brieven.toml, "
                  "[uw_kenmerken])",
    "bijlagen": "de bijlagen van de brieven over de periode, gescheiden door '; ', of leeg "
                "(brieven.toml, [bijlagen])",
    "behandeld_door": "behandelaar en telefoonnummer (brieven.toml)",
    "afzender_naam": "naam van de afzender, bijvoorbeeld Provincie Drenthe (brieven.toml, "
                     "[afzender] naam)",
    "afzender_regels": "het briefhoofd onder de naam: adresregels, website en telefoonnummer, "
                       "elk op een eigen regel (wat brieven.toml geeft)",
    "afzender_adres": "de adresregels van de afzender, elk op een eigen regel, of leeg "
                      "(brieven.toml, [afzender] adres)",
    "website": "website van de afzender, of leeg (brieven.toml, [afzender] website)",
    "telefoon": "telefoonnummer van de afzender, of leeg (brieven.toml, [afzender] telefoon)",
    "afzender_voetregel": "naam, adresregels, website en telefoonnummer van de afzender op één "
                          "regel, voor de voettekst",
    "logo": "het logo van de afzender als afbeelding, of leeg (brieven.toml, [afzender] logo)",
    "provincie": "naam van de provincie",
    "gemeente": "naam van de gemeente",
    "periode": "de periode zoals in het resultatenblok: 1e helft 2024",
    "periode_voluit": "de periode voluit: eerste helft van 2024",
    "peildatum": "einde van de periode: 1 juli 2024",
    "resultaten": "de cijferregels van het blok 'Resultaten gemeente', elk als eigen alinea",
    "conclusie": "de conclusiezin: Taakstelling 1e helft 2024 niet gehaald, achterstand "
                 "toegenomen.",
    "oordeel": "het oordeel volgens het beoordelingskader, als label",
    "beoordeling": "het oordeel in zinnen: de bron van de cijfers, wat er gehuisvest is tegen "
                   "de taakstelling en de opgave (met een achterstand of voorsprong), en het "
                   "oordeel in de woorden van het beoordelingskader",
    "toezicht": "wat het oordeel betekent voor het toezicht, in de woorden van het "
                "beoordelingskader",
    "alineas": "de vrije alinea's voor de periode (brieven.toml, [alineas])",
    "ondertekening": "naam en functie van elke ondertekenaar (brieven.toml, [[ondertekenaar]])",
    "ladder_gevolg": "een verschoning en de trede op de interventieladder zoals Gedeputeerde "
                     "Staten die vastlegden, elk met het besluit (nooit het advies)",
    "volgend_meetpunt": "datum van het volgende meetpunt: 1 januari 2025",
    "cohorten": "per halfjaar van ontstaan wat van de achterstand resteert, met de termijn: "
                "Van de achterstand uit de 1e helft 2023 resteren nog 12; termijn 1 juli "
                "2025. Leeg zonder [cohorten] in het beoordelingskader of zonder achterstand",
    "besluit_datum": "datum van het besluit waarover de brief gaat (gesprek, voornemen)",
    "besluit_kenmerk": "kenmerk van dat besluit, of leeg",
    "termijn": "de termijn uit dat besluit: voor het plan van aanpak of de resultaten",
    "aantal": "het aantal te huisvesten vergunninghouders uit het voornemen",
    "besluit_resultaten": "de resultaten die het voornemen vraagt",
    "zienswijze_termijn": "tot wanneer het college een zienswijze kan geven",
    "vorige_datum": "herziene brief: datum van de brief die deze herziet",
    "vorig_kenmerk": "herziene brief: kenmerk van de brief die deze herziet",
    "wijzigingen": "herziene brief: per gewijzigd cijfer of oordeel een alinea met de oude en "
                   "de nieuwe waarde en de bron die de wijziging bracht",
}


# What a template may use: placeholders, text, {% if %} (with elif and else) on and/or/not and
# comparisons (==, !=, in) with text or numbers, and a few filters that change case or trim.
# Nothing repeats (for, macro, call, recursion), calls a function or reaches into an object, so
# filling a template takes time in proportion to its size and cannot leave the sandbox; loops
# are refused before anything is written, not stopped halfway. A timer (signal.setitimer) would
# work only in the main thread and on Unix and cannot stop one long C call such as 'x' * 10**9;
# counting calls misses a loop, which calls nothing.
ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
           nodes.If, nodes.CondExpr, nodes.Not, nodes.And, nodes.Or, nodes.Compare,
           nodes.Operand, nodes.Filter, nodes.Concat, nodes.List, nodes.Tuple)
FILTERS = ("capitalize", "lower", "title", "trim", "upper")
OPERATORS = ("eq", "ne", "in", "notin")


def forbidden(node: nodes.Node) -> tuple[str, str] | None:
    """What in a template's tree is not allowed: (a pattern to find it, a Dutch description)."""
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return r"\|\s*" + re.escape(node.name), f"het filter |{node.name}"
    if isinstance(node, nodes.Operand) and node.op not in OPERATORS:
        return r"[<>]", "een vergelijking als < of > (alleen ==, != en in)"
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return r"\b" + re.escape(node.name) + r"\b", f"een toewijzing aan {node.name}"
    if isinstance(node, ALLOWED):
        return None
    if isinstance(node, nodes.For):
        return r"\bfor\b", "een lus ({% for %})"
    if isinstance(node, nodes.Getattr):
        return r"\." + re.escape(node.attr), f"'.{node.attr}'"
    if isinstance(node, nodes.Call):
        return r"\(", "een functieaanroep (...)"
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
        return re.escape(node.operator), f"rekenen met '{node.operator}'"
    word = {nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Assign: "set",
            nodes.AssignBlock: "set", nodes.Include: "include", nodes.Import: "import",
            nodes.FromImport: "from", nodes.Extends: "extends", nodes.FilterBlock: "filter",
            nodes.With: "with", nodes.Block: "block", nodes.Test: "is"}.get(type(node))
    if word:
        return r"\b" + word + r"\b", f"'{word}'"
    if isinstance(node, nodes.Getitem | nodes.Slice):
        return r"\[", "'[...]'"
    return r"(?!)", f"'{type(node).__name__}'"


def depth(tree: nodes.Node) -> int:
    """How deep a template's tree nests (without recursion: the tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.iter_child_nodes())
    return deepest
