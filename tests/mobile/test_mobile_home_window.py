"""The home screen in a real window (Xvfb + Mesa), one app process per test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from png_check import read_png
from store_factories import inspection_create, site_create
from window_harness import DriverRun, WindowHarness, output_root

from mobile.paths import STORE_FILENAME
from mobile.store import InspectionState, SettingKey, close_store, init_store, setting_set

pytestmark = pytest.mark.window

TITLE = "Skolmiljö – fältinventering"
# Material guidance is 48 dp for a touch target; inspectors may wear gloves.
MIN_TOUCH_DP = 48
MIN_FONT_SP = 18


def _assert_looks_like_a_screen(path: Path) -> None:
    assert path.exists()
    assert path.stat().st_size > 5_000, f"{path} is suspiciously small"
    image = read_png(path)
    assert (image.width, image.height) == (1280, 800)
    assert len(image.colours()) > 50, f"{path} is (nearly) one colour"
    assert (output_root() / "screenshots" / path.name).read_bytes() == path.read_bytes()


def _assert_touch_friendly(report: dict[str, Any]) -> None:
    for name in ("connect_button", "choose_site_button"):
        assert report[name]["height_dp"] >= MIN_TOUCH_DP, name
        assert report[name]["width_dp"] >= MIN_TOUCH_DP * 3, name
    for name in ("title_label", "enrollment_label", "waiting_label", "sites_label"):
        assert report[name]["font_sp"] >= MIN_FONT_SP, name
        # Not pushed off the 1280 x 800 window.
        x, y = report[name]["window_pos"]
        assert 0 <= x < 1280 and 0 <= y < 800, name


def _run_home(window: WindowHarness, screenshot: str, has_sites: bool = False) -> DriverRun:
    run = window.run("home_screen", screenshot)
    assert run.report["window_size"] == [1280, 800]
    assert run.report["current_screen"] == "home"
    assert run.report["language"] == "sv"
    assert run.report["window_title"] == TITLE
    assert run.report["title_label"]["text"] == TITLE
    assert (
        run.report["connect_button"] | {"disabled": False, "text": "Anslut till server"}
        == (run.report["connect_button"])
    )
    assert (
        run.report["choose_site_button"] | {"disabled": not has_sites, "text": "Välj skola"}
        == (run.report["choose_site_button"])
    )
    # The tap arrives at the button, fires once and opens the enroll screen.
    assert run.report["connect_tap"] == {"reached": True, "pressed": 1, "released": 1}
    assert run.report["current_screen_after_tap"] == "enroll"
    _assert_touch_friendly(run.report)
    _assert_looks_like_a_screen(run.screenshots[screenshot])
    return run


def test_it_shows_the_title_and_that_a_fresh_device_is_not_enrolled(
    window: WindowHarness,
) -> None:
    run = _run_home(window, "home")

    assert run.report["enrollment_label"]["text"] == "Inte ansluten till någon server"
    assert run.report["waiting_label"]["text"] == "Inga inspektioner väntar på att skickas"
    assert run.report["sites_label"]["text"] == "Inga skolor på surfplattan ännu"
    assert (window.data_dir / STORE_FILENAME).exists()


def test_it_shows_the_server_and_the_inspections_waiting_when_enrolled(
    window: WindowHarness,
) -> None:
    factory = init_store(window.data_dir / STORE_FILENAME)
    with factory.begin() as session:
        setting_set(session, SettingKey.SERVER_URL, "https://skolmiljo.goteborg.example")
        setting_set(session, SettingKey.DEVICE_TOKEN, "device-token")
        site = site_create(session, name="Bräckeskolan")
        for state in [
            InspectionState.WAITING,
            InspectionState.WAITING,
            InspectionState.WAITING_PHOTOS,
            InspectionState.DRAFT,
            InspectionState.SYNCED,
        ]:
            inspection_create(session, site=site, state=state)
    close_store(factory)

    run = _run_home(window, "home-enrolled", has_sites=True)

    assert run.report["enrollment_label"]["text"] == (
        "Ansluten till https://skolmiljo.goteborg.example"
    )
    assert run.report["waiting_label"]["text"] == "3 inspektioner väntar på att skickas"
    assert run.report["sites_label"]["text"] == "1 skola på surfplattan"
