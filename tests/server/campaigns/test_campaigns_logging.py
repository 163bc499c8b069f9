"""The survey form logs refusals only, never a line per response (that would time-stamp
each answer); operators get daily counts from a command instead."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from server.campaigns.models import Response
from tests.server.campaigns.campaign_factories import make_campaign
from tests.server.campaigns.test_campaigns_form import submit

pytestmark = pytest.mark.django_db

ADDRESS = "10.7.7.7"


def test_it_logs_nothing_for_a_successful_submission(caplog: pytest.LogCaptureFixture) -> None:
    campaign = make_campaign()
    caplog.set_level(logging.DEBUG)

    response = submit(Client(REMOTE_ADDR=ADDRESS), campaign.code)

    assert response.status_code == 303
    assert [r.getMessage() for r in caplog.records] == []


@override_settings(SURVEY_SUBMIT_RATE="1/h")
@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("closed", 410, "closed"),
        ("rate", 429, "rate limited"),
        ("code", 400, "unknown one-time code"),
    ],
)
def test_it_logs_a_refusal_without_the_address(
    caplog: pytest.LogCaptureFixture, case: str, status: int, reason: str
) -> None:
    campaign = make_campaign(open_now=case != "closed", respondent_codes=1 if case == "code" else 0)
    client = Client(REMOTE_ADDR=ADDRESS)
    if case == "rate":
        assert submit(client, campaign.code).status_code == 303
    caplog.set_level(logging.INFO, logger="server.campaigns")

    response = submit(client, campaign.code, rcode="WRONG1")

    assert response.status_code == status
    mine = [r.getMessage() for r in caplog.records if r.name.startswith("server.campaigns")]
    assert mine == [f"Survey submission refused: {reason} (campaign {campaign.code})"]
    assert not any(ADDRESS in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("request_line", "kept"),
    [
        ("POST /s/ABC234 HTTP/1.1", False),
        ("GET /s/ABC234/tack?lang=sv HTTP/1.1", False),
        ("GET /s/ABC234 HTTP/1.1", False),
        ("GET /enkater/ HTTP/1.1", True),
        ("GET /static/s/x.css HTTP/1.1", True),
    ],
)
def test_the_development_servers_request_log_leaves_out_the_survey_form(
    request_line: str, kept: bool
) -> None:
    from server.campaigns.request_log import SurveyRequestsHidden

    server_log = logging.getLogger("django.server")
    record = server_log.makeRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (request_line, "303", "0"), None
    )

    assert any(isinstance(f, SurveyRequestsHidden) for f in server_log.filters)
    assert bool(server_log.filter(record)) is kept


def test_the_daily_counts_command_logs_one_line_per_open_campaign(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = make_campaign(), make_campaign(group="parents")
    make_campaign(open_now=False)  # closed long ago: not counted
    yesterday = timezone.localdate() - timedelta(days=1)
    Response.objects.bulk_create(
        Response(campaign=first, submitted_on=day, language="sv")
        for day in [yesterday] * 3 + [timezone.localdate()]
    )
    caplog.set_level(logging.INFO, logger="server.campaigns")

    call_command("survey_daily_counts", stdout=StringIO())
    call_command("survey_daily_counts", "--date", "2020-01-01", stdout=StringIO())

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("server.campaigns")]
    day = yesterday.isoformat()
    assert lines == sorted(
        [
            f"Survey responses on {day}: campaign {first.code} ({first.unit.code}, pupils): 3",
            f"Survey responses on {day}: campaign {second.code} ({second.unit.code}, parents): 0",
        ]
    ) + ["Survey responses on 2020-01-01: no campaign was open"]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("survey_daily_counts", "--date", "yesterday")
