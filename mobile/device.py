"""The tablet's camera and GPS through plyer, where plyer is installed (Android builds).

On the desktop neither exists: photos come from a file chooser and there is no position.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any


def _plyer(name: str) -> Any | None:
    try:
        import plyer  # type: ignore[import-not-found]
    except ImportError:
        return None
    return getattr(plyer, name, None)


def has_camera(platform: str) -> bool:
    return platform == "android" and _plyer("camera") is not None


def take_photo(filename: str, on_done: Callable[[str | None], None]) -> None:
    """Open the camera app; `on_done(path)` when a picture was saved, with None otherwise."""
    camera = _plyer("camera")
    if camera is None:
        on_done(None)
        return

    def complete(path: str | None) -> bool:
        on_done(path)
        return False

    camera.take_picture(filename=filename, on_complete=complete)


def start_gps(platform: str, on_fix: Callable[[float, float, float | None], None]) -> bool:
    """Follow the position (Android only); returns whether a GPS is there."""
    gps = _plyer("gps")
    if platform != "android" or gps is None:
        return False

    def location(**fix: Any) -> None:
        on_fix(float(fix["lat"]), float(fix["lon"]), fix.get("accuracy"))

    try:
        gps.configure(on_location=location)
        gps.start(minTime=2000, minDistance=1)
    except NotImplementedError:
        return False
    return True


def stop_gps(platform: str) -> None:
    """Stop following the position: the GPS only runs while an element is graded."""
    gps = _plyer("gps")
    if platform == "android" and gps is not None:
        with contextlib.suppress(NotImplementedError):
            gps.stop()
