from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_draws_every_school_on_the_dashboard_map_offline(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/dashboard/?tiles=0")
    assert "/accounts/login/" in page.url  # planner pages ask for a sign-in first
    page.fill("#id_username", "planner")
    page.fill("#id_password", "skolmiljo-planner")
    page.click("main button[type=submit]")
    page.goto(live_server.url + "/dashboard/?tiles=0")
    frame = page.frame_locator("iframe.map")
    frame.locator("path.skm-priority").first.wait_for(timeout=20_000)
    circles = frame.locator("path.skm-priority").count()
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)

    assert circles == 138
    assert "Inventerade skolhus" in page.content()
    assert "syntetiska" in page.locator(".banner").inner_text()
    assert page_log.outside == []
    assert page_log.errors == []


def test_it_refuses_the_dashboard_to_inspectors(live_server: Any, page: Any) -> None:
    call_command("load_demo", stdout=StringIO())

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "inspector")
    page.fill("#id_password", "skolmiljo-inspector")
    page.click("main button[type=submit]")
    response = page.goto(live_server.url + "/dashboard/")

    assert response.status == 403
