"""The survey form by keyboard alone, and its text contrast against WCAG AA (4.5:1)."""

from __future__ import annotations

from typing import Any

import pytest

from server.campaigns.models import Answer
from tests.server.campaigns.campaign_factories import make_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Relative luminance contrast of each element's text against the first opaque
# background up its ancestors, as WCAG 2 defines it.
CONTRASTS = """
() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll('h1, p, legend, label, button, a')) {
    if (!el.textContent.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out.push([el.tagName + ' ' + el.textContent.trim().slice(0, 30),
              (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
  }
  return out;
}
"""


def test_every_text_meets_aa_contrast(live_server: Any, browser: Any) -> None:
    # Measured with scripts on: the page under test is the same server-rendered HTML.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    campaign = make_campaign()
    page.goto(f"{live_server.url}/s/{campaign.code}")
    start = page.evaluate(CONTRASTS)
    page.locator("button[value=next]").click()
    page.locator("fieldset.item label").first.click()
    step = page.evaluate(CONTRASTS)
    context.close()

    low = [(text, round(ratio, 2)) for text, ratio in start + step if ratio < 4.5]
    assert len(start) > 5 and len(step) > 20
    assert low == []


def test_it_can_be_answered_with_the_keyboard_alone(live_server: Any, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="sv-SE"
    )
    page = context.new_page()
    campaign = make_campaign()
    page.goto(f"{live_server.url}/s/{campaign.code}")
    page.locator("button[value=next]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".progress-text").inner_text() == "Del 1 av 6"
    for part in range(6):  # five times "Nästa", then "Skicka"
        # Tab reaches each statement's options in turn; Space chooses the first ("Helt och
        # hållet"), arrows move between them and choose. At least half must be answered.
        for statement in range(page.locator("fieldset.item").count()):
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            if part == statement == 0:
                page.keyboard.press("ArrowDown")
                assert page.locator("#a_air_fresh_2").is_checked()
        page.locator("button.primary").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Tack för dina svar!"
    context.close()
    answers = dict(Answer.objects.values_list("item", "value"))
    assert len(answers) == 24
    assert answers.pop("air_fresh") == 2 and set(answers.values()) == {3}
