"""One absurd stored number never takes the planner pages down for the whole city: the
read side leaves it out, flags its site and goes on."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from server.core.data_version import bump
from server.inspections.models import Rating
from server.schools.models import Site

pytestmark = pytest.mark.django_db

PAGES = [
    "/api/v1/ranking",
    "/api/v1/ranking/export?format=csv",
    "/api/v1/ranking/export?format=xlsx",
    "/api/v1/plan?budget=20000000",
    "/api/v1/plan/export?budget=20000000&format=csv",
    "/dashboard/",
    "/ranking/",
    "/sites/gamla/",
    "/sites/nya/",
    "/plan/?budget=20000000",
    "/api/v1/sites/gamla/popup",
]


@pytest.fixture
def absurd(city: dict[str, Any]) -> dict[str, Any]:
    # Stored before the wire bounds existed (or through the admin): 1e308 m² of roof.
    Rating.objects.filter(site=city["old"]).update(quantity=1e308, estimated_cost_sek=float("inf"))
    return city


@pytest.mark.parametrize("path", PAGES)
def test_it_serves_every_planner_read_despite_one_absurd_value(
    planner: Client, absurd: dict[str, Any], path: str
) -> None:
    response = planner.get(path)

    assert response.status_code == 200, response.content[:500]


def ranked(planner: Client) -> dict[str, dict[str, Any]]:
    response = planner.get("/api/v1/ranking")
    assert response.status_code == 200
    return {site["code"]: site for site in response.json()["sites"]}


def test_it_flags_the_site_of_an_absurd_quantity_and_leaves_the_others_alone(
    planner: Client, city: dict[str, Any]
) -> None:
    before = ranked(planner)
    Rating.objects.filter(site=city["old"], element="roof").update(quantity=1e308)
    bump()  # a write behind the app's back: no signal counts it

    after = ranked(planner)

    assert after["gamla"]["implausible"] == ["ratings.roof"]
    assert {code: site["implausible"] for code, site in after.items() if code != "gamla"} == {
        "nya": [],
        "okand": [],
    }
    assert after["nya"]["priority"] == before["nya"]["priority"]
    assert after["gamla"]["condition"] is not None  # its grades still count


def test_it_leaves_out_an_implausible_replacement_value(
    planner: Client, city: dict[str, Any]
) -> None:
    Site.objects.filter(code="nya").update(replacement_value_sek=0)

    sites = ranked(planner)

    assert sites["nya"]["implausible"] == ["replacement_value_sek"]
    assert sites["gamla"]["implausible"] == []


def test_it_names_the_left_out_values_on_the_ranking_and_site_pages(
    planner: Client, absurd: dict[str, Any]
) -> None:
    ranking = planner.get("/ranking/").content.decode()
    site = planner.get("/sites/gamla/").content.decode()

    assert "orimliga värden utelämnade" in ranking
    assert "Orimliga värden lämnades utanför beräkningen:" in site
    assert "mängd eller kostnad för Tak" in site
