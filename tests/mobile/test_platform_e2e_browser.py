"""The whole platform end to end: an inspection recorded with the field app's store,
controllers and sync client reaches the live server, changes that site's rank, and shows
on the planner's dashboard map and site page in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from live_sync import LiveSync, Tablet
from photo_files import camera_jpeg

from server.core.roles import PLANNER
from shared.catalogue import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    tablet = Tablet(tmp_path / "tablet")
    yield tablet
    tablet.close()


def catalogue_name(code: str) -> str:
    return load_catalogue().element(code).name_sv


def _dashboard(page: Any, url: str) -> Any:
    page.goto(url + "/dashboard/?tiles=0")
    frame = page.frame_locator("iframe.map")
    frame.locator("path.skm-priority").first.wait_for(timeout=20_000)
    return frame


def _ranks(page: Any, url: str) -> dict[str, int]:
    response = page.request.get(url + "/api/v1/ranking?condition=1&experience=0&equity=0")
    assert response.ok
    return {site["code"]: site["rank"] for site in response.json()["sites"]}


def test_an_inspection_from_the_tablet_reaches_the_planners_map_and_site_page(
    live: LiveSync,
    live_server: Any,
    tablet: Tablet,
    page: Any,
    page_log: Any,
    screenshot_dir: Path,
    tmp_path: Path,
    settings: Any,
) -> None:
    # The map opens fitted to the schools (no municipality centre), whatever the window.
    settings.MUNICIPALITY_CENTER = None
    planner = User.objects.create_user(username="pia", password="pw-pia-12345")
    planner.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    # Signed in, planners land on the dashboard: without background tiles here, or its map
    # may ask the tile server before the next page.goto stops it.
    page.goto(live_server.url + "/accounts/login/?next=/dashboard/%3Ftiles%3D0")
    page.fill("#id_username", "pia")
    page.fill("#id_password", "pw-pia-12345")
    page.click("main button[type=submit]")

    # Before: three schools on the map, none to act on now, Bräckeskolan not first.
    frame = _dashboard(page, live_server.url)
    assert frame.locator("path.skm-priority").count() == 3
    assert frame.locator("path.skm-urgent").count() == 0
    assert _ranks(page, live_server.url)["brackeskolan"] != 1

    # On the tablet: a leaking roof (urgency 1, with a photo) and worn toilets.
    tablet.enroll(live)
    photo = tablet.inspections.import_photo(camera_jpeg(tmp_path / "tak.jpg"))
    uuid = tablet.inspections.start("brackeskolan")
    tablet.inspections.rate(
        uuid, "roof", grade="D", urgency=1, note="Takläckage över matsalen", photos=[photo]
    )
    tablet.inspections.rate(uuid, "toilets", "Hus B", grade="C", urgency=2)
    tablet.inspections.finish(uuid)
    report = tablet.sync()
    assert report.statuses == {"created": 1}

    # The ranking now puts it first.
    assert _ranks(page, live_server.url)["brackeskolan"] == 1

    # The map marks it as act-now, and its popup (fetched from the API) says rank 1.
    frame = _dashboard(page, live_server.url)
    urgent = frame.locator("path.skm-urgent")
    assert urgent.count() == 1
    urgent.first.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.locator("text=Rang").wait_for(timeout=10_000)
    assert "Bräckeskolan" in popup.inner_text()
    assert "Rang 1" in " ".join(popup.inner_text().split())
    page.screenshot(path=str(screenshot_dir / "e2e-dashboard.png"), full_page=True)

    # The site page shows the tablet's grade, urgency, note and photo.
    page.goto(live_server.url + "/sites/brackeskolan/")
    figures = " ".join(page.locator("dl.figures").inner_text().split())
    assert "Rang 1 av 3" in figures
    assert "Upplevelse saknas" in figures and "nan" not in figures  # no survey yet
    roof = page.locator("table.grades tr.grade-D")
    assert roof.count() == 1
    cells = [" ".join(t.split()) for t in roof.locator("td").all_inner_texts()]
    assert cells[0] == catalogue_name("roof") and cells[2] == "D" and cells[3] == "1"
    assert "Takläckage över matsalen" in roof.inner_text()
    thumbnail = roof.locator(f"img[src$='{photo}']")
    thumbnail.wait_for(timeout=10_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    page.screenshot(path=str(screenshot_dir / "e2e-site.png"), full_page=True)
    assert page_log.outside == []
    assert page_log.errors == []
