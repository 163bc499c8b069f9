"""The survey form in headless Chromium on a phone-sized screen with JavaScript off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.campaigns.models import Answer, RespondentCode, Response
from tests.server.campaigns.campaign_factories import make_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, locale="sv-SE", is_mobile=True
    )
    yield context.new_page()
    context.close()


def answer_every_part(phone: Any, shots: Path, name: str, choice: str = "2") -> int:
    """Answer each part by tapping labels (the radios themselves are hidden), to the end."""
    parts = 0
    while True:
        parts += 1
        for label in phone.locator(f"fieldset.item label[for$='_{choice}']").all():
            label.click()
        if parts == 1:
            phone.screenshot(path=str(shots / f"{name}-part1.png"), full_page=True)
        last = phone.locator("button[value=submit]")
        if last.count():
            phone.screenshot(path=str(shots / f"{name}-last.png"), full_page=True)
            last.click()
            return parts
        phone.locator("button[value=next]").click()


def test_a_pupil_answers_in_swedish(live_server: Any, phone: Any, screenshot_dir: Path) -> None:
    campaign = make_campaign(code="ELEV42")
    phone.goto(f"{live_server.url}/s/{campaign.code}")
    assert phone.locator("html").get_attribute("lang") == "sv"
    assert phone.locator("#privacy-title").is_visible()
    phone.screenshot(path=str(screenshot_dir / "survey-pupils-sv-start.png"), full_page=True)
    phone.locator("button[value=next]").click()
    assert "Del 1 av 6" in phone.locator(".progress-text").inner_text()
    # Every statement is a fieldset with a legend; every option's label names its input.
    assert phone.locator("fieldset.item").count() == phone.locator("fieldset.item legend").count()
    box = phone.locator("fieldset.item label").first.bounding_box()
    assert box["height"] >= 44  # a thumb-sized target

    parts = answer_every_part(phone, screenshot_dir, "survey-pupils-sv")

    assert parts == 6
    assert phone.locator("h1").inner_text() == "Tack för dina svar!"
    phone.screenshot(path=str(screenshot_dir / "survey-pupils-sv-thanks.png"), full_page=True)
    response = Response.objects.get()
    assert (response.language, response.campaign_id) == ("sv", campaign.id)
    assert Answer.objects.filter(response=response, value=2).count() == 24
    stored = {f.attname for f in Response._meta.concrete_fields}
    assert stored == {"id", "campaign_id", "submitted_on", "language", "synthetic"}


def test_a_parent_answers_in_arabic_right_to_left(
    live_server: Any, phone: Any, screenshot_dir: Path
) -> None:
    campaign = make_campaign(group="parents", code="FORA42")
    phone.goto(f"{live_server.url}/s/{campaign.code}")
    phone.locator("nav.languages a[hreflang=ar]").click()
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("html").get_attribute("lang") == "ar"
    phone.screenshot(path=str(screenshot_dir / "survey-parents-ar-start.png"), full_page=True)
    phone.locator("button[value=next]").click()
    assert phone.locator("html").get_attribute("dir") == "rtl"

    answer_every_part(phone, screenshot_dir, "survey-parents-ar", choice="x")

    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("h1").inner_text() == "شكرًا على إجاباتك!"
    phone.screenshot(path=str(screenshot_dir / "survey-parents-ar-thanks.png"), full_page=True)
    response = Response.objects.get()
    assert response.language == "ar"
    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {None}


def test_a_reused_code_is_refused_and_a_closed_campaign_says_so(
    live_server: Any, phone: Any, screenshot_dir: Path
) -> None:
    campaign = make_campaign(code="KODS42", respondent_codes=3)
    code = RespondentCode.objects.filter(campaign=campaign).first().code
    for attempt in (1, 2):
        phone.goto(f"{live_server.url}/s/{campaign.code}")
        phone.fill("#rcode", code.lower())
        phone.locator("button[value=next]").click()
        if attempt == 1:
            answer_every_part(phone, screenshot_dir, "survey-code")
    assert phone.locator("h1").inner_text() == "Koden har redan använts."
    phone.screenshot(path=str(screenshot_dir / "survey-code-reused.png"), full_page=True)
    assert Response.objects.count() == 1

    closed = make_campaign(code="STNG42", open_now=False)
    answer = phone.goto(f"{live_server.url}/s/{closed.code}")
    assert answer.status == 410
    assert phone.locator("h1").inner_text() == "Enkäten är stängd."
    phone.screenshot(path=str(screenshot_dir / "survey-closed.png"), full_page=True)


def test_a_near_empty_response_is_sent_back_with_a_message(
    live_server: Any, phone: Any, screenshot_dir: Path
) -> None:
    campaign = make_campaign(code="TOMT42")
    phone.goto(f"{live_server.url}/s/{campaign.code}")
    phone.locator("button[value=next]").click()
    phone.locator("fieldset.item label[for$='_1']").first.click()  # one statement of 24
    while not phone.locator("button[value=submit]").count():
        phone.locator("button[value=next]").click()
    phone.locator("button[value=submit]").click()

    error = phone.locator("#step-error")
    assert error.is_visible() and error.get_attribute("role") == "alert"
    assert "minst hälften" in error.inner_text()
    assert "Del 6 av 6" in phone.locator(".progress-text").inner_text()
    phone.screenshot(path=str(screenshot_dir / "survey-too-few-answers.png"), full_page=True)
    assert Response.objects.count() == 0
    phone.locator("button[value=back]").click()  # the one answer is still there
    for _ in range(4):
        phone.locator("button[value=back]").click()
    assert phone.locator("input[name=a_air_fresh][value='1']").is_checked()
