"""The priority map in headless Chromium, with nothing reachable but our own files.

Every request goes through a Playwright route: the page and /static/maps/vendor/ are
served from memory and disk, popups from a stand-in API; anything else is refused and
recorded, so a test fails if the map reaches for a CDN. The page is served as the server
serves it, under the site's Content-Security-Policy with its nonce on folium's inline
tags, so a layer that breaks the policy fails its test. Writes the demo-like map and its
screenshots to test-output/maps/.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import pytest
from csp.utils import build_policy
from map_factories import REPO, gothenburg_districts, plan_years_create, ranking_create

from maps.assets import VENDOR_DIR, use_local_assets
from maps.priority import priority_map
from server.pages.map_nonce import map_html_with_nonce

pytestmark = pytest.mark.browser

ORIGIN = "http://skolmiljo.test"
STATIC = "/static/maps/vendor/"
OUTPUT = Path(os.environ.get("SKOLMILJO_TEST_OUTPUT", REPO / "test-output")) / "maps"
NONCE = "bWFwLXRlc3Qtbm9uY2U="


@dataclass
class Served:
    refused: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _serve(page: Any, m: folium.Map) -> Served:
    html = map_html_with_nonce(use_local_assets(m, STATIC).get_root().render(), NONCE)
    policy = {"Content-Security-Policy": build_policy(nonce=NONCE)}
    served = Served()

    def handle(route: Any) -> None:
        url: str = route.request.url
        path = url.removeprefix(ORIGIN)
        if path == "/map.html":
            route.fulfill(body=html, content_type="text/html; charset=utf-8", headers=policy)
        elif url.startswith(ORIGIN + STATIC) and (VENDOR_DIR / path.removeprefix(STATIC)).is_file():
            route.fulfill(path=str(VENDOR_DIR / path.removeprefix(STATIC)))
        elif path.startswith("/api/v1/sites/") and path.endswith("/popup"):
            served.popups.append(path)
            route.fulfill(body=f'<p class="api-popup">{path}</p>', content_type="text/html")
        else:
            served.refused.append(url)
            route.abort()

    page.route("**/*", handle)
    page.on("console", lambda msg: served.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: served.errors.append(str(exc)))
    page.goto(ORIGIN + "/map.html")
    return served


def _demo_map(static: str | Callable[[str], str] | None = None) -> tuple[folium.Map, Any]:
    districts = gothenburg_districts()
    names = [f["properties"]["NAMN"] for f in districts["features"]]
    ranking = ranking_create(138, districts=names, seed=7)
    m = priority_map(
        ranking,
        districts=districts,
        district_property="NAMN",
        plan_years=plan_years_create(ranking, {2026: 8, 2027: 6}),
        defects=ranking[["lat", "lon"]].iloc[::4].assign(weight=1.0),
        synthetic=True,
        tiles=False,
    )
    if static is not None:
        use_local_assets(m, static)
    return m, ranking


def test_it_draws_one_circle_per_school_offline(page: Any) -> None:
    m, ranking = _demo_map()

    served = _serve(page, m)
    page.wait_for_selector("path.skm-priority")

    assert page.locator("path.skm-priority").count() == len(ranking)
    assert page.locator("path.skm-urgent").count() == int(ranking["act_now"].sum())
    assert page.locator("i.skm-act-now").count() == int(ranking["act_now"].sum())
    assert page.locator("svg text.caption").text_content() == "Behov 0–100 (högre = större behov)"
    assert page.locator(".skm-synthetic").is_visible()
    assert served.refused == []
    assert served.errors == []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "priority.png"))
    # The same map as a file that opens from disk, for people to look at.
    saved, _ = _demo_map(os.path.relpath(VENDOR_DIR, OUTPUT) + "/")
    (OUTPUT / "priority.html").write_text(saved.get_root().render(), encoding="utf-8")


def test_it_opens_a_popup_with_rank_interval_and_pillars_on_click(page: Any) -> None:
    m, ranking = _demo_map()
    served = _serve(page, m)
    page.wait_for_selector("path.skm-priority")

    page.locator("path.skm-priority").nth(10).dispatch_event("click")

    popup = page.locator(".leaflet-popup-content")
    row = ranking.iloc[10]
    assert row["name"] in popup.inner_text()
    assert f"90 %-intervall {row['rank_p05']}–{row['rank_p95']}" in popup.inner_text()
    assert popup.locator("table.skm-pillars tr").count() == 3
    assert served.errors == []


def test_it_shows_a_pillar_layer_when_ticked(page: Any) -> None:
    m, ranking = _demo_map()
    served = _serve(page, m)
    page.wait_for_selector("path.skm-priority")
    assert page.locator("path.skm-condition").count() == 0

    page.get_by_label("Skick").check()

    assert page.locator("path.skm-condition").count() == len(ranking)
    assert served.errors == []


def test_it_finds_a_school_by_name_and_fetches_its_popup_at_scale(page: Any) -> None:
    ranking = ranking_create(3000, spread=0.4)
    m = priority_map(ranking, popup_url="/api/v1/sites/{code}/popup", tiles=False)
    served = _serve(page, m)
    page.wait_for_selector(".skm-cluster")

    page.get_by_placeholder("Sök skola").press_sequentially(ranking["name"].iloc[1234], delay=20)
    page.wait_for_selector(".search-tip")
    page.keyboard.press("Enter")

    page.wait_for_selector(".api-popup")
    assert served.popups == [f"/api/v1/sites/{ranking.index[1234]}/popup"]
    assert served.refused == []
    assert served.errors == []
    page.wait_for_timeout(400)  # the popup's fade-in
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "priority-scale.png"))
