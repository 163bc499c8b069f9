"""The Content-Security-Policy on every kind of page, through Django's test client: the
header is there, frames only from ourselves, and every inline <script> and <style> carries
the response's own nonce (else the browser would refuse it; the browser tests see that)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from maps.tiles import TILES_URL, tiles_origin
from server.pages.dashboard import cached_map_html, dashboard_extra
from server.planning.models import SavedPlan
from server.planning.selectors import RankingQuery, ranking_get
from tests.server.accounts.accounts_factories import make_inspector, make_user
from tests.server.campaigns.campaign_factories import add_responses, make_campaign
from tests.server.planning.conftest import city, planner  # noqa: F401

pytestmark = pytest.mark.django_db

PLAN = "budget=2000000&years=2&start_year=2027"
PLANNER_PAGES = [
    "/dashboard/",
    "/dashboard/map/?tiles=0",
    "/dashboard/map/",
    "/ranking/",
    "/sites/gamla/",
    f"/plan/?{PLAN}",
    f"/plan/map/?{PLAN}&tiles=0",
    f"/plan/map/?{PLAN}",
    "/enkater/",
    "/enkater/resultat/",
]


class _InlineTags(HTMLParser):
    """The <script> and <style> elements whose code is in the page, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        # A JSON data block (Swagger UI's settings) is never run: CSP has no say on it.
        code = tag == "style" or (
            tag == "script" and "src" not in found and found.get("type") != "application/json"
        )
        if code:
            self.tags.append((tag, found))


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))  # type: ignore[misc]


def assert_under_the_policy(response: Any) -> list[tuple[str, dict[str, str | None]]]:
    """Checks the response's policy and its inline tags' nonces; returns the tags."""
    assert response.status_code == 200, response.content[:500]
    policy = directives(response)
    assert policy["frame-ancestors"] == "'self'"
    assert policy["object-src"] == "'none'"
    parser = _InlineTags()
    parser.feed(response.content.decode())
    if parser.tags:
        nonce = re.fullmatch(r"'self' 'nonce-([^']+)'", policy["script-src"])
        assert nonce, policy["script-src"]
        assert policy["style-src"] == policy["script-src"]
        assert [attrs.get("nonce") for _, attrs in parser.tags] == [nonce.group(1)] * len(
            parser.tags
        ), parser.tags
    return parser.tags


def test_it_names_the_policy_in_full() -> None:
    response = Client().get("/")

    assert directives(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": f"'self' data: blob: {tiles_origin(TILES_URL)}",
        "connect-src": "'self'",
        "font-src": "'self' data:",
        "frame-src": "'self'",
        "frame-ancestors": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }


def test_it_allows_the_host_the_maps_draw_tiles_from() -> None:
    assert tiles_origin(TILES_URL) == "https://tile.openstreetmap.org"


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/admin/login/", "/api/v1/docs"])
def test_it_covers_the_public_pages(url: str) -> None:
    assert_under_the_policy(Client().get(url))


def test_it_covers_static_files_too() -> None:
    # An SVG can hold a script; WhiteNoise answers after the policy's middleware has run.
    response = Client().get("/static/pages/favicon.svg")

    assert response.status_code == 200
    assert directives(response)["default-src"] == "'self'"


@pytest.mark.parametrize("url", PLANNER_PAGES)
def test_it_covers_every_planner_page(planner: Client, city: dict[str, Any], url: str) -> None:  # noqa: F811
    assert_under_the_policy(planner.get(url))


def test_it_covers_the_pages_that_need_saved_plans_and_campaigns(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    planner.post(f"/plan/save/?{PLAN}", {"name": "Snål"})
    planner.post("/plan/save/?budget=9000000&years=2&start_year=2027", {"name": "Generös"})
    a, b = SavedPlan.objects.order_by("created_at")
    campaign = make_campaign()
    add_responses(campaign, [2, 3], 6)

    for url in [f"/plan/compare/?a={a.pk}&b={b.pk}", f"/enkater/{campaign.code}/"]:
        assert_under_the_policy(planner.get(url))


def test_it_covers_the_public_survey_form_and_its_thanks() -> None:
    campaign = make_campaign()

    assert_under_the_policy(Client().get(f"/s/{campaign.code}"))
    assert_under_the_policy(Client().get(f"/s/{campaign.code}/tack"))


def test_it_puts_the_nonce_on_the_admins_enrollment_code_style() -> None:
    client = Client()
    client.force_login(make_user(username="admin", is_staff=True, is_superuser=True))
    anna = make_inspector(username="anna")
    for url in ["/admin/", "/admin/accounts/enrollmentcode/", "/admin/accounts/device/"]:
        assert_under_the_policy(client.get(url))

    tags = assert_under_the_policy(
        client.post("/admin/accounts/enrollmentcode/add/", {"user": anna.pk, "hours": 3})
    )

    assert [tag for tag, _ in tags] == ["style"]


def test_it_gives_each_map_response_its_own_nonce_and_caches_none(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    first = planner.get("/dashboard/map/?tiles=0")
    second = planner.get("/dashboard/map/?tiles=0")
    cached = cached_map_html(
        "dashboard",
        ranking_get(RankingQuery()),
        f"tiles=False|{dashboard_extra()}",
        lambda: pytest.fail("the first response cached no map"),
    )

    tags = assert_under_the_policy(first)
    assert_under_the_policy(second)
    folium_tags = _InlineTags()
    folium_tags.feed(cached)
    assert len(tags) == len(folium_tags.tags) >= 4  # every one of folium's inline tags
    assert directives(first)["script-src"] != directives(second)["script-src"]
    assert "nonce" not in cached
