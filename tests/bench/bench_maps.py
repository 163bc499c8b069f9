"""The priority map at 5,000 and 100,000 schools: build time, HTML size and time to draw
in headless Chromium, against a plain folium map of the same points (one CircleMarker
per school in a MarkerCluster), measured in the same run.

The plain map takes minutes at 100,000 (one Python object and one line of JavaScript per
marker), so it is measured at BASELINE_CAP schools and extrapolated linearly to 100,000;
lines say so. Sizes: ``python -m tests.bench maps`` runs 5,000 and 100,000;
``BENCH_MAP_SIZES=2000,10000`` changes them. Chromium is skipped when it is missing.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from typing import Any

from tests.bench.common import Result

SIZES = tuple(int(s) for s in os.environ.get("BENCH_MAP_SIZES", "5000,100000").split(","))
BASELINE_CAP = int(os.environ.get("BENCH_MAP_BASELINE_CAP", "10000"))
CHROMIUM = "/usr/bin/chromium"
ORIGIN = "http://skolmiljo.test"
STATIC = "/static/maps/vendor/"
BYTES_TARGET = 100


def _ranking(n: int) -> Any:
    from tests.maps.map_factories import ranking_create

    return ranking_create(n, spread=1.5, seed=n)


def _ours(ranking: Any) -> str:
    from maps.assets import use_local_assets
    from maps.priority import priority_map

    m = priority_map(ranking, popup_url="/api/v1/sites/{code}/popup", tiles=False, synthetic=True)
    return str(use_local_assets(m, STATIC).get_root().render())


def _plain(ranking: Any) -> str:
    """What folium's documentation shows: a MarkerCluster with a CircleMarker per school."""
    import folium
    from folium.plugins import MarkerCluster

    from maps.assets import use_local_assets

    m = folium.Map(tiles=None, location=[57.7, 11.97], zoom_start=9)
    m.options["max_zoom"] = 18  # clustering needs it; tiles would otherwise set it
    cluster = MarkerCluster(name="Skolor").add_to(m)
    for name, lat, lon in zip(ranking["name"], ranking["lat"], ranking["lon"], strict=True):
        folium.CircleMarker([lat, lon], radius=6, tooltip=name).add_to(cluster)
    return str(use_local_assets(m, STATIC).get_root().render())


def _timed(build: Callable[[Any], str], ranking: Any) -> tuple[float, str]:
    started = time.perf_counter()
    html = build(ranking)
    return time.perf_counter() - started, html


class _Browser:
    """Headless Chromium; each page is served from memory, the vendored files from disk."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._play = sync_playwright().start()
        self.browser = self._play.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )

    def draw(self, html: str, selector: str) -> float:
        """Seconds from asking for the page until the first cluster icon (or circle) is drawn."""
        from maps.assets import VENDOR_DIR

        page = self.browser.new_page(viewport={"width": 1280, "height": 900})

        def handle(route: Any) -> None:
            path = route.request.url.removeprefix(ORIGIN)
            if path == "/map.html":
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif path.startswith(STATIC) and (VENDOR_DIR / path.removeprefix(STATIC)).is_file():
                route.fulfill(path=str(VENDOR_DIR / path.removeprefix(STATIC)))
            else:
                route.abort()

        page.route("**/*", handle)
        started = time.perf_counter()
        page.goto(ORIGIN + "/map.html", timeout=600_000)
        page.wait_for_selector(selector, timeout=300_000)
        seconds = time.perf_counter() - started
        page.close()
        return seconds

    def close(self) -> None:
        self.browser.close()
        self._play.stop()


def run() -> list[Result]:
    browser = _Browser() if shutil.which(CHROMIUM) else None
    results = []
    try:
        for n in SIZES:
            ranking = _ranking(n)
            ours_s, ours_html = _timed(_ours, ranking)
            size = len(ours_html.encode("utf-8"))
            base_n = min(n, BASELINE_CAP)
            plain_s, plain_html = _timed(_plain, ranking if base_n == n else _ranking(base_n))
            scale = n / base_n
            plain_size = len(plain_html.encode("utf-8")) * scale
            extrapolated = (
                f"; baseline measured at {base_n:,} and scaled x{scale:g}" if scale > 1 else ""
            )
            results.append(
                Result(
                    f"priority map build + HTML, {n:,} schools",
                    ours_s,
                    "folium MarkerCluster of CircleMarkers",
                    plain_s * scale,
                    f"HTML {size / 1e6:.2f} MB = {size / n:.0f} bytes/school (target <= "
                    f"{BYTES_TARGET}); baseline {plain_size / 1e6:.1f} MB = "
                    f"{plain_size / n:.0f} bytes/school{extrapolated}",
                )
            )
            if browser is not None:
                # Below SCALE_THRESHOLD the map draws circles, not clusters.
                ours_draw = browser.draw(ours_html, ".skm-cluster, path.skm-priority")
                plain_draw = browser.draw(plain_html, ".marker-cluster")
                results.append(
                    Result(
                        f"Chromium: load and draw the map, {n:,} schools",
                        ours_draw,
                        "folium MarkerCluster of CircleMarkers",
                        plain_draw * scale,
                        f"all {n:,} in the clusters, first cluster icons shown{extrapolated}",
                    )
                )
    finally:
        if browser is not None:
            browser.close()
    return results
