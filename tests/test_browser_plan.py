"""The plan page in headless Chromium on a small city whose safety backlog the budget cannot
cover: the unfunded safety items by school, element and cost, each year's items per
school project, and the equity frontier charted with its points, at three screen widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from server.core.roles import PLANNER
from server.inspections.services import Source, inspections_push
from server.planning.plan_frontier import FRONTIER_ALPHAS
from tests.server.factories import make_site, make_unit
from tests.server.inspections.conftest import inspection_json, make_inspector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "planera-rättvist"
WIDTHS = (1280, 768, 390)

# site: (name, pupils, socioeconomic need, {element: (grade, urgency, quantity)})
CITY: dict[str, tuple[str, int, float, dict[str, tuple[str, int, float]]]] = {
    "norra": (
        "Norra skolan",
        640,
        90.0,
        {"roof": ("D", 1, 200.0), "fire_safety": ("D", 1, 800.0), "windows_doors": ("C", 2, 10)},
    ),
    "sodra": (
        "Södra skolan",
        300,
        15.0,
        {"facade": ("D", 1, 200.0), "interior_surfaces": ("C", 3, 100.0)},
    ),
    "vastra": (
        "Västra skolan",
        450,
        55.0,
        {"lighting_electrical": ("D", 1, 100.0), "toilets": ("C", 2, 4.0)},
    ),
    # 400 m of fencing in grade D: 1,200,000 kr, more than a whole year's budget.
    "ostra": ("Östra skolan", 200, 35.0, {"fencing_traffic": ("D", 1, 400.0)}),
}
BUDGET = 1_000_000
FENCING = 1_200_000


def _city() -> None:
    raws = []
    for code, (name, pupils, need, defects) in CITY.items():
        make_unit(site=make_site(code=code, name=name), pupils=pupils, socioeconomic_need=need)
        raw = inspection_json(code, grade="B")
        for rating in raw["ratings"]:
            if rating["element"] in defects:
                grade, urgency, quantity = defects[rating["element"]]
                rating.update(grade=grade, urgency=urgency, quantity=quantity)
        raws.append(raw)
    inspections_push(raws=raws, source=Source(inspector=make_inspector()))
    user = User.objects.create_user(username="pia", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])


def _sign_in(page: Any, base: str, then: str) -> None:
    page.goto(f"{base}/accounts/login/?next={then.replace('?', '%3F').replace('&', '%26')}")
    page.fill("#id_username", "pia")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + then)


def test_it_shows_the_unfunded_safety_items_the_projects_and_the_equity_frontier(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    _city()
    base = live_server.url
    plan = f"/plan/?budget={BUDGET}&years=2&start_year=2027&alpha=1&tiles=0"

    _sign_in(page, base, plan)

    # The frontier may still be on the task queue: the page's script puts the chart in
    # place when it is made.
    assert page.locator("#frontier").count() == 1, "the plan's payload has no equity_frontier"
    page.wait_for_selector("#frontier svg.scatter-chart", timeout=60_000)

    shortfall = page.locator("#safety-shortfall")
    unfunded = page.locator("tr.unfunded-item").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    fencing = [row for row in unfunded if row[0] == "Östra skolan"]
    projects = page.locator("table.plan-year").evaluate_all(
        """tables => tables.map(t => [t.dataset.year, [...t.querySelectorAll('tbody.project')]
             .map(p => [p.dataset.site, p.querySelectorAll('tr.plan-item').length,
                        p.querySelector('tr.project-head').innerText])])"""
    )
    chart = page.locator("#frontier svg.scatter-chart")
    points = chart.locator("circle.pt")
    # Alphas whose plans coincide share a circle: its data-value lists them all.
    alphas = points.evaluate_all("cs => cs.flatMap(c => c.dataset.value.split(' ').map(Number))")
    current = chart.locator("circle.pt.current")
    labels = chart.locator("text.pt-label").all_text_contents()

    assert shortfall.is_visible()
    assert "Budgeten räcker inte till säkerhetsåtgärderna" in shortfall.inner_text()
    # The fencing costs more than a year's budget: listed with school, element and cost.
    assert len(fencing) == 1
    assert fencing[0][1] == "Stängsel och trafiksäkerhet"
    assert int(fencing[0][5].replace("\u00a0", "").replace(" ", "")) >= FENCING
    assert "mer än en hel årsbudget" in fencing[0][6]
    assert "Säkerhetsskuld vid planens slut" in page.locator("#safety-backlog").inner_text()
    # 2027: Norra's roof and fire safety, one project under one head with its subtotal.
    first_year = dict((year, found) for year, found in projects)["2027"]
    norra = [p for p in first_year if p[0] == "norra"]
    assert norra and norra[0][1] >= 2 and norra[0][2].startswith("Norra skolan")
    assert chart.is_visible()
    assert sorted(alphas) == sorted(FRONTIER_ALPHAS)
    assert current.count() == 1 and "1" in current.get_attribute("data-value").split()
    assert len(labels) == points.count() and all(label.startswith("α ") for label in labels)
    assert "Vad likvärdighet kostar" in page.locator("#frontier h3").inner_text()
    assert page.locator(".frontier-explain").is_visible()

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#frontier").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"plan-{width}.png"), full_page=True)
        frontier = screenshot_dir / f"plan-frontier-{width}.png"
        page.locator("#frontier").screenshot(path=str(frontier))
        # Wide tables scroll inside themselves; the page itself never scrolls sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (width, overflow)
        assert chart.is_visible() and chart.bounding_box()["width"] <= width  # type: ignore[index]

    page.goto("about:blank")
    assert page_log.outside == []
    assert page_log.errors == []
