"""The background tiles come from the one URL in maps.tiles, whose host the server's
Content-Security-Policy allows for images."""

from __future__ import annotations

import re

import pytest
from map_factories import ranking_create

from maps.priority import priority_map
from maps.tiles import TILES_URL, tiles_origin


def _tile_urls(html: str) -> list[str]:
    return re.findall(r'L\.tileLayer\(\s*"([^"]+)"', html)


def test_it_draws_tiles_from_the_url_in_maps_tiles() -> None:
    html = priority_map(ranking_create(5), tiles=True).get_root().render()

    assert _tile_urls(html) == [TILES_URL]
    assert "OpenStreetMap</a> contributors" in html.replace("\\u003c/a\\u003e", "</a>")


def test_it_draws_no_tiles_when_asked_not_to() -> None:
    assert _tile_urls(priority_map(ranking_create(5), tiles=False).get_root().render()) == []


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("http://tiles.example.se:8080/osm/{z}/{x}/{y}.png", "http://tiles.example.se:8080"),
    ],
)
def test_it_names_the_tile_host_as_a_csp_source(url: str, origin: str) -> None:
    assert tiles_origin(url) == origin


@pytest.mark.parametrize("url", ["/tiles/{z}/{x}/{y}.png", "ftp://host/{z}.png", "https://"])
def test_it_refuses_a_tile_url_with_no_web_host(url: str) -> None:
    with pytest.raises(ValueError, match="is not an http"):
        tiles_origin(url)
