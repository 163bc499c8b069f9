"""The inside of a window test: runs in the subprocess that `window_harness` starts.

A driver script builds the app and hands it to `drive` with a scenario: a generator
that looks at widgets, touches them, takes screenshots and records what it saw, and
yields a number of frames whenever the app should get to render first::

    def scenario(driver: Driver) -> Scenario:
        yield from driver.settle()
        driver.record("title", driver.app.root.get_screen("home").ids.title_label.text)
        driver.screenshot("home")

    drive(SkolmiljoApp(), scenario)

When the scenario ends (or raises), the report goes to `$SKOLMILJO_WINDOW_REPORT` as
JSON, the app stops and the process exits (non-zero on error).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp, sp
from kivy.uix.widget import Widget

Scenario = Generator[int, None, None]

# Nothing here imports kivy.core.window at module level: that import opens the window,
# which must wait until the driver script has configured its size.

# Label textures and layouts settle over a couple of frames after a change.
SETTLE_FRAMES = 3
WATCHDOG_SECONDS = float(os.environ.get("SKOLMILJO_WINDOW_WATCHDOG", "30"))


class Driver:
    def __init__(self, app: App) -> None:
        self.app = app
        self.report: dict[str, Any] = {"screenshots": {}}
        self.screenshot_dir = Path(os.environ["SKOLMILJO_WINDOW_SCREENSHOTS"])
        self.report_path = Path(os.environ["SKOLMILJO_WINDOW_REPORT"])

    def settle(self, frames: int = SETTLE_FRAMES) -> Scenario:
        yield frames

    def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 20.0,
        state: Callable[[], object] = lambda: None,
    ) -> Scenario:
        """Let frames pass until `condition()` holds (network work runs meanwhile);
        on timeout the error shows `state()`."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"still waiting after {timeout} s: {state()!r}")
            yield 1
        yield from self.settle()

    def type_text(self, widget: Widget, text: str) -> Scenario:
        """Tap a text input to focus it, then type `text` as keyboard input."""
        from kivy.core.window import Window

        self.tap(widget)
        yield from self.settle(2)
        assert widget.focus, "the text input did not take the focus"
        widget.select_all()
        widget.delete_selection()
        Window.dispatch("on_textinput", text)
        yield from self.settle(2)

    def record(self, key: str, value: Any) -> None:
        self.report[key] = value

    def describe(self, widget: Widget) -> dict[str, Any]:
        """What a user sees of a widget: text, enabled state, size in dp, font in sp."""
        description: dict[str, Any] = {
            "disabled": bool(widget.disabled),
            "width_dp": round(widget.width / dp(1), 1),
            "height_dp": round(widget.height / dp(1), 1),
            "window_pos": [round(value) for value in widget.to_window(*widget.pos)],
        }
        if hasattr(widget, "text"):
            description["text"] = widget.text
        if hasattr(widget, "font_size"):
            description["font_sp"] = round(float(widget.font_size) / sp(1), 1)
        return description

    def tap(self, widget: Widget) -> dict[str, Any]:
        """Touch the centre of `widget` through the window's input pipeline.

        Returns whether the touch arrived on the widget and how often it fired
        `on_press` / `on_release` (buttons only).
        """
        seen = {"reached": False, "pressed": 0, "released": 0}

        def on_touch_down(_widget: Widget, touch: Any) -> None:
            seen["reached"] = seen["reached"] or widget.collide_point(*touch.pos)

        def on_press(*_args: Any) -> None:
            seen["pressed"] += 1

        def on_release(*_args: Any) -> None:
            seen["released"] += 1

        widget.fbind("on_touch_down", on_touch_down)
        has_press = "on_press" in widget.events()
        if has_press:
            widget.fbind("on_press", on_press)
            widget.fbind("on_release", on_release)
        from kivy.tests.common import UnitTestTouch

        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        widget.funbind("on_touch_down", on_touch_down)
        if has_press:
            widget.funbind("on_press", on_press)
            widget.funbind("on_release", on_release)
        return seen

    def screenshot(self, name: str) -> Path:
        """Save what the window shows as `<name>.png` in the screenshot folder."""
        from kivy.core.window import Window

        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        # Draw now so the buffer read back is a complete, current frame.
        Window.dispatch("on_draw")
        # Kivy numbers screenshots (`home0001.png`); give it the name we asked for.
        saved = Path(Window.screenshot(name=str(self.screenshot_dir / f"{name}.png")))
        target = self.screenshot_dir / f"{name}.png"
        saved.replace(target)
        self.report["screenshots"][name] = target.name
        return target

    def write_report(self) -> None:
        window = self.app.root_window
        self.report["window_size"] = list(window.size) if window is not None else None
        self.report_path.write_text(json.dumps(self.report, indent=2, ensure_ascii=False))


def drive(app: App, scenario: Callable[[Driver], Scenario]) -> None:
    """Run `app` with `scenario` driving it, then exit the process."""
    driver = Driver(app)
    steps: Scenario | None = None
    frames_to_wait = 0
    started = time.monotonic()
    exit_code = 0

    def finish(error: BaseException | None) -> None:
        nonlocal exit_code
        if error is not None:
            exit_code = 1
            driver.record("error", "".join(traceback.format_exception(error)))
        driver.write_report()
        ticker.cancel()
        app.stop()

    def step(_dt: float) -> None:
        nonlocal steps, frames_to_wait
        if steps is None:
            return
        if time.monotonic() - started > WATCHDOG_SECONDS:
            finish(TimeoutError(f"scenario still running after {WATCHDOG_SECONDS} s"))
            return
        if frames_to_wait > 0:
            frames_to_wait -= 1
            return
        try:
            frames_to_wait = next(steps)
        except StopIteration:
            finish(None)
        except Exception as error:  # reported to the test, which shows it
            finish(error)

    def start(_dt: float) -> None:
        nonlocal steps
        steps = scenario(driver)

    # Runs once per frame, from the first frame after the window opened.
    ticker = Clock.schedule_interval(step, 0)

    def on_start(_app: App) -> None:
        # Returns None: a true return value would stop the event, and the app's own
        # on_start (which starts the sync worker) would never run.
        Clock.schedule_once(start, 0)

    app.bind(on_start=on_start)
    try:
        app.run()
    except Exception as error:  # a crash while building the app: report it too
        driver.record("error", "".join(traceback.format_exception(error)))
        driver.write_report()
        exit_code = 1
    sys.exit(exit_code)
