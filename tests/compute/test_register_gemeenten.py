"""A decision names a municipality of the province whose data it judges: one of another
province (a slip that names another real municipality) is refused naming the province it lies
in, and a name that is not known is refused with the nearest known name."""

from __future__ import annotations

import pytest

from analysis.compute.register import load_register
from analysis.domain.besluiten import Register
from analysis.domain.gemeenten import provincie_codes
from analysis.problems import InputError

DRENTHE = provincie_codes("Drenthe")


def register(gemeente: str) -> Register:
    return Register("toezichtsbesluiten.toml", (
        '[[besluit]]\nsoort = "verschoning"\ngemeente = "De Wolden"\nperiode = "2024-H1"\n'
        'reden = "eerste"\ndatum = 2024-11-19\n\n'
        f'[[besluit]]\nsoort = "verschoning"\ngemeente = "{gemeente}"\nperiode = "2024-H1"\n'
        'reden = "tweede"\ndatum = 2024-11-19\n').encode())


def refusal(gemeente: str) -> str:
    with pytest.raises(InputError) as refused:
        load_register(register(gemeente), DRENTHE)
    [problem] = refused.value.problems
    assert problem.bestand == "toezichtsbesluiten.toml"
    return problem.melding


def test_a_municipality_of_another_province_is_refused_naming_its_province() -> None:
    assert refusal("Groningen") == (
        "besluit 2 (regel 8): gemeente Groningen (GM0014) hoort bij de provincie Groningen, "
        "niet bij Drenthe, waarvan de gegevens zijn; een besluit over een gemeente buiten de "
        "provincie hoort hier niet")


@pytest.mark.parametrize(("name", "suggested"), [("De Wolde", "De Wolden"),
                                                  ("Tynarlo", "Tynaarlo"),
                                                  ("Midden Drent", "Midden-Drenthe")])
def test_an_unknown_name_suggests_the_nearest(name: str, suggested: str) -> None:
    assert refusal(name) == (f"besluit 2 (regel 8): onbekende gemeente '{name}' (bedoelt u "
                             f"{suggested}?)")


def test_a_name_far_from_every_municipality_suggests_nothing() -> None:
    assert refusal("Atlantis") == "besluit 2 (regel 8): onbekende gemeente 'Atlantis'"


def test_the_province_own_municipalities_pass() -> None:
    found = load_register(register("Tynaarlo"), DRENTHE)
    assert set(found["gemeente_code"]) == {"GM1690", "GM1730"}
