"""Window driver: open the app on its home screen, tap a button, screenshot, report.

Usage (from `window_harness`): `python home_screen.py <screenshot name>`.
"""

from __future__ import annotations

import sys

from window_driver import Driver, Scenario, drive

from mobile.app import SkolmiljoApp, configure_desktop_window

SCREENSHOT_NAME = sys.argv[1] if len(sys.argv) > 1 else "home"


def scenario(driver: Driver) -> Scenario:
    yield from driver.settle()
    manager = driver.app.root
    home = manager.get_screen("home")
    driver.record("current_screen", manager.current)
    driver.record("language", driver.app.tr.language)
    driver.record("window_title", driver.app.title)
    for name in ("title_label", "enrollment_label", "waiting_label", "sites_label"):
        driver.record(name, driver.describe(home.ids[name]))
    for name in ("connect_button", "choose_site_button"):
        driver.record(name, driver.describe(home.ids[name]))
    # The screenshot first: the tap opens the enroll screen.
    driver.screenshot(SCREENSHOT_NAME)
    driver.record("connect_tap", driver.tap(home.ids.connect_button))
    yield from driver.settle()
    driver.record("current_screen_after_tap", manager.current)


if __name__ == "__main__":
    configure_desktop_window()
    drive(SkolmiljoApp(), scenario)
