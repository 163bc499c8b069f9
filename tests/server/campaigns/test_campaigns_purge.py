"""survey_answers_purge: a campaign's answers go SKOLMILJO_RETAIN_SURVEY_ANSWERS_DAYS after it
closed, and its published result with them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytest_django.fixtures import Settings

from server.campaigns.models import Answer, Campaign, Response
from server.campaigns.selectors import survey_aggregates
from server.campaigns.services import survey_answers_purge
from tests.server.campaigns.campaign_factories import add_responses, make_campaign

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = 1095
# Early in the morning, Stockholm time: the campaign's day must be the local one.
NOW = datetime.combine(date(2029, 6, 10), time(0, 30), tzinfo=STOCKHOLM)
TODAY = date(2029, 6, 10)


@pytest.fixture(autouse=True)
def retention(settings: Settings) -> None:
    settings.RETAIN_SURVEY_ANSWERS_DAYS = DAYS


def closed_on(closes_on: date, *, respondents: int = 6) -> Campaign:
    campaign = make_campaign(
        open_now=False, opens_on=closes_on - timedelta(days=20), closes_on=closes_on
    )
    add_responses(campaign, [2, 3], respondents)
    return campaign


def responses_of(campaign: Campaign) -> tuple[int, int]:
    return (
        Response.objects.filter(campaign=campaign).count(),
        Answer.objects.filter(response__campaign=campaign).count(),
    )


@pytest.mark.parametrize(
    ("closes_on", "deleted"),
    [
        # Closed at 00:00 the day after closes_on: DAYS whole days ago this midnight.
        (TODAY - timedelta(days=DAYS + 1), True),
        (TODAY - timedelta(days=DAYS + 400), True),
        # Closed DAYS - 1 days and half an hour ago: kept until tomorrow.
        (TODAY - timedelta(days=DAYS), False),
        (TODAY - timedelta(days=30), False),
    ],
)
def test_it_deletes_the_answers_of_a_campaign_closed_longer_than_the_period(
    closes_on: date, deleted: bool
) -> None:
    campaign = closed_on(closes_on)
    _, answers = responses_of(campaign)
    assert answers > 6

    count = survey_answers_purge(now=NOW)

    assert count == (6 if deleted else 0)
    assert responses_of(campaign) == ((0, 0) if deleted else (6, answers))
    assert Campaign.objects.filter(pk=campaign.pk).exists()  # the campaign itself stays


def test_it_deletes_an_old_campaign_s_answers_and_keeps_a_recent_one_s() -> None:
    old = closed_on(TODAY - timedelta(days=DAYS + 10), respondents=7)
    recent = closed_on(TODAY - timedelta(days=10), respondents=5)
    kept = responses_of(recent)

    assert survey_answers_purge(now=NOW) == 7

    assert responses_of(old) == (0, 0)
    assert responses_of(recent) == kept


def test_it_takes_the_published_result_with_the_answers() -> None:
    campaign = closed_on(TODAY - timedelta(days=DAYS + 1))
    before = survey_aggregates(now=NOW)
    assert campaign.unit_id in set(before["unit"])

    survey_answers_purge(now=NOW)

    assert campaign.unit_id not in set(survey_aggregates(now=NOW)["unit"])


def test_it_never_deletes_the_answers_of_an_open_campaign(settings: Settings) -> None:
    settings.RETAIN_SURVEY_ANSWERS_DAYS = 0
    campaign = make_campaign()
    add_responses(campaign, [1], 3)

    assert survey_answers_purge(now=datetime.now(tz=STOCKHOLM)) == 0
    assert responses_of(campaign)[0] == 3


def test_it_only_counts_in_a_dry_run() -> None:
    campaign = closed_on(TODAY - timedelta(days=DAYS + 1))
    before = responses_of(campaign)

    assert survey_answers_purge(now=NOW, dry_run=True) == 6
    assert responses_of(campaign) == before
