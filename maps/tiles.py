"""The background tiles: the one thing a map loads from outside our server.

Kept free of folium so that the server's settings can read `TILES_URL` cheaply: the
Content-Security-Policy allows images from `tiles_origin()` and from nowhere else outside.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

TILES_URL: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tiles_origin(url: str = TILES_URL) -> str:
    """The scheme and host of a tile URL template, as a CSP source ("https://host")."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) tile URL template")
    return f"{parts.scheme}://{parts.netloc}"
