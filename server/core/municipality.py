"""The one municipality this installation serves: its name, map view, price year and the
survey threshold it publishes under.

`current_municipality()` is what every page, report, map and rule reads. The values are
seeded from the environment (README, Configuration); an administrator edits them in the
admin. The survey threshold is never below `SKOLMILJO_SURVEY_THRESHOLD`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from server.core.models import (
    CACHE_KEY,
    SINGLETON_ID,
    MunicipalitySettings,
    survey_threshold_floor,
)

# A safety net only: every save and delete of the row clears the entry at once. This
# bounds how long a change made behind the models' back (a raw SQL update) goes unseen.
CACHE_SECONDS = 60
FIELDS = ("name", "center_lat", "center_lon", "zoom", "price_year", "survey_threshold")


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

    @property
    def center(self) -> tuple[float, float] | None:
        """(lat, lon) the maps open at; None: they fit the schools."""
        if self.center_lat is None or self.center_lon is None:
            return None
        return self.center_lat, self.center_lon


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
    """The municipality as configured now: the administrator's row, or else the seed.

    The row is cached (Django's cache, which may be shared by several processes) and the
    entry cleared whenever the row is saved. What is cached is the row, not the result,
    so the seed and the threshold's floor always come from this process's environment:
    a threshold saved before the floor was raised is read as the floor.
    """
    row = _cached_row()
    if row is None:
        return seeded_municipality()
    return Municipality(
        **{**row, "survey_threshold": max(row["survey_threshold"], survey_threshold_floor())}
    )


def _cached_row() -> dict[str, Any] | None:
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached.get("row")
    values = MunicipalitySettings.objects.filter(pk=SINGLETON_ID).values(*FIELDS).first()
    cache.set(CACHE_KEY, {"row": values}, CACHE_SECONDS)
    return values


def municipality_initial() -> dict[str, Any]:
    """The admin form's starting values while there is no row: the seed."""
    return asdict(seeded_municipality())
