"""The planner pages under the municipality's settings: the map's opening view, and the
plan's price year."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from server.core.models import MunicipalitySettings

pytestmark = pytest.mark.django_db


def test_it_opens_the_dashboard_map_at_the_municipalitys_centre(
    planner: Client, city: dict[str, Any]
) -> None:
    MunicipalitySettings.objects.create(
        name="Lerums kommun",
        center_lat=57.7705,
        center_lon=12.269,
        zoom=13,
        price_year=2026,
        survey_threshold=5,
    )

    html = planner.get("/dashboard/map/?tiles=0").content.decode()

    assert "[57.7705, 12.269]" in html and '"zoom": 13' in html
    assert "fitBounds" not in html


def test_it_fits_the_dashboard_map_to_the_schools_without_a_centre(
    planner: Client, city: dict[str, Any], settings: Settings
) -> None:
    settings.MUNICIPALITY_CENTER = None

    html = planner.get("/dashboard/map/?tiles=0").content.decode()

    assert "fitBounds" in html


def test_it_states_the_price_year_of_the_plans_costs(planner: Client, city: dict[str, Any]) -> None:
    MunicipalitySettings.objects.create(
        name="Lerums kommun", zoom=11, price_year=2027, survey_threshold=5
    )

    html = planner.get("/plan/?budget=5000000&years=2").content.decode()

    # Not the built-in catalogue's 2026: the municipality's year.
    assert "Kostnader i 2027 års priser." in html
