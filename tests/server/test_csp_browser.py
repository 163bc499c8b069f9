"""Pages under the Content-Security-Policy in headless Chromium: what the policy could
break still works. (Every browser test fails on a violation: tests/browser_csp.py.)"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from PIL import Image

from maps.tiles import TILES_URL, tiles_origin
from tests.server.accounts.accounts_factories import make_inspector, make_planner, make_user
from tests.server.planning.conftest import city  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tile() -> bytes:
    out = BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(out, format="PNG")
    return out.getvalue()


def _sign_in(page: Any, base: str, username: str, path: str = "/accounts/login/") -> None:
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.locator("#login-form [type=submit], main [type=submit]").first.click()


def test_it_draws_the_dashboard_map_with_tiles_popups_and_layers(
    live_server: Any,
    page: Any,
    page_log: Any,
    city: dict[str, Any],  # noqa: F811
) -> None:
    make_planner(username="pia", password="pw")
    tiles: list[str] = []
    png = _tile()

    def tile(route: Any) -> None:
        tiles.append(route.request.url)
        route.fulfill(body=png, content_type="image/png")

    # The tile server, answered here: the test needs no internet, the policy still decides.
    page.route(tiles_origin(TILES_URL) + "/**", tile)
    _sign_in(page, live_server.url, "pia")
    page.goto(live_server.url + "/dashboard/")
    frame = page.frame_locator("iframe.map")
    frame.locator("img.leaflet-tile-loaded").first.wait_for()
    frame.locator("path.skm-priority").first.dispatch_event("click")
    frame.locator(".leaflet-popup-content").wait_for()
    frame.get_by_label("Skick").check()

    assert len(tiles) > 0
    assert frame.locator("path.skm-priority").count() == 3  # every school of the city
    assert frame.locator("path.skm-condition").count() == 3
    assert frame.locator("svg text.caption").count() == 1  # the legend, drawn by d3
    assert set(page_log.outside) == set(tiles)
    assert page_log.errors == []


def test_it_shows_the_api_docs(live_server: Any, page: Any, page_log: Any) -> None:
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body").first.wait_for()

    assert "Skolmiljö API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page_log.outside == []
    assert page_log.errors == []


def test_it_styles_the_admins_new_enrollment_code(
    live_server: Any, page: Any, page_log: Any
) -> None:
    make_user(username="admin", password="pw", is_staff=True, is_superuser=True)
    anna = make_inspector(username="anna")
    _sign_in(page, live_server.url, "admin", "/admin/login/")
    page.goto(live_server.url + "/admin/accounts/enrollmentcode/add/")
    page.select_option("#id_user", str(anna.pk))
    page.locator(".submit-row [type=submit]").click()
    page.locator("#enrollment-qr svg").wait_for()

    # The nonce'd <style> fills the box with the QR code; refused, the SVG would keep its
    # own width of 26.4 mm (about 100 px).
    inner = page.locator("#enrollment-qr").evaluate(
        "el => { const s = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
    )
    svg = page.locator("#enrollment-qr svg").bounding_box()
    assert svg["width"] == pytest.approx(inner, abs=1)
    assert svg["width"] > 200
    assert page_log.errors == []
