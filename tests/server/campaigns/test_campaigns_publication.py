"""What of a campaign is published, and when: no one may difference two states of a
result into one respondent's answers (DESIGN section 5).

A unit's result for a group is its latest closed campaign, scored on its own; an open
campaign's answers reach nothing but counts; a campaign closes at 00:00 Stockholm time
after its close date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from server.campaigns import services
from server.campaigns.models import Campaign, Response
from server.campaigns.selectors import scored_results
from server.planning.loading import load_experience
from server.schools.models import SchoolUnit
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ONE_WEEK = timedelta(days=7)


@pytest.fixture
def planner() -> Client:
    client = Client()
    client.force_login(make_planner())
    return client


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Freeze Django's clock (and so the Stockholm date) at `moment`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def published(client: Client, unit: SchoolUnit) -> dict[str, Any]:
    """Everything a planner or the ranking could read of the unit's survey results."""
    results = client.get("/api/v1/survey-results").json()["results"]
    city = client.get("/api/v1/survey-results/city").json()
    export = client.get("/api/v1/survey-results/export?format=csv").content.decode("utf-8-sig")
    scored = scored_results()
    return {
        "results": [r for r in results if r["unit"] == unit.code],
        "city_units": sum(row["units"] for row in city),
        "export_rows": [line for line in export.splitlines()[1:] if unit.code in line],
        "scored": scored[scored["unit"] == unit.id],
        "ranking": load_experience(site_ids=[unit.site_id]),
    }


def numbers(group: dict[str, Any]) -> list[Any]:
    """Every number a results entry gives: the group's and its indices'."""
    values = [group["respondents"], group["response_rate"]]
    for index in group["indices"]:
        values += [v for k, v in index.items() if k not in {"index", "name", "suppressed"}]
    return [v for v in values if v is not None]


def test_it_shows_nothing_of_an_open_campaign_however_many_answer(
    planner: Client,
) -> None:
    limit = settings.SURVEY_SUPPRESSION_THRESHOLD
    unit = make_unit(year_from=4, year_to=9)
    campaign = make_campaign(unit=unit)  # open now
    add_responses(campaign, [3], limit - 1)
    states = [published(planner, unit)]
    for answer in (2, 0):  # the threshold reached, then passed
        add_responses(campaign, [answer], 1)
        states.append(published(planner, unit))

    for state in states:
        assert state["results"] == []
        assert state["city_units"] == 0
        assert state["export_rows"] == []
        assert state["scored"].empty
        assert state["ranking"].empty


def test_it_publishes_an_open_campaign_as_one_state_once_it_closes(
    planner: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = settings.SURVEY_SUPPRESSION_THRESHOLD
    unit = make_unit(year_from=4, year_to=9, pupils=100)
    campaign = make_campaign(unit=unit)
    add_responses(campaign, [3], limit - 1)
    add_responses(campaign, [0], 2)

    at(monkeypatch, timezone.now() + timedelta(days=12))  # closes_on was in 10 days
    state = published(planner, unit)

    (group,) = state["results"]
    assert (group["suppressed"], group["respondents"]) == (False, limit + 1)
    raw = {index["raw"] for index in group["indices"]}
    assert raw == {round(10.0 * (limit - 1) / (limit + 1), 2)}
    assert not state["ranking"].empty


def test_it_scores_the_latest_closed_campaign_alone_and_suppresses_a_small_one(
    planner: Client,
) -> None:
    unit = make_unit(year_from=4, year_to=9)
    first = make_campaign(unit=unit, opens_on=date(2025, 3, 1), closes_on=date(2025, 3, 31))
    add_responses(first, [3], 6)
    before = published(planner, unit)
    (group,) = before["results"]
    assert group["respondents"] == 6 and {i["raw"] for i in group["indices"]} == {10.0}

    second = make_campaign(unit=unit, opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 30))
    add_responses(second, [0], 1)
    after = published(planner, unit)

    # Not 60/7: the pooled value that would move by exactly the one answer. Nor the older
    # campaign's 10.0: the group is suppressed, with no fallback, so nothing is derivable.
    (group,) = after["results"]
    assert group["suppressed"] is True
    assert numbers(group) == []
    assert after["scored"]["suppressed"].all()
    assert after["scored"]["mean"].isna().all()
    assert after["ranking"].empty
    assert after["city_units"] == 0
    assert all("för få svar" in row for row in after["export_rows"])


