"""The demo's known survey link, /s/ENKAT6, opens a pupils' survey that takes answers;
the other demo campaigns are closed, so their results are published."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from server.campaigns.models import Campaign, campaign_closed, campaign_is_open
from server.campaigns.selectors import unit_results

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_open_campaigns_and_the_known_code() -> None:
    call_command("load_demo", stdout=StringIO())
    campaign = Campaign.objects.get(code="ENKAT6")
    assert campaign.questionnaire == "pupils" and campaign.synthetic
    assert campaign.responses.count() > 0
    page = Client().get("/s/ENKAT6")
    assert page.status_code == 200
    assert campaign.unit.name in page.content.decode()
    assert Campaign.objects.filter(synthetic=True).count() > 100
    assert campaign_is_open(campaign)
    others = Campaign.objects.exclude(code="ENKAT6")
    assert all(campaign_closed(c) for c in others)
    # ENKAT6's unit still shows its pupils' result: from its closed campaign, not ENKAT6.
    closed = others.get(unit=campaign.unit, respondent_group="pupils")
    (pupils,) = [g for g in unit_results(unit_ids=[campaign.unit_id]) if g["group"] == "pupils"]
    assert pupils["respondents"] == closed.responses.count() != campaign.responses.count()
