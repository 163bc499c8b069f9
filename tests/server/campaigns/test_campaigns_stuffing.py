"""A survey cannot be stuffed: near-empty responses are refused, wrong one-time codes
count against the per-address limit, and the limit follows the unit's size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.test.utils import override_settings

from server.campaigns import services
from server.campaigns.models import Answer, Campaign, RespondentCode, Response
from server.campaigns.ratelimit import seconds_to_next_window, submission_allowed
from surveys.questionnaire import load_questionnaire, ui_text
from tests.server.campaigns.campaign_factories import make_campaign
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db

ITEMS = [item.code for item in load_questionnaire("pupils").items]
HALF = (len(ITEMS) + 1) // 2  # the fewest answers taken: half, rounded up
DAY = 86400


def send(campaign: Campaign, answers: dict[str, str], *, lang: str = "sv", **extra: Any) -> Any:
    """Post the form's last part with these answers ("x" = vet inte)."""
    data = {"lang": lang, "step": "6", "action": "submit", **extra}
    data |= {f"a_{item}": value for item, value in answers.items()}
    return Client().post(f"/s/{campaign.code}", data)


def rows() -> tuple[int, int]:
    return Response.objects.count(), Answer.objects.count()


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "so", "fa"])
def test_it_refuses_a_response_with_no_answers_and_stores_nothing(lang: str) -> None:
    campaign = make_campaign()

    response = send(campaign, {}, lang=lang)

    assert response.status_code == 400
    html = response.content.decode()
    assert ui_text("too_few_answers", lang) in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert '<input type="hidden" name="step" value="6">' in html  # back on the last part
    assert rows() == (0, 0)


def test_it_refuses_just_under_half_and_takes_exactly_half() -> None:
    campaign = make_campaign()
    assert len(ITEMS) == 24 and HALF == 12

    under = send(campaign, dict.fromkeys(ITEMS[: HALF - 1], "2"))
    kept = 'name="a_' + ITEMS[0] + '" value="2"'
    assert under.status_code == 400 and kept in under.content.decode()
    assert rows() == (0, 0)

    exact = send(campaign, dict.fromkeys(ITEMS[:HALF], "2"))
    assert exact.status_code == 303
    assert rows() == (1, HALF)


def test_it_counts_dont_know_as_an_answer() -> None:
    campaign = make_campaign()

    response = send(campaign, dict.fromkeys(ITEMS[:HALF], "x"))

    assert response.status_code == 303
    assert Answer.objects.filter(value=None).count() == HALF == Answer.objects.count()


def test_the_service_refuses_too_few_answers_without_the_form() -> None:
    campaign = make_campaign()

    for answers in ({}, dict.fromkeys(ITEMS[: HALF - 1], 3)):
        with pytest.raises(services.TooFewAnswers, match="minst hälften"):
            services.response_submit(campaign=campaign, answers=answers, language="sv")

    assert rows() == (0, 0)
    services.response_submit(campaign=campaign, answers=dict.fromkeys(ITEMS[:HALF]), language="sv")
    assert rows() == (1, HALF)


@override_settings(SURVEY_SUBMIT_RATE="3/h")
def test_it_counts_wrong_codes_against_the_limit() -> None:
    campaign = make_campaign(respondent_codes=1)
    right = RespondentCode.objects.get(campaign=campaign).code
    everything = dict.fromkeys(ITEMS, "2")

    wrong = [send(campaign, everything, rcode=f"WRONG{n}").status_code for n in range(3)]
    probe = Client().post(
        f"/s/{campaign.code}", {"lang": "sv", "step": "0", "action": "next", "rcode": right}
    )
    with_right_code = send(campaign, everything, rcode=right)

    assert wrong == [400, 400, 400]
    assert probe.status_code == 429  # past the limit a code is not even checked
    assert with_right_code.status_code == 429
    assert int(with_right_code["Retry-After"]) > 0
    assert rows() == (0, 0)
    assert RespondentCode.objects.filter(code=right, used=False).exists()


@override_settings(SURVEY_SUBMIT_RATE="auto")
@pytest.mark.parametrize(("pupils", "per_day"), [(None, 40), (10, 40), (34, 41), (1000, 1200)])
def test_it_limits_a_campaign_by_its_units_pupils_with_auto(
    pupils: int | None, per_day: int
) -> None:
    campaign = make_campaign(unit=make_unit(year_from=4, year_to=9, pupils=pupils))
    request = RequestFactory().post(f"/s/{campaign.code}", REMOTE_ADDR="10.4.4.4")

    allowed = [submission_allowed(request, campaign) for _ in range(per_day + 1)]

    assert allowed == [True] * per_day + [False]
    assert 0 < seconds_to_next_window(campaign) <= DAY


@override_settings(SURVEY_SUBMIT_RATE="3/h")
def test_an_explicit_rate_overrides_auto() -> None:
    campaign = make_campaign(unit=make_unit(year_from=4, year_to=9, pupils=1000))
    request = RequestFactory().post(f"/s/{campaign.code}", REMOTE_ADDR="10.4.4.5")

    allowed = [submission_allowed(request, campaign) for _ in range(4)]

    assert allowed == [True, True, True, False]
    assert 0 < seconds_to_next_window(campaign) <= 3600
