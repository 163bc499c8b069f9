"""Serve a folium map's JavaScript and CSS from our own static files, not from CDNs.

folium and its plugins name CDN URLs in `default_js` / `default_css`, and branca's colour
scale adds d3 while it renders. `use_local_assets` points all of them at the copies
vendored under `maps/static/maps/vendor/` (see `maps/vendor/assets.json` and
`fetch.py`), so a map draws with no internet; only background tiles may need it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement

VENDOR_DIR: Final = Path(__file__).resolve().parent / "static" / "maps" / "vendor"
"""Where the vendored files live; Django serves `maps/static/` as a static directory."""
MANIFEST: Final = Path(__file__).resolve().parent / "vendor" / "assets.json"
DEFAULT_STATIC_URL: Final = "/static/maps/vendor/"

StaticUrl = str | Callable[[str], str]
"""A URL prefix for the vendored files, or a function from a path under the vendor
directory (e.g. "leaflet/leaflet.js") to its URL, such as Django's `static()` wrapped so
that hashed file names are used."""


class MissingAssetError(ValueError):
    """A map asks for a CDN file that has no vendored copy (add it to assets.json)."""


@cache
def vendored_files() -> dict[str, str]:
    """CDN URL -> path under `VENDOR_DIR`, for every URL the vendored files replace."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {url: entry["to"] for entry in manifest["files"] for url in entry.get("serves", [])}


def local_path(url: str) -> str:
    """The path under `VENDOR_DIR` that replaces the CDN `url`."""
    try:
        return vendored_files()[url]
    except KeyError:
        raise MissingAssetError(
            f"no vendored copy of {url}; add it to maps/vendor/assets.json and run fetch.py"
        ) from None


def _url_maker(static_url: StaticUrl) -> Callable[[str], str]:
    if callable(static_url):
        return static_url
    prefix = static_url if static_url.endswith("/") else static_url + "/"
    return lambda path: prefix + path


def _is_cdn(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


class _LocalLinks(MacroElement):
    """Rewrites the figure's header links once the map has rendered.

    Added to the figure after the map, so it renders last: by then branca's colour scale
    has added its d3 link, which no `default_js` names.
    """

    def __init__(self, to_url: Callable[[str], str]) -> None:
        super().__init__()
        self._name = "LocalLinks"
        self.to_url = to_url

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "render the map's figure, not the map alone"
        for child in figure.header._children.values():
            if isinstance(child, JavascriptLink | CssLink) and _is_cdn(child.url):
                child.url = self.to_url(local_path(child.url))


def use_local_assets(m: folium.Map, static_url: StaticUrl = DEFAULT_STATIC_URL) -> folium.Map:
    """Point every script and stylesheet of `m` at the vendored copies; returns `m`.

    Call it once the map is built. Elements added later are still covered when they
    render their links into the figure's header. Raises MissingAssetError for a CDN file
    with no vendored copy, rather than let a page silently depend on the internet.
    """
    to_url = _url_maker(static_url)
    for element in _walk(m):
        # Instance attributes, so folium's class-level lists stay untouched.
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                setattr(
                    element,
                    attr,
                    [
                        (name, to_url(local_path(url)) if _is_cdn(url) else url)
                        for name, url in links
                    ],
                )
    m.get_root().add_child(_LocalLinks(to_url), name="skolmiljo_local_links")
    return m


class _AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        elif tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(re.findall(r"""(?:@import\s+|url\()\s*["']?([^"')\s;]+)""", data))


def cdn_urls(html: str) -> list[str]:
    """The http(s) URLs of scripts, stylesheets and style imports in `html`.

    Tile URL templates live inside JavaScript code, not in these places, so they are not
    reported: background tiles are the one thing allowed to need the network.
    """
    parser = _AssetLinks()
    parser.feed(html)
    parser.close()
    return [url for url in parser.urls if _is_cdn(url)]


def local_asset_paths(html: str, static_url: str = DEFAULT_STATIC_URL) -> list[Path]:
    """The files under `VENDOR_DIR` that `html` links to with the `static_url` prefix."""
    parser = _AssetLinks()
    parser.feed(html)
    parser.close()
    return [
        VENDOR_DIR / url.removeprefix(static_url)
        for url in parser.urls
        if url.startswith(static_url)
    ]
