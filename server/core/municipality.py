"""The one municipality this installation serves: its name, map view, price year and the
survey threshold it publishes under.

`current_municipality()` is what every page, report, map and rule reads. The values are
seeded from the environment (README, Configuration); an administrator edits them in the
admin. The survey threshold is never below `SKOLMILJO_SURVEY_THRESHOLD`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Municipality:
    name: str
    center_lat: float | None
    """Map centre; None: the maps fit the schools' extent."""
    center_lon: float | None
    zoom: int
    price_year: int
    """The year whose prices plans are shown in (construction-cost index applied)."""
    survey_threshold: int
    """Fewest respondents before any survey result is shown; >= the environment's floor."""


def seeded_municipality() -> Municipality:
    """The values the environment gives, before an administrator edits them."""
    return Municipality(
        name=settings.MUNICIPALITY_NAME,
        center_lat=settings.MUNICIPALITY_CENTER[0] if settings.MUNICIPALITY_CENTER else None,
        center_lon=settings.MUNICIPALITY_CENTER[1] if settings.MUNICIPALITY_CENTER else None,
        zoom=settings.MUNICIPALITY_ZOOM,
        price_year=settings.MUNICIPALITY_PRICE_YEAR,
        survey_threshold=settings.SURVEY_SUPPRESSION_THRESHOLD,
    )


def current_municipality() -> Municipality:
    """The municipality as configured now."""
    return seeded_municipality()