def test_it_closes_a_campaign_at_midnight_stockholm_time_after_the_close_date(
    planner: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = make_unit(year_from=4, year_to=9)
    campaign = make_campaign(unit=unit, opens_on=date(2025, 10, 1), closes_on=date(2025, 10, 15))
    add_responses(campaign, [2], 6)

    # 23:59 on the close date in Stockholm is 21:59 UTC: still open.
    at(monkeypatch, datetime(2025, 10, 15, 23, 59, tzinfo=STOCKHOLM))
    assert Client().get(f"/s/{campaign.code}").status_code == 200
    assert published(planner, unit)["results"] == []

    # 00:00 the next day in Stockholm is still 22:00 on the close date in UTC: closed.
    at(monkeypatch, datetime(2025, 10, 16, 0, 0, tzinfo=STOCKHOLM))
    assert Client().get(f"/s/{campaign.code}").status_code == 410
    (group,) = published(planner, unit)["results"]
    assert group["respondents"] == 6


@pytest.mark.parametrize(
    ("moment", "closes_on", "closed"),
    [
        (datetime(2025, 10, 15, 23, 59, 59, tzinfo=STOCKHOLM), date(2025, 10, 15), False),
        (datetime(2025, 10, 16, 0, 0, tzinfo=STOCKHOLM), date(2025, 10, 15), True),
        (datetime(2025, 10, 15, 21, 59, tzinfo=UTC), date(2025, 10, 15), False),  # UTC+2
        (datetime(2025, 10, 15, 22, 0, tzinfo=UTC), date(2025, 10, 15), True),
        (datetime(2025, 1, 15, 22, 59, tzinfo=UTC), date(2025, 1, 15), False),  # UTC+1
        (datetime(2025, 1, 15, 23, 0, tzinfo=UTC), date(2025, 1, 15), True),
    ],
)
def test_it_decides_closed_by_the_stockholm_date(
    moment: datetime, closes_on: date, closed: bool
) -> None:
    from server.campaigns.models import campaign_closed, closed_campaigns

    campaign = make_campaign(opens_on=closes_on - timedelta(days=10), closes_on=closes_on)

    assert campaign_closed(campaign, now=moment) is closed
    assert closed_campaigns(now=moment).filter(pk=campaign.pk).exists() is closed


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin-t", "admin@example.org", "pw"))
    return client


def upcoming_campaign() -> Campaign:
    start = timezone.localdate() + timedelta(days=5)
    return make_campaign(opens_on=start, closes_on=start + timedelta(days=14))


def test_it_refuses_to_move_an_opened_campaigns_dates_in_the_service() -> None:
    campaign = make_campaign()  # opened three days ago
    closes = campaign.closes_on

    with pytest.raises(services.CampaignFixed, match="har öppnat"):
        services.campaign_dates_change(
            campaign=campaign, opens_on=campaign.opens_on, closes_on=closes + ONE_WEEK
        )

    campaign.refresh_from_db()
    assert campaign.closes_on == closes
    upcoming = upcoming_campaign()
    moved = services.campaign_dates_change(
        campaign=upcoming, opens_on=upcoming.opens_on, closes_on=upcoming.closes_on + ONE_WEEK
    )
    assert Campaign.objects.get(pk=upcoming.pk).closes_on == moved.closes_on


def test_it_refuses_to_move_an_opened_campaigns_dates_in_the_api(planner: Client) -> None:
    campaign = make_campaign()
    body = {"opens_on": str(campaign.opens_on), "closes_on": str(campaign.closes_on + ONE_WEEK)}

    response = planner.patch(
        f"/api/v1/campaigns/{campaign.code}", body, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "campaign_fixed"
    assert Campaign.objects.get(pk=campaign.pk).closes_on == campaign.closes_on


def test_it_refuses_to_move_an_opened_campaigns_dates_in_the_model() -> None:
    campaign = make_campaign()
    closes = campaign.closes_on
    campaign.closes_on = closes + ONE_WEEK

    with pytest.raises(ValidationError) as cleaned:
        campaign.full_clean()
    with pytest.raises(ValidationError, match="har öppnat"):
        campaign.save()

    assert set(cleaned.value.message_dict) == {"closes_on"}
    assert "kan inte ändras" in cleaned.value.message_dict["closes_on"][0]
    assert Campaign.objects.get(pk=campaign.pk).closes_on == closes
    upcoming = upcoming_campaign()
    upcoming.closes_on += ONE_WEEK
    upcoming.full_clean()
    upcoming.save()


def test_it_shows_an_opened_campaigns_dates_read_only_in_the_admin(admin_client: Client) -> None:
    campaign = make_campaign()
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"

    page = admin_client.get(url).content.decode()
    posted = admin_client.post(
        url,
        {
            "code": campaign.code,
            "questionnaire": campaign.questionnaire,
            "years": "4–9",
            "opens_on": str(campaign.opens_on),
            "closes_on": str(campaign.closes_on + ONE_WEEK),
            "unit": campaign.unit_id,
            "respondent_group": "parents",
        },
    )

    for field in ("opens_on", "closes_on", "unit", "respondent_group"):
        assert f'name="{field}"' not in page
    assert posted.status_code == 302
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.years, stored.closes_on, stored.respondent_group) == (
        "4–9",
        campaign.closes_on,
        "pupils",
    )
    upcoming = admin_client.get(f"/admin/campaigns/campaign/{upcoming_campaign().pk}/change/")
    assert 'name="closes_on"' in upcoming.content.decode()


def test_the_admin_has_no_single_response_and_shows_counts(admin_client: Client) -> None:
    campaign = make_campaign(open_now=False)
    add_responses(campaign, [1], 3)
    response = Response.objects.first()
    assert response is not None
    answer = response.answers.first()
    assert answer is not None

    urls = [
        "/admin/campaigns/response/",
        "/admin/campaigns/response/add/",
        f"/admin/campaigns/response/{response.pk}/change/",
        "/admin/campaigns/answer/",
        "/admin/campaigns/answer/add/",
        f"/admin/campaigns/answer/{answer.pk}/change/",
    ]

    assert {url: admin_client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    changelist = admin_client.get("/admin/campaigns/campaign/").content.decode()
    assert '<td class="field-response_count">3</td>' in changelist
    change = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content
    assert "/admin/campaigns/response/" not in change.decode()


def test_it_shows_an_open_campaign_as_counts_only(planner: Client) -> None:
    campaign = make_campaign(unit=make_unit(year_from=4, year_to=9, pupils=40))
    add_responses(campaign, [3], 8)

    api = planner.get(f"/api/v1/campaigns/{campaign.code}").json()
    page = planner.get(f"/enkater/{campaign.code}/").content.decode()
    listed = planner.get("/enkater/").content.decode()

    assert (api["is_open"], api["is_closed"]) == (True, False)
    assert (api["responses"], api["response_rate"]) == (8, 0.2)
    assert "8 (svarsfrekvens 20 %)" in page
    assert 'id="campaign-results-later"' in page
    assert "10,0" not in page and "<thead" not in page.split("campaign-results-title")[1]
    assert "<td>8</td><td>20 %</td>" in listed


def test_it_shows_each_closed_campaign_its_own_results_as_history(planner: Client) -> None:
    unit = make_unit(year_from=4, year_to=9)
    older = make_campaign(unit=unit, opens_on=date(2025, 3, 1), closes_on=date(2025, 3, 31))
    add_responses(older, [3], 6)
    newer = make_campaign(unit=unit, opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 30))
    add_responses(newer, [0], 6)
    small = make_campaign(
        unit=unit, group="parents", opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 30)
    )
    add_responses(small, [2], 2)

    older_page = planner.get(f"/enkater/{older.code}/").content.decode()
    newer_page = planner.get(f"/enkater/{newer.code}/").content.decode()
    small_page = planner.get(f"/enkater/{small.code}/").content.decode()

    assert "<td>6</td><td>10,0</td>" in older_page and "<td>0,0</td>" not in older_page
    assert "<td>6</td><td>0,0</td>" in newer_page and "<td>10,0</td>" not in newer_page
    assert "För få svar" in small_page and "6,7" not in small_page
    (group,) = [
        g for g in planner.get("/api/v1/survey-results").json()["results"] if g["group"] == "pupils"
    ]
    assert {index["raw"] for index in group["indices"]} == {0.0}
