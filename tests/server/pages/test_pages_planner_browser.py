"""The planner pages in headless Chromium against the live server with the demo loaded."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from server.inspections.catalogues import element_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str) -> None:
    # Signed in, planners land on the dashboard map: without background tiles here.
    page.goto(base + "/accounts/login/?next=/dashboard/%3Ftiles%3D0")
    page.fill("#id_username", "planner")
    page.fill("#id_password", "skolmiljo-planner")
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/dashboard/?tiles=0")


def _ranked(page: Any) -> list[str]:
    return page.locator("#ranking tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")


def test_it_reranks_and_shows_a_site_with_photos_and_history(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    call_command("load_demo", stdout=StringIO())
    base = live_server.url
    _sign_in(page, base)

    page.goto(base + "/ranking/")
    for field, value in (("condition", "1"), ("experience", "0"), ("equity", "0")):
        page.fill(f"#id_{field}", value)
    page.click("#ranking-form button[type=submit]")
    by_condition = _ranked(page)
    page.screenshot(path=str(screenshot_dir / "ranking.png"), full_page=False)
    page.fill("#id_condition", "0")
    page.fill("#id_equity", "1")
    page.click("#ranking-form button[type=submit]")
    by_equity = _ranked(page)
    page.locator("#ranking th", has_text="Likvärdighet").click()  # sort ascending
    sorted_codes = _ranked(page)

    assert len(by_condition) == len(by_equity) == 138
    assert by_condition[:10] != by_equity[:10]
    assert sorted_codes[0] == by_equity[-1] or sorted_codes != by_equity

    # The site with the most photos among the top of the ranking.
    with_photos = None
    for code in by_condition[:20]:
        page.goto(f"{base}/sites/{code}/")
        if page.locator("a.thumb img").count():
            with_photos = code
            break
    assert with_photos is not None
    thumbs = page.locator("a.thumb img")
    thumbs.first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('a.thumb img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    points = page.locator("svg.line-chart circle.pt").count()
    page.screenshot(path=str(screenshot_dir / "site.png"), full_page=True)
    page.locator("a.thumb").first.click()
    dialog = page.locator("#photo-dialog")
    dialog.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#photo-dialog img').naturalWidth >= 320")
    page.screenshot(path=str(screenshot_dir / "site-photo.png"))

    assert points >= 1
    assert page.locator("table.grades tbody tr").count() > 10
    assert page.locator(".surveys").count() == 1
    assert page_log.outside == []
    assert page_log.errors == []


def _csv_rows(path: str) -> list[dict[str, str]]:
    text = Path(path).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_it_plans_with_a_budget_and_exports_what_the_page_shows(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    call_command("load_demo", stdout=StringIO())
    base = live_server.url
    _sign_in(page, base)

    page.goto(base + "/plan/?tiles=0")
    page.fill("#id_budget", "15000000")
    page.fill("#id_years", "3")
    page.fill("#id_start_year", "2027")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("tr.plan-item")
    shown = page.locator("tr.plan-item").evaluate_all(
        "rows => rows.map(r => [r.dataset.site, r.dataset.element, r.dataset.location,"
        " Math.round(parseFloat(r.dataset.cost))])"
    )
    bars = page.locator("svg.bar-chart rect.bar").count()
    frame = page.frame_locator("iframe.map")
    frame.locator("path.skm-priority").first.wait_for(timeout=20_000)
    page.screenshot(path=str(screenshot_dir / "plan.png"), full_page=True)
    with page.expect_download() as got_csv:
        page.locator("a.export", has_text="CSV").click()
    with page.expect_download() as got_xlsx:
        page.locator("a.export", has_text="Excel").click()
    rows = _csv_rows(str(got_csv.value.path()))
    xlsx = Path(str(got_xlsx.value.path()) + ".xlsx")  # openpyxl goes by the extension
    got_xlsx.value.save_as(xlsx)
    book = load_workbook(xlsx, read_only=True)
    sheet = list(book["Åtgärdsplan"].iter_rows(values_only=True))
    header = list(sheet[0])

    page.fill("input[name=name]", "Test 15 mnkr")
    page.click("form.inline button[type=submit]")
    page.wait_for_selector("ul.saved li")
    # The reloaded page's map is built from the database: let it finish before teardown.
    frame.locator("path.skm-priority").first.wait_for(timeout=20_000)

    assert {
        y for y in page.locator("table.plan-year").evaluate_all("ts => ts.map(t => t.dataset.year)")
    } == {"2027", "2028", "2029"}
    assert bars >= 12  # three series over four quartiles
    assert len(shown) > 0
    from_csv = [
        [r["skolhus"], r["byggdel"], r["plats"], round(float(r["kostnad (kr)"].replace(",", ".")))]
        for r in rows
    ]
    from_xlsx = [
        [
            row[header.index("skolhus")],
            row[header.index("byggdel")],
            row[header.index("plats")] or "",
            round(row[header.index("kostnad (kr)")]),
        ]
        for row in sheet[1:]
    ]
    # The page keeps the element's code in its data; the files name it. The page groups
    # each year's items per school, the files list them in the plan's order: same rows.
    named = [[site, element_name(element), loc, cost] for site, element, loc, cost in shown]
    assert sorted(from_csv) == sorted(named)
    assert sorted(from_xlsx) == sorted(named)
    assert "Test 15 mnkr" in page.locator("ul.saved").inner_text()
    page.goto("about:blank")
    assert page_log.outside == []
    assert page_log.errors == []


def test_it_opens_a_site_from_the_map_and_switches_to_english_and_back(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    call_command("load_demo", stdout=StringIO())
    base = live_server.url
    _sign_in(page, base)

    frame = page.frame_locator("iframe.map")
    frame.locator("path.skm-priority").first.wait_for(timeout=20_000)
    frame.locator("path.skm-priority").nth(5).dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    name = popup.locator("b").first.inner_text()
    page.wait_for_timeout(400)  # the popup's fade-in and the map's pan
    page.screenshot(path=str(screenshot_dir / "dashboard-popup.png"))
    popup.get_by_role("link", name="Öppna skolsidan").click()  # target=_top: the whole tab
    page.wait_for_url("**/sites/**")

    assert page.locator("h1").inner_text() == name

    page.goto(base + "/ranking/")
    page.click("button[name=language][value=en]")
    english = page.locator("h1").inner_text()
    page.click("button[name=language][value=sv]")
    swedish = page.locator("h1").inner_text()

    assert (english, swedish) == ("Ranking", "Rangordning")
    assert page_log.errors == []
