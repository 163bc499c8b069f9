"""The planner pages with Django's test client: who may see them, and what they show."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from html import unescape
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from PIL import Image

from server.campaigns.models import Answer, Campaign, Response
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_push
from server.planning.models import SavedPlan
from server.schools.models import SchoolUnit
from tests.server.inspections.conftest import inspection_json, make_inspector

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/",
    "/dashboard/map/?tiles=0",
    "/ranking/",
    "/sites/gamla/",
    "/plan/?budget=2000000&years=2&start_year=2027",
    "/plan/map/?budget=2000000&years=2&start_year=2027&tiles=0",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_users_to_sign_in(
    client: Client, city: dict[str, Any], url: str
) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_it_refuses_inspectors(client: Client, city: dict[str, Any], url: str) -> None:
    client.force_login(make_inspector("ingrid"))

    response = client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_it_shows_every_page_to_planners(planner: Client, city: dict[str, Any], url: str) -> None:
    response = planner.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_it_sends_planners_from_the_start_page_to_the_dashboard(planner: Client) -> None:
    response = planner.get("/")

    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def test_it_shows_the_start_page_to_the_public(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "Logga in" in response.content.decode()


def _ranked_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)">', html)


def test_it_reranks_when_the_weights_change(planner: Client, city: dict[str, Any]) -> None:
    by_condition = planner.get("/ranking/", {"condition": 1, "experience": 0, "equity": 0})
    by_equity = planner.get("/ranking/", {"condition": 0, "experience": 0, "equity": 1})

    assert _ranked_codes(by_condition.content.decode())[:2] == ["gamla", "nya"]
    assert _ranked_codes(by_equity.content.decode())[0] == "nya"


def test_it_links_exports_with_the_same_weights(planner: Client, city: dict[str, Any]) -> None:
    html = planner.get("/ranking/", {"equity": 1, "method": "topsis"}).content.decode()

    links = re.findall(r'class="export" href="([^"]+)"', html)

    assert len(links) == 2
    queries = [parse_qs(urlsplit(unescape(link)).query) for link in links]
    assert all(q["equity"] == ["1"] and q["method"] == ["topsis"] for q in queries)
    csv = planner.get(links[0].replace("&amp;", "&"))
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"condition": -1}, "större än eller lika med 0"),
        ({"condition": 0, "experience": 0, "equity": 0}, "minst en måste vara större än noll"),
        ({"condition": "mycket"}, "Fyll i ett tal"),
    ],
)
def test_it_says_what_is_wrong_with_the_weights(
    planner: Client, city: dict[str, Any], query: dict[str, Any], message: str
) -> None:
    response = planner.get("/ranking/", query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _ranked_codes(response.content.decode()) == []


def test_it_filters_the_ranking_by_school_form(planner: Client, city: dict[str, Any]) -> None:
    SchoolUnit.objects.filter(site__code="nya").update(school_form="anpassad_grundskola")

    html = planner.get("/ranking/", {"school_form": "anpassad_grundskola"}).content.decode()

    assert _ranked_codes(html) == ["nya"]


def _jpeg() -> tuple[str, bytes]:
    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 60)).save(out, format="JPEG")
    return hashlib.sha256(out.getvalue()).hexdigest(), out.getvalue()


def _campaign(unit: SchoolUnit, code: str, respondents: int) -> None:
    campaign = Campaign.objects.create(
        code=code,
        questionnaire="pupils",
        unit=unit,
        respondent_group="pupils",
        years="4–9",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 31),
    )
    for n in range(respondents):
        response = Response.objects.create(
            campaign=campaign, submitted_on=date(2026, 3, 2), language="sv"
        )
        Answer.objects.create(
            response=response, item="air_fresh", index="indoor_climate", value=n % 4
        )


def test_it_shows_the_site_with_photos_history_and_surveys(
    planner: Client, city: dict[str, Any]
) -> None:
    sha, data = _jpeg()
    photo_store(sha256=sha, data=data)
    later = inspection_json("gamla", grade="C", photos=[sha])
    later["started_at"] = later["finished_at"] = "2026-10-01T10:00:00+00:00"
    for rating in later["ratings"]:
        rating["observed_at"] = "2026-10-01T10:00:00+00:00"
    inspections_push(raws=[later], source=Source(inspector=make_inspector("ines")))
    big = SchoolUnit.objects.get(site__code="gamla")
    small = SchoolUnit.objects.create(
        code="gamla-liten",
        name="Lilla enheten",
        school_form="grundskola",
        years="F–3",
        year_from=0,
        year_to=3,
        pupils=12,
        site=city["old"],
    )
    _campaign(big, "STOR", respondents=8)
    _campaign(small, "LITEN", respondents=2)

    html = planner.get("/sites/gamla/").content.decode()

    assert "Gamla skolan" in html
    assert html.count('class="pt"') == 2  # two finished inspections on the chart
    assert html.count(f'src="/api/v1/photos/{sha}"') == 1
    assert planner.get(f"/api/v1/photos/{sha}").status_code == 200
    surveys = html[html.index('class="surveys"') :]
    assert "för få svar" in surveys  # the small unit's two answers stay hidden
    # Not even its count of two: the row has no number at all.
    (row,) = re.findall(r"<tr><td>Lilla enheten</td>.*?</tr>", surveys, flags=re.S)
    assert re.search(r"<td>Inomhusklimat</td><td></td>\s*<td><span class=\"suppressed\">", row)
    assert not re.search(r"\d", row)
    assert re.search(r"\d,\d \(\d,\d–\d+,\d\)", surveys)  # the big unit: mean and interval


def test_it_answers_404_for_an_unknown_site(planner: Client, city: dict[str, Any]) -> None:
    assert planner.get("/sites/finns-inte/").status_code == 404


def test_it_serves_the_map_popup_to_planners_only(
    client: Client, planner: Client, city: dict[str, Any]
) -> None:
    popup = planner.get("/api/v1/sites/gamla/popup")
    unknown = planner.get("/api/v1/sites/finns-inte/popup")
    client.logout()
    anonymous = Client().get("/api/v1/sites/gamla/popup")

    assert popup.status_code == 200
    assert "Gamla skolan" in popup.content.decode()
    assert 'href="/sites/gamla/"' in popup.content.decode()
    assert "Rang <b>1</b> av 3" in popup.content.decode()
    defects = re.findall(r"<li>(.*?)</li>", popup.content.decode())
    assert len(defects) == 3
    assert all(re.fullmatch(r"[A-ZÅÄÖ][^_()]+: <b>D</b>", d) for d in defects)  # names, no codes
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"code", "message", "details"}
    assert anonymous.status_code == 401
    assert set(anonymous.json()) == {"code", "message", "details"}


def test_it_refuses_the_popup_to_inspectors(client: Client, city: dict[str, Any]) -> None:
    client.force_login(make_inspector("ivar"))

    response = client.get("/api/v1/sites/gamla/popup")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_it_shows_the_plan_per_year_with_reasons_and_equity(
    planner: Client, city: dict[str, Any]
) -> None:
    response = planner.get("/plan/", {"budget": 2_000_000, "years": 2, "start_year": 2027})
    html = response.content.decode()

    assert response.status_code == 200
    assert 'data-year="2027"' in html and 'data-year="2028"' in html
    assert 'data-site="gamla"' in html
    assert html.count('class="bar"') == 3 * html.count("<title>Utgifter, med likvärdighet ")
    assert 'src="/plan/map/?' in html


def test_it_says_what_is_wrong_with_the_budget(planner: Client, city: dict[str, Any]) -> None:
    response = planner.get("/plan/", {"budget": 0, "years": 20})

    assert response.status_code == 400
    assert "större än eller lika med 1" in response.content.decode()
    assert "mindre än eller lika med 10" in response.content.decode()


def test_it_saves_and_compares_plans(planner: Client, city: dict[str, Any]) -> None:
    query = "budget=2000000&years=2&start_year=2027"
    first = planner.post(f"/plan/save/?{query}", {"name": "Snål"})
    planner.post("/plan/save/?budget=9000000&years=2&start_year=2027", {"name": "Generös"})
    a, b = SavedPlan.objects.order_by("created_at")

    compared = planner.get("/plan/compare/", {"a": a.pk, "b": b.pk})

    assert first.status_code == 302 and first["Location"].startswith("/plan/?")
    assert (a.name, b.name) == ("Snål", "Generös")
    assert a.inputs["budget"] == 2_000_000
    assert compared.status_code == 200
    assert "Snål" in compared.content.decode() and "Generös" in compared.content.decode()
    assert planner.get("/plan/compare/", {"a": a.pk, "b": 9999}).status_code == 404
    assert planner.post(f"/plan/save/?{query}", {"name": ""}).status_code == 400


def test_it_shows_the_site_items_of_the_saved_plan(planner: Client, city: dict[str, Any]) -> None:
    planner.post("/plan/save/?budget=2000000&years=1&start_year=2027", {"name": "Plan 1"})

    html = planner.get("/sites/gamla/").content.decode()

    assert "Senast sparade plan: Plan 1" in html
    assert html[html.index('class="plan-items"') :].count("<tr><td>2027</td>") >= 1


def test_it_speaks_english_when_asked(planner: Client, city: dict[str, Any]) -> None:
    planner.post("/i18n/setlang/", {"language": "en", "next": "/ranking/"})

    html = planner.get("/ranking/").content.decode()
    plan = planner.get("/plan/", {"budget": 2_000_000, "start_year": 2027}).content.decode()

    assert "<h1>Ranking</h1>" in html
    assert "Open the school page" in planner.get("/api/v1/sites/gamla/popup").content.decode()
    assert '"Priority"' in planner.get("/dashboard/map/?tiles=0").content.decode()
    assert "Weighted sum" in html
    assert "<h1>Action plan</h1>" in plan


def test_it_speaks_swedish_by_default(planner: Client, city: dict[str, Any]) -> None:
    html = planner.get("/ranking/", HTTP_ACCEPT_LANGUAGE="").content.decode()

    assert "<h1>Rangordning</h1>" in html
    assert '<html lang="sv">' in html


def test_it_shows_the_key_figures_on_the_dashboard(planner: Client, city: dict[str, Any]) -> None:
    html = planner.get("/dashboard/").content.decode()

    figures = dict(re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", html, re.DOTALL))
    assert figures["Inventerade skolhus"].split() == ["2", "av", "3"]
    assert figures["Åtgärda nu (säkerhet)"] == "1"
    assert figures["Andel byggdelar i skick C/D"].strip() == "50 %"  # gamla all D, nya all A
    assert figures["Med enkätresultat"].split() == ["0", "av", "3"]
    assert 'src="/dashboard/map/"' in html


def test_the_map_iframes_reuse_what_their_page_computed(
    planner: Client, city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from server.pages import views

    query = {"budget": 2_000_000, "years": 2, "start_year": 2027, "tiles": "0"}
    assert planner.get("/plan/", query).status_code == 200
    first_dashboard_map = planner.get("/dashboard/map/", {"tiles": "0"})

    def recompute(*_: Any, **__: Any) -> None:
        raise AssertionError("computed again what the data have not changed since")

    monkeypatch.setattr(views, "plan_compute_from", recompute)
    monkeypatch.setattr(views, "dashboard_map_html", recompute)
    plan_map = planner.get("/plan/map/", query)
    dashboard_map = planner.get("/dashboard/map/", {"tiles": "0"})
    assert plan_map.status_code == dashboard_map.status_code == 200
    assert b"skm-funded" in plan_map.content and b"leaflet" in dashboard_map.content
    assert first_dashboard_map.status_code == 200

    # A write that can change the ranking makes the map anew.
    city["old"].name = "Nytt namn"
    city["old"].save()
    with pytest.raises(AssertionError, match="computed again"):
        planner.get("/dashboard/map/", {"tiles": "0"})

    monkeypatch.undo()
    cache.clear()  # a miss (another process, expiry) builds the map itself
    assert b"skm-funded" in planner.get("/plan/map/", query).content
