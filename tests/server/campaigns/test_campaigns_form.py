"""The public survey form through Django's test client: steps, submission, refusals."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from server.campaigns.models import Answer, RespondentCode, Response
from server.campaigns.ratelimit import Rate, parse_rate
from server.core.municipality import current_municipality
from surveys.questionnaire import load_questionnaire, ui_text
from tests.server.campaigns.campaign_factories import make_campaign

pytestmark = pytest.mark.django_db


def all_answers(key: str, value: str = "3") -> dict[str, str]:
    return {f"a_{item.code}": value for item in load_questionnaire(key).items}


def submit(client: Client, code: str, *, forwarded_for: str | None = None, **extra: Any) -> Any:
    data = {"lang": "sv", "step": "6", "action": "submit", **all_answers("pupils"), **extra}
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client.post(f"/s/{code}", data, **headers)


def test_it_opens_with_the_privacy_notice_in_the_browsers_language() -> None:
    campaign = make_campaign()
    response = Client().get(f"/s/{campaign.code}", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in html
    assert ui_text("privacy_title", "ar") in html
    notice = ui_text(
        "privacy_notice", "ar", min_respondents=5, municipality=current_municipality().name
    )
    assert notice in html


def test_it_defaults_to_swedish_and_shows_parts_with_progress() -> None:
    campaign = make_campaign()
    client = Client()
    start = client.get(f"/s/{campaign.code}")
    assert 'lang="sv" dir="ltr"' in start.content.decode()
    step = client.post(f"/s/{campaign.code}", {"lang": "sv", "step": "0", "action": "next"})
    html = step.content.decode()
    assert "Del 1 av 6" in html
    assert '<progress max="6" value="1"' in html
    assert "<legend>" in html and 'for="a_air_fresh_3"' in html


def test_it_carries_answers_between_parts_and_stores_them_without_identity() -> None:
    campaign = make_campaign()
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Sentinel-Agent/1.0")
    step = client.post(
        f"/s/{campaign.code}", {"lang": "sv", "step": "1", "action": "next", "a_air_fresh": "2"}
    )
    assert 'name="a_air_fresh" value="2"' in step.content.decode()
    done = submit(client, campaign.code, a_air_fresh="x")
    assert done.status_code == 303
    assert done["Location"] == f"/s/{campaign.code}/tack?lang=sv"
    stored = Response.objects.get()
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "campaign",
        "submitted_on",
        "language",
        "synthetic",
        "answers",
    }
    assert Answer.objects.get(response=stored, item="air_fresh").value is None
    assert Answer.objects.filter(response=stored).count() == 24
    thanks = client.get(done["Location"])
    assert "Tack för dina svar!" in thanks.content.decode()
    # Neither the address nor the browser is anywhere in the database.
    everything = StringIO()
    call_command("dumpdata", stdout=everything)
    assert "10.1.2.3" not in everything.getvalue()
    assert "Sentinel-Agent" not in everything.getvalue()


def test_it_refuses_a_reused_one_time_code_politely() -> None:
    campaign = make_campaign(respondent_codes=2)
    code = RespondentCode.objects.filter(campaign=campaign).first().code
    assert submit(Client(), campaign.code, rcode=code).status_code == 303
    again = submit(Client(), campaign.code, rcode=code)
    assert again.status_code == 409
    assert "Koden har redan använts" in again.content.decode()
    assert Response.objects.count() == 1


def test_it_asks_again_for_an_unknown_code() -> None:
    campaign = make_campaign(respondent_codes=1)
    response = Client().post(
        f"/s/{campaign.code}", {"lang": "sv", "step": "0", "action": "next", "rcode": "NOPE"}
    )
    assert response.status_code == 400
    assert "Koden finns inte" in response.content.decode()


def test_it_shows_a_closed_page_for_a_closed_campaign() -> None:
    campaign = make_campaign(open_now=False)
    response = Client().get(f"/s/{campaign.code}")
    assert response.status_code == 410
    assert "Enkäten är stängd." in response.content.decode()
    assert submit(Client(), campaign.code).status_code == 410
    assert Response.objects.count() == 0


def test_it_shows_an_unknown_page_for_an_unknown_code() -> None:
    response = Client().get("/s/ZZZZZZ")
    assert response.status_code == 404
    assert "Okänd enkät" in response.content.decode()


def test_it_refuses_values_no_form_sends() -> None:
    campaign = make_campaign()
    response = submit(Client(), campaign.code, a_air_fresh="7")
    assert response.status_code == 400
    assert Response.objects.count() == 0


@override_settings(SURVEY_SUBMIT_RATE="3/h")
def test_it_limits_submissions_per_campaign_and_address_not_per_address() -> None:
    first, second = make_campaign(), make_campaign()
    school = Client(REMOTE_ADDR="10.9.9.9")
    assert [submit(school, first.code).status_code for _ in range(3)] == [303] * 3
    limited = submit(school, first.code)
    assert limited.status_code == 429
    assert "Vänta en minut" in limited.content.decode()
    assert 0 < int(limited["Retry-After"]) <= 3600  # until the hour's window ends
    # Another campaign behind the same address, and another address, are not blocked.
    assert submit(school, second.code).status_code == 303
    assert submit(Client(REMOTE_ADDR="10.9.9.8"), first.code).status_code == 303


@override_settings(SURVEY_SUBMIT_RATE="3/h", TRUSTED_PROXIES=0)
def test_it_ignores_x_forwarded_for_in_the_limit_without_a_trusted_proxy() -> None:
    campaign = make_campaign()
    school = Client(REMOTE_ADDR="10.9.9.9")

    statuses = [
        submit(school, campaign.code, forwarded_for=f"203.0.113.{n}").status_code for n in range(4)
    ]

    assert statuses == [303, 303, 303, 429]


@override_settings(SURVEY_SUBMIT_RATE="3/h", TRUSTED_PROXIES=1)
def test_it_limits_each_client_behind_a_trusted_proxy_on_its_own() -> None:
    campaign = make_campaign()
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    first = [
        submit(proxy, campaign.code, forwarded_for="203.0.113.7").status_code for _ in range(4)
    ]
    other = submit(proxy, campaign.code, forwarded_for="203.0.113.8").status_code

    assert (first, other) == ([303, 303, 303, 429], 303)


def test_it_says_on_the_last_part_when_statements_are_unanswered() -> None:
    campaign = make_campaign()
    last = Client().post(
        f"/s/{campaign.code}", {"lang": "sv", "step": "5", "action": "next", "a_air_fresh": "1"}
    )
    assert "Del 6 av 6" in last.content.decode()
    assert "Några frågor saknar svar" in last.content.decode()
    full = {**all_answers("pupils"), "lang": "sv", "step": "5", "action": "next"}
    assert (
        "Några frågor saknar svar"
        not in Client().post(f"/s/{campaign.code}", full).content.decode()
    )


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("300/h", Rate(300, 3600)), ("10/m", Rate(10, 60)), ("5/2d", Rate(5, 172800))],
)
def test_it_reads_the_rate_setting(rate: str, expected: Rate) -> None:
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "300", "x/h", "10/w"])
def test_it_refuses_a_rate_setting_it_cannot_read(rate: str) -> None:
    with pytest.raises(ValueError, match="N/s, N/m, N/h or N/d"):
        parse_rate(rate)
