"""The vendored files on disk: complete, self-contained, licensed, and what folium asks for."""

from __future__ import annotations

import json
import re

import folium
from folium import plugins

from maps.assets import MANIFEST, VENDOR_DIR, vendored_files

_MANIFEST = json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_it_has_exactly_the_files_the_manifest_lists() -> None:
    on_disk = {p.relative_to(VENDOR_DIR).as_posix() for p in VENDOR_DIR.rglob("*") if p.is_file()}

    assert on_disk == {entry["to"] for entry in _MANIFEST["files"]}


def test_it_resolves_every_url_in_the_vendored_css() -> None:
    missing = []
    for css in VENDOR_DIR.rglob("*.css"):
        for url in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css.read_text("utf-8")):
            if url.startswith(("data:", "#")):
                continue
            target = (css.parent / url.split("?")[0].split("#")[0]).resolve()
            if not target.is_file():
                missing.append(f"{css.relative_to(VENDOR_DIR)} -> {url}")

    assert missing == []


def test_it_ships_no_source_map_references() -> None:
    # Django's manifest storage fails on a reference to a .map file that is not there.
    offenders = [
        p.relative_to(VENDOR_DIR).as_posix()
        for p in VENDOR_DIR.rglob("*")
        if p.suffix in {".js", ".css"} and b"sourceMappingURL" in p.read_bytes()
    ]

    assert offenders == []


def test_it_ships_a_licence_with_every_package() -> None:
    unlicensed = [
        d.name
        for d in VENDOR_DIR.iterdir()
        if d.is_dir() and not any(re.search(r"licen[cs]e", p.name, re.I) for p in d.iterdir())
    ]

    assert unlicensed == []


def test_it_pins_every_npm_package_by_integrity() -> None:
    sources = {
        e["from"].removeprefix("npm:") for e in _MANIFEST["files"] if e["from"].startswith("npm:")
    }

    assert sources == set(_MANIFEST["npm"])
    assert all(v.startswith("sha512-") for v in _MANIFEST["npm"].values())


def test_it_covers_every_url_folium_and_our_plugins_ask_for() -> None:
    wanted = [
        *folium.folium._default_js,
        *folium.folium._default_css,
        *plugins.MarkerCluster.default_js,
        *plugins.MarkerCluster.default_css,
        *plugins.HeatMap.default_js,
        *plugins.Fullscreen.default_js,
        *plugins.Fullscreen.default_css,
        *plugins.Search.default_js,
        *plugins.Search.default_css,
        ("d3", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"),
    ]

    assert [url for _, url in wanted if url not in vendored_files()] == []
    assert len(wanted) == 19


def test_it_stays_small() -> None:
    total = sum(p.stat().st_size for p in VENDOR_DIR.rglob("*") if p.is_file())

    assert total < 1.5 * 1024 * 1024
