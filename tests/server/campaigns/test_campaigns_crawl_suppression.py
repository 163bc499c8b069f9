"""Crawler: a suppressed group's answers, or anything derived from them, appear nowhere.

A unit's pupils' group has one respondent too few, all answering "till viss del" on
every item: a mean of 3.33 that no shown unit has. A planner's crawl follows every page
link and frame, every API list and read of the OpenAPI schema, and every export, and the
sentinel (in every way it could be written) is found nowhere. The same crawl with one
respondent more does find it, so the crawler would see a leak.

Beside it, an open campaign of another unit has more than enough respondents giving the
same answers: an open campaign's answers reach nothing either, so it must not be found.
Every other campaign is closed, as only closed campaigns are published.

Nor may a page give the suppressed group's respondent count: the threshold is raised to
`LIMIT` so that the count (`LIMIT - 1`, 13) is a number nothing else near the group has,
and no record that names the unit (a table row or caption with its attributes, a line of
a CSV file or sheet, a JSON object with the objects around it) may hold it. Campaign
administration is the exception, by design (README, "Survey results: the publication
rule"): planners follow a campaign by its response count, so `COUNTS_BY_DESIGN` is not
searched for the count (it is for the sentinels).
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

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

LIMIT = 14
"""The threshold here: the suppressed group's count, 13, stands out."""
COUNTS_BY_DESIGN = re.compile(
    r"^/enkater/(\?.*)?$|^/enkater/(?!resultat/)[^/]+/$|^/api/v1/campaigns"
)
"""Campaign administration: a campaign's response count is shown whatever its size."""
TARGET = "Sentinelskolan"


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


def _json_records(value: object, around: str = "") -> list[str]:
    """Each JSON object's own values, with those of the objects it sits in (an index
    inside its unit's group): one record each."""
    if isinstance(value, list):
        return [record for item in value for record in _json_records(item, around)]
    if not isinstance(value, dict):
        return []
    own = (
        around
        + " "
        + " ".join(
            f"{key}: {json.dumps(item)}"
            for key, item in value.items()
            if not isinstance(item, dict | list)
        )
    )
    nested = [_json_records(item, own) for item in value.values() if isinstance(item, dict | list)]
    return [own, *(record for records in nested for record in records)]


def _html_records(html: str) -> list[str]:
    """A table's rows, each with the table's caption (a unit's group above its indices),
    and outside tables list items, paragraphs and headings; tags and attributes kept."""
    out = []
    for part in re.split(r"(<table\b.*?</table>)", html, flags=re.S):
        if not part.startswith("<table"):
            out += re.split(r"</(?:li|p|h[1-6]|dt|dd)>", part)
            continue
        caption = re.search(r"<caption\b.*?</caption>", part, flags=re.S)
        heading = caption.group() if caption else ""
        out += [heading + row for row in re.split(r"</tr>", part)]
    return out


def records(text: str) -> list[str]:
    """A page cut into what a reader takes as one thing: JSON objects, HTML table rows
    (with their caption) and other blocks, or lines of a file."""
    try:
        return _json_records(json.loads(text))
    except ValueError:
        pass
    return _html_records(text) if "<" in text else text.splitlines()


def counts_found(pages: dict[str, str], count: int) -> list[tuple[str, str]]:
    """(url, record) where a record that names the target unit gives `count`."""
    number = re.compile(rf"(?<![\d.,/–-]){count}(?![\d.,/–-])")
    return [
        (url, record.strip()[:300])
        for url, text in pages.items()
        if not COUNTS_BY_DESIGN.search(url)
        for record in records(text)
        if TARGET in record and number.search(record)
    ]


def build(target_respondents: int) -> None:
    # The dashboard map draws district boundaries; give the schools a district with one.
    square = [[[11.9, 57.6], [12.1, 57.6], [12.1, 57.8], [11.9, 57.8], [11.9, 57.6]]]
    district = make_district(boundary={"type": "Polygon", "coordinates": square})

    def unit(**fields: object) -> SchoolUnit:
        return make_unit(site=make_site(district=district), year_from=4, year_to=9, **fields)

    for value in (3, 2, 3):
        add_responses(make_campaign(unit=unit(), open_now=False), [value], LIMIT + 1)
    target = make_campaign(unit=unit(name=TARGET), open_now=False)
    add_responses(target, [1], target_respondents)
    still_open = make_campaign(unit=unit(name="Öppna skolan"), open_now=True)
    add_responses(still_open, [1], LIMIT + 3)


@pytest.fixture
def planner(settings: Settings) -> Client:
    settings.SURVEY_SUPPRESSION_THRESHOLD = LIMIT
    make_planner()
    client = Client()
    assert client.login(request=HttpRequest(), username="planner-t", password="pw-planner-123")
    return client


def test_a_suppressed_groups_answers_reach_no_page_api_or_export(planner: Client) -> None:
    build(LIMIT - 1)

    pages = crawl(planner)

    assert {"/enkater/resultat/", "/api/v1/survey-results/export?format=xlsx"} <= pages.keys()
    assert any("/dashboard/map/" in url for url in pages)
    site_pages = [url for url, text in pages.items() if url.startswith("/sites/")]
    assert any(TARGET in pages[url] for url in site_pages)  # its site page was read
    assert TARGET in pages["/enkater/resultat/"]  # shown, as "för få svar"
    assert found(pages) == []
    assert counts_found(pages, LIMIT - 1) == []
    # The one place the count is shown: the campaign's own administration.
    assert any(
        COUNTS_BY_DESIGN.search(url) and str(LIMIT - 1) in text for url, text in pages.items()
    )


def test_the_crawler_finds_the_sentinel_once_the_group_is_large_enough(planner: Client) -> None:
    build(LIMIT)

    pages = crawl(planner)

    leaks = {url for url, _ in found(pages)}
    assert {"/enkater/resultat/", "/api/v1/survey-results"} <= leaks
    # And its count, next to the unit, wherever results are shown.
    counted = {url for url, _ in counts_found(pages, LIMIT)}
    assert {
        "/enkater/resultat/",
        "/api/v1/survey-results",
        "/api/v1/survey-results/export",
        "/api/v1/survey-results/export?format=xlsx",
    } <= counted
    assert any(url.startswith("/sites/") for url in counted)
