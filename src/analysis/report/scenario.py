"""A kader of another province is a scenario: what its ratings would be, never a judgement of
this province's Gedeputeerde Staten. Pages and workbook say so; no letter goes out on it."""

from __future__ import annotations

from analysis.compute.berekening import Berekening


def scenario(result: Berekening, provincie: str) -> str | None:
    """The sentence that marks products of ``provincie`` judged with another province's kader
    (or a kader that names no province) as a scenario; None for the province's own kader."""
    own = result.kader_provincie
    if own == provincie:
        return None
    whose = f"het beoordelingskader van {own}" if own else (
        f"het beoordelingskader {result.kader_naam}, dat geen provincie noemt")
    return (f"Scenario: beoordeeld met {whose}, niet met dat van {provincie}. Dit is geen "
            f"oordeel van Gedeputeerde Staten van {provincie}; er gaan geen brieven uit.")
