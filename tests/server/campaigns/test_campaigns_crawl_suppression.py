"""Crawler: a suppressed group's answers, or anything derived from them, appear nowhere.

A unit's pupils' group has one respondent too few, all answering "till viss del" on
every item: a mean of 3.33 that no shown unit has. A planner's crawl follows every page
link and frame, every API list and read of the OpenAPI schema, and every export, and the
sentinel (in every way it could be written) is found nowhere. The same crawl with one
respondent more does find it, so the crawler would see a leak.

Beside it, an open campaign of another unit has more than enough respondents giving the
same answers: an open campaign's answers reach nothing either, so it must not be found.
Every other campaign is closed, as only closed campaigns are published.
"""

from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from openpyxl import load_workbook

from server.api import api
from server.campaigns.models import Campaign
from server.schools.models import District, SchoolUnit, Site
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_district, make_site, make_unit

pytestmark = pytest.mark.django_db

# The mean 10/3 in every form pages, the API and exports could write it (3.3, 3,33,
# 3.3333...), and what the leaked unit would make of the city mean (10, 20/3, 10 and
# 10/3 -> 7.5) and of its site's experience need (100 - 10/3 * 10 = 66.67). No digit
# may stand before, so 33.33 (the need of the unit at 20/3) is not taken for one.
SENTINELS = [
    re.compile(r"(?<![\d.,])3[.,]3"),
    re.compile(r"(?<![\d.,])7[.,]5(?!\d)"),
    re.compile(r"(?<![\d.,])66[.,]6[67]"),
]
SKIP = ("/static/", "/admin/", "/accounts/logout", "/media/", "/favicon")


def _text(response: object) -> str:
    content_type = response["Content-Type"]  # type: ignore[index]
    body = response.content  # type: ignore[attr-defined]
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if c is None else str(c) for c in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if content_type.startswith(("image/", "application/pdf")):
        return ""
    return body.decode("utf-8", errors="replace")


def _api_urls() -> list[str]:
    fill = {
        "districts": list(District.objects.values_list("code", flat=True)),
        "sites": list(Site.objects.values_list("code", flat=True)),
        "units": list(SchoolUnit.objects.values_list("code", flat=True)),
        "campaigns": list(Campaign.objects.values_list("code", flat=True)),
    }
    urls = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        if "get" not in methods or any(s in path for s in ("/sync/", "/photos/", "/plans")):
            continue
        if "{uuid}" in path:
            continue
        query = "?budget=100000000" if path.endswith(("/plan", "/plan/export")) else ""
        if "{code}" not in path:
            urls.append(path + query)
            if path.endswith("/export"):
                urls.append(path + (query + "&" if query else "?") + "format=xlsx")
            continue
        kind = path.split("/")[3]
        urls += [path.replace("{code}", code) for code in fill.get(kind, [])]
    return urls


def crawl(client: Client) -> dict[str, str]:
    """Every page and API answer a planner reaches: url -> text."""
    seen: dict[str, str] = {}
    queue = deque(["/", "/dashboard/", "/enkater/", "/enkater/resultat/", *_api_urls()])
    while queue:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        seen[url] = text = _text(response)
        assert response.status_code < 500, url
        for link in re.findall(r'(?:href|src)="([^"#]+)"', text):
            if "'" in link or " " in link:  # a URL being built in a script, not a link
                continue
            absolute = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            outside = parts.netloc not in {"", "testserver"}
            if outside and not absolute.startswith(settings.PUBLIC_URL):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not local.startswith(SKIP) and local not in seen:
                queue.append(local)
    return seen


def found(pages: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (url, m.group()) for url, text in pages.items() for s in SENTINELS for m in s.finditer(text)
    ]


def build(suppressed_respondents: int) -> None:
    # The dashboard map draws district boundaries; give the schools a district with one.
    square = [[[11.9, 57.6], [12.1, 57.6], [12.1, 57.8], [11.9, 57.8], [11.9, 57.6]]]
    district = make_district(boundary={"type": "Polygon", "coordinates": square})

    def unit(**fields: object) -> SchoolUnit:
        return make_unit(site=make_site(district=district), year_from=4, year_to=9, **fields)

    for value in (3, 2, 3):
        add_responses(make_campaign(unit=unit(), open_now=False), [value], 6)
    target = make_campaign(unit=unit(name="Sentinelskolan"), open_now=False)
    add_responses(target, [1], suppressed_respondents)
    still_open = make_campaign(unit=unit(name="Öppna skolan"), open_now=True)
    add_responses(still_open, [1], settings.SURVEY_SUPPRESSION_THRESHOLD + 3)


@pytest.fixture
def planner() -> Client:
    make_planner()
    client = Client()
    assert client.login(request=HttpRequest(), username="planner-t", password="pw-planner-123")
    return client


def test_a_suppressed_groups_answers_reach_no_page_api_or_export(planner: Client) -> None:
    build(settings.SURVEY_SUPPRESSION_THRESHOLD - 1)

    pages = crawl(planner)

    assert {"/enkater/resultat/", "/api/v1/survey-results/export?format=xlsx"} <= pages.keys()
    assert any("/dashboard/map/" in url for url in pages)
    assert "Sentinelskolan" in pages["/enkater/resultat/"]  # shown, as "för få svar"
    assert found(pages) == []


def test_the_crawler_finds_the_sentinel_once_the_group_is_large_enough(planner: Client) -> None:
    build(settings.SURVEY_SUPPRESSION_THRESHOLD)

    pages = crawl(planner)

    leaks = {url for url, _ in found(pages)}
    assert {"/enkater/resultat/", "/api/v1/survey-results"} <= leaks
