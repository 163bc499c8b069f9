"""Survey results for planners: API, city distribution, export and the site include."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import Client

from server.campaigns.selectors import threshold, unit_results
from server.core.municipality import current_municipality
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_site, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner() -> Client:
    make_planner()
    client = Client()
    assert client.login(request=HttpRequest(), username="planner-t", password="pw-planner-123")
    return client


def test_it_gives_raw_and_shrunk_values_with_counts_and_intervals(planner: Client) -> None:
    big = make_campaign(unit=make_unit(year_from=4, year_to=9, pupils=100), open_now=False)
    add_responses(big, [3], 20)
    add_responses(big, [2], 20)
    small = make_campaign(unit=make_unit(year_from=4, year_to=9, pupils=100), open_now=False)
    add_responses(small, [0], 3)
    add_responses(small, [2], 2)
    third = make_campaign(unit=make_unit(year_from=4, year_to=9), open_now=False)
    add_responses(third, [2], 10)
    add_responses(third, [1], 10)

    body = planner.get("/api/v1/survey-results").json()

    assert body["threshold"] == 5
    by_unit = {r["unit"]: r for r in body["results"]}
    group = by_unit[small.unit.code]
    assert (group["suppressed"], group["respondents"], group["response_rate"]) == (False, 5, 0.05)
    index = group["indices"][0]
    assert index["respondents"] == 5
    assert index["ci_low"] <= index["raw"] <= index["ci_high"]
    # A small unit is pulled toward the city mean more than a large one.
    big_index = by_unit[big.unit.code]["indices"][0]
    assert abs(index["shrunk"] - index["raw"]) > abs(big_index["shrunk"] - big_index["raw"])
    assert index["raw"] < index["shrunk"] <= index["city_mean"]


def test_it_marks_a_small_group_suppressed_with_no_numbers(planner: Client) -> None:
    campaign = make_campaign(open_now=False)
    add_responses(campaign, [3], 4)

    (group,) = planner.get("/api/v1/survey-results").json()["results"]

    assert group["suppressed"] is True
    assert group["respondents"] is None and group["response_rate"] is None
    for index in group["indices"]:
        assert index["suppressed"] is True
        assert {k for k, v in index.items() if v is not None} == {"index", "name", "suppressed"}
    city = planner.get("/api/v1/survey-results/city").json()
    assert {row["units"] for row in city} == {0}


def test_the_site_include_shows_too_few_answers_and_the_shown_values() -> None:
    site = make_site()
    shown = make_campaign(
        unit=make_unit(site=site, name="Visade enheten", year_from=4, year_to=9), open_now=False
    )
    add_responses(shown, [2], 6)
    hidden = make_campaign(
        unit=make_unit(site=site, name="Lilla enheten"), group="parents", open_now=False
    )
    add_responses(hidden, [1], 2)

    unit_ids = list(site.units.values_list("id", flat=True))
    context = {
        "survey_results": unit_results(unit_ids=unit_ids),
        "survey_threshold": threshold(),
        "survey_hide_site_links": True,
    }
    html = render_to_string("campaigns/_survey_results.html", context)

    assert "Lilla enheten – Vårdnadshavare:" in html
    assert "för få svar" in html
    assert "Visade enheten – Elever:" in html and "6 svarande" in html
    assert "6,7" in html  # every answer "till stor del": 20/3


def test_the_results_page_and_export_answer(planner: Client) -> None:
    add_responses(make_campaign(open_now=False), [2], 6)
    page = planner.get("/enkater/resultat/")
    assert page.status_code == 200
    assert f"Hela {current_municipality().name}" in page.content.decode()
    export = planner.get("/api/v1/survey-results/export?format=csv")
    assert export.content.decode("utf-8-sig").splitlines()[0].startswith("Skolhus;Skolenhetskod")
