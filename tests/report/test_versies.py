"""What changed between two publications of a period, on small hand-made publications."""

import copy

from analysis.report.versies import ALLE, per_gemeente, wijzigingen

SOURCE = "COA-overzicht per 1 juli 2024, blad 'Realisatie per gemeente', rij 10"


def publication() -> dict:
    figures = [
        {"onderdeel": "Stand begin", "waarde": -10, "bron": "x", "bron_kort": "x",
         "afgeleid": True},
        {"onderdeel": "Realisatie 1e helft 2024", "waarde": 23, "bron": SOURCE,
         "bron_kort": SOURCE, "afgeleid": False},
        {"onderdeel": "Stand eind", "waarde": -13, "bron": "y", "bron_kort": "y",
         "afgeleid": True},
    ]
    municipality = {"naam": "De Wolden", "cijfers": figures, "besluiten": [],
                    "oordeel": "Taakstelling niet gehaald", "trede": "signaleren",
                    "advies": "", "brief": {"soort": "resultaten", "kenmerk": "47/1",
                                            "datum": "2024-11-19", "bezwaren": [],
                                            "zinnen": {"conclusie": "niet gehaald"}}}
    return {"periode": "2024-H1", "status": "definitief", "kennisdatum": "2024-11-19",
            "beoordelingskader": "Drenthe", "gemeenten": {"GM1690": municipality}}


def test_the_same_publication_on_another_date_with_other_kenmerken_changes_nothing():
    later = publication()
    later["kennisdatum"] = "2024-12-16"
    later["gemeenten"]["GM1690"]["brief"] |= {"kenmerk": "47/2", "datum": "2024-12-16"}
    later["gemeenten"]["GM1690"]["cijfers"][1]["bron_kort"] = SOURCE + " (heruitgave 1)"
    assert wijzigingen(publication(), later).empty


def test_a_figure_names_its_new_source_and_a_derived_one_what_it_follows_from():
    later = publication()
    figures = later["gemeenten"]["GM1690"]["cijfers"]
    figures[1] |= {"waarde": 24, "bron_kort": SOURCE + " (heruitgave 1)"}
    figures[2] |= {"waarde": -12, "bron_kort": "stand begin (-10) plus realisatie 24"}
    changes = wijzigingen(publication(), later)
    assert changes[["onderdeel", "was", "wordt", "oorzaak"]].values.tolist() == [
        ["Realisatie 1e helft 2024", "23", "24", SOURCE + " (heruitgave 1)"],
        ["Stand eind", "-13", "-12", "volgt uit stand begin (-10) plus realisatie 24"]]
    assert per_gemeente(changes)["GM1690"][0] == (
        f"Realisatie 1e helft 2024: was 23, is nu 24 ({SOURCE} (heruitgave 1))")


def test_a_new_decision_is_listed_and_named_as_the_cause_of_a_new_rung():
    later = publication()
    decision = "plan_van_aanpak, besluit van GS van 1 december 2024, nr. 2 in het register"
    later["gemeenten"]["GM1690"] |= {"besluiten": [decision], "trede": "bestuurlijk gesprek"}
    rows = wijzigingen(publication(), later).to_dict("records")
    assert [(r["onderdeel"], r["was"], r["wordt"]) for r in rows] == [
        ("Besluit", "—", decision), ("Trede op de interventieladder", "signaleren",
                                     "bestuurlijk gesprek")]
    assert rows[1]["oorzaak"] == f"besluit: {decision}"


def test_a_status_change_is_one_row_for_the_whole_period():
    later = copy.deepcopy(publication())
    later["status"] = "voorlopig"
    rows = wijzigingen(publication(), later).to_dict("records")
    assert [(r["gemeente"], r["onderdeel"], r["was"], r["wordt"]) for r in rows] == [
        (ALLE, "Status", "definitief", "voorlopig")]


def test_a_changed_sentence_counts_only_when_nothing_under_it_changed():
    later = publication()
    later["gemeenten"]["GM1690"]["brief"]["zinnen"]["conclusie"] = "anders gezegd"
    rows = wijzigingen(publication(), later).to_dict("records")
    assert [(r["onderdeel"], r["was"], r["wordt"]) for r in rows] == [
        ("Brief: conclusie", "niet gehaald", "anders gezegd")]
