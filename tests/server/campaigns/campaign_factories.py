"""Campaigns and answers as real rows, for the survey tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import Group, User
from django.utils import timezone

from server.campaigns.models import Answer, Campaign, Response
from server.campaigns.services import NewCampaign, campaign_create
from server.core.roles import PLANNER
from server.schools.models import SchoolUnit
from surveys.questionnaire import load_questionnaire
from tests.server.factories import make_unit


def make_campaign(
    *,
    unit: SchoolUnit | None = None,
    group: str = "pupils",
    code: str | None = None,
    open_now: bool = True,
    respondent_codes: int = 0,
    **fields: Any,
) -> Campaign:
    today = timezone.localdate()
    opens, closes = (
        (today - timedelta(days=3), today + timedelta(days=10))
        if open_now
        else (date(2025, 9, 1), date(2025, 9, 30))
    )
    unit = unit or make_unit(year_from=4, year_to=9)
    return campaign_create(
        data=NewCampaign(
            unit_code=unit.code,
            respondent_group=group,
            opens_on=fields.get("opens_on", opens),
            closes_on=fields.get("closes_on", closes),
            respondent_codes=respondent_codes,
        ),
        code=code,
    )


def add_responses(campaign: Campaign, values: list[int | None], count: int) -> None:
    """`count` responses, each answering every item of index i with values[i % len]."""
    questionnaire = load_questionnaire(campaign.questionnaire)
    for _ in range(count):
        response = Response.objects.create(
            campaign=campaign, submitted_on=timezone.localdate(), language="sv"
        )
        Answer.objects.bulk_create(
            Answer(
                response=response, item=item.code, index=item.index, value=values[i % len(values)]
            )
            for i, item in enumerate(questionnaire.items)
        )


def make_planner(username: str = "planner-t", password: str = "pw-planner-123") -> User:
    user = User.objects.create_user(username=username, password=password)
    group, _ = Group.objects.get_or_create(name=PLANNER)
    user.groups.add(group)
    return user
