"""The campaign API and planner pages: opening a campaign, its poster and slips."""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from PIL import Image

from server.campaigns.models import Campaign, RespondentCode
from tests.server.campaigns.campaign_factories import make_campaign, make_planner
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client() -> Client:
    make_planner()
    client = Client()
    assert client.login(request=HttpRequest(), username="planner-t", password="pw-planner-123")
    return client


def test_it_opens_a_campaign_through_the_api(planner_client: Client) -> None:
    unit = make_unit(code="12345678", year_from=0, year_to=3)
    response = planner_client.post(
        "/api/v1/campaigns",
        {
            "unit": unit.code,
            "respondent_group": "pupils",
            "opens_on": "2026-11-01",
            "closes_on": "2026-12-01",
            "respondent_codes": 30,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get()
    assert body["code"] == campaign.code
    assert len(campaign.code) == 6 and not set(campaign.code) & set("01OIL")
    assert body["url"] == f"{settings.PUBLIC_URL}/s/{campaign.code}"
    assert body["questionnaire"] == "pupils_young"  # F–3 get the short one
    assert body["respondent_codes"] == 30 == RespondentCode.objects.count()
    assert body["slips_pdf"].endswith(f"/campaigns/{campaign.code}/slips")


def test_it_answers_bad_input_with_the_error_shape(planner_client: Client) -> None:
    response = planner_client.post(
        "/api/v1/campaigns",
        {
            "unit": "nope",
            "respondent_group": "pupils",
            "opens_on": "2026-12-01",
            "closes_on": "2026-11-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {d["field"] for d in body["details"]} == {"unit", "closes_on"}


def test_it_refuses_anonymous_callers() -> None:
    assert Client().get("/api/v1/campaigns").status_code == 401
    assert Client().get("/api/v1/survey-results").status_code == 401


def test_the_posters_qr_code_decodes_to_the_campaign_url(planner_client: Client) -> None:
    campaign = make_campaign()
    response = planner_client.get(f"/api/v1/campaigns/{campaign.code}/poster?format=png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{settings.PUBLIC_URL}/s/{campaign.code}"]
    pdf = planner_client.get(f"/api/v1/campaigns/{campaign.code}/poster?format=pdf")
    assert pdf.content.startswith(b"%PDF")


def test_it_prints_slips_of_the_unused_codes(planner_client: Client) -> None:
    campaign = make_campaign(respondent_codes=30)
    response = planner_client.get(f"/api/v1/campaigns/{campaign.code}/slips")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Count 2" in response.content  # 30 slips, 24 to a page


def test_a_planner_opens_a_campaign_on_the_page(planner_client: Client) -> None:
    unit = make_unit(year_from=4, year_to=9)
    page = planner_client.get("/enkater/")
    assert page.status_code == 200 and 'for="id_unit"' in page.content.decode()
    response = planner_client.post(
        "/enkater/",
        {
            "unit": unit.code,
            "respondent_group": "parents",
            "opens_on": "2026-11-20",
            "closes_on": "2026-12-20",
            "respondent_codes": "0",
            "years": "",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/enkater/{campaign.code}/"
    assert (campaign.questionnaire, campaign.opens_on) == ("parents", date(2026, 11, 20))
    detail = planner_client.get(response["Location"]).content.decode()
    assert f"{settings.PUBLIC_URL}/s/{campaign.code}" in detail


def test_the_page_shows_errors_next_to_fields(planner_client: Client) -> None:
    unit = make_unit()
    response = planner_client.post(
        "/enkater/",
        {
            "unit": unit.code,
            "respondent_group": "pupils",
            "opens_on": "2026-12-20",
            "closes_on": "2026-11-20",
            "respondent_codes": "0",
        },
    )
    assert response.status_code == 400
    assert "Slutdatum måste vara" in response.content.decode()
    assert Campaign.objects.count() == 0


def test_planner_pages_ask_for_a_sign_in() -> None:
    response = Client().get("/enkater/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
