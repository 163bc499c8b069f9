from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_start_page_and_admin_in_a_real_browser(
    live_server: Any, page: Any, page_log: Any, screenshot_dir: Path
) -> None:
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/")
    banner = page.get_by_role("status").inner_text()
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)
    page.get_by_role("link", name="Administration").click()
    page.fill("#id_username", "admin")
    page.fill("#id_password", "skolmiljo-admin")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/schools/site/?q=bergsj")
    rows = page.locator("#result_list tbody tr").count()
    page.screenshot(path=str(screenshot_dir / "admin-sites.png"), full_page=True)

    assert "syntetiska" in banner
    assert rows == 1
    assert page.locator("#result_list").inner_text().count("Bergsjöskolan") == 1
    assert page_log.outside == []
    assert page_log.errors == []
