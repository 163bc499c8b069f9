"""A planner opens a campaign in Chromium, sees its link and poster, and the results page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.campaigns.models import Campaign
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_opens_a_campaign_and_reads_results(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    make_planner()
    unit = make_unit(name="Ängsskolan", year_from=4, year_to=9)
    add_responses(make_campaign(unit=make_unit(name="Bergsskolan"), open_now=False), [2], 7)
    page.goto(live_server.url + "/enkater/")
    page.fill("#id_username", "planner-t")
    page.fill("#id_password", "pw-planner-123")
    page.click("main button[type=submit]")
    page.goto(live_server.url + "/enkater/")

    page.select_option("#id_unit", unit.code)
    page.select_option("#id_respondent_group", "pupils")
    page.fill("#id_respondent_codes", "25")
    page.click("text=Öppna enkäten")

    campaign = Campaign.objects.get(unit=unit)
    assert page.url.endswith(f"/enkater/{campaign.code}/")
    assert page.locator("#campaign-url").inner_text().endswith(f"/s/{campaign.code}")
    assert "25 oanvända av 25" in page.content()
    page.wait_for_function("() => document.querySelector('img').naturalWidth > 0", timeout=20_000)
    assert page.evaluate("document.querySelector('img').naturalWidth") == 1240
    page.screenshot(path=str(screenshot_dir / "survey-planner-campaign.png"), full_page=True)

    page.goto(live_server.url + "/enkater/resultat/")
    assert "Bergsskolan" in page.content() and "7 svarande" in page.content()
    page.screenshot(path=str(screenshot_dir / "survey-planner-results.png"), full_page=True)
    assert page_log.outside == [] and page_log.errors == []
