"""No CDN: use_local_assets points every script and stylesheet at vendored files."""

from __future__ import annotations

import folium
import pytest
from branca.colormap import linear
from folium import plugins
from map_factories import gothenburg_districts, plan_years_create, ranking_create

from maps.assets import (
    VENDOR_DIR,
    MissingAssetError,
    cdn_urls,
    local_asset_paths,
    use_local_assets,
)
from maps.priority import priority_map


def _full_map(*, scale: bool, tiles: bool) -> folium.Map:
    districts = gothenburg_districts()
    names = [f["properties"]["NAMN"] for f in districts["features"]]
    ranking = ranking_create(30, districts=names)
    return priority_map(
        ranking,
        districts=districts,
        district_property="NAMN",
        plan_years=plan_years_create(ranking, {2026: 3}),
        defects=ranking[["lat", "lon"]].assign(weight=1.0),
        popup_url="/api/v1/sites/{code}/popup",
        synthetic=True,
        tiles=tiles,
        scale=scale,
    )


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("tiles", [False, True])
def test_it_leaves_no_cdn_url_and_links_only_files_that_exist(scale: bool, tiles: bool) -> None:
    m = _full_map(scale=scale, tiles=tiles)

    html = use_local_assets(m).get_root().render()

    assert cdn_urls(html) == []
    paths = local_asset_paths(html)
    # Leaflet, jQuery, Bootstrap x2, glyphicons, Font Awesome, awesome-markers x2 and its
    # rotate CSS, d3, full screen x2, search x2, heat; markercluster x3 at scale.
    assert len(set(paths)) == (19 if scale else 16)
    assert [p for p in paths if not p.is_file()] == []


def test_it_leaves_no_http_url_at_all_without_tiles() -> None:
    html = use_local_assets(_full_map(scale=True, tiles=False)).get_root().render()

    assert "http://" not in html
    assert "https://" not in html


def test_it_finds_the_cdn_urls_folium_writes_by_default() -> None:
    html = _full_map(scale=True, tiles=False).get_root().render()

    urls = cdn_urls(html)

    assert len(urls) == 19
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in urls
    assert "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js" in urls


def test_it_rewrites_the_d3_link_branca_adds_while_rendering() -> None:
    m = folium.Map(tiles=None)
    linear.YlOrRd_09.scale(0, 100).add_to(m)

    html = use_local_assets(m).get_root().render()

    assert '<script src="/static/maps/vendor/d3/d3.min.js"></script>' in html
    assert cdn_urls(html) == []


def test_it_leaves_folium_classes_alone() -> None:
    before = list(folium.Map.default_js)

    use_local_assets(folium.Map(tiles=None)).get_root().render()

    assert folium.Map.default_js == before
    assert folium.Map().get_root().render().count("https://cdn.jsdelivr.net") > 0


def test_it_takes_a_function_for_hashed_static_urls() -> None:
    m = folium.Map(tiles=None)

    html = (
        use_local_assets(m, lambda path: f"/s/{path.replace('.js', '.abc123.js')}")
        .get_root()
        .render()
    )

    assert '<script src="/s/leaflet/leaflet.abc123.js"></script>' in html
    assert cdn_urls(html) == []


def test_it_refuses_a_plugin_without_a_vendored_copy() -> None:
    m = folium.Map(tiles=None)
    plugins.Draw().add_to(m)

    with pytest.raises(MissingAssetError, match="leaflet.draw"):
        use_local_assets(m)


def test_it_refuses_one_added_later_when_the_page_renders() -> None:
    m = use_local_assets(folium.Map(tiles=None))
    plugins.MeasureControl().add_to(m)

    with pytest.raises(MissingAssetError, match="leaflet-measure"):
        m.get_root().render()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example/a.js"></script>', ["https://cdn.example/a.js"]),
        ('<link rel="stylesheet" href="http://cdn.example/a.css"/>', ["http://cdn.example/a.css"]),
        ('<script src="//cdn.example/a.js"></script>', ["//cdn.example/a.js"]),
        ("<style>@import 'https://x.example/f.css';</style>", ["https://x.example/f.css"]),
        ("<style>p{background:url(https://x.example/i.png)}</style>", ["https://x.example/i.png"]),
        ('<script src="/static/maps/vendor/leaflet/leaflet.js"></script>', []),
        (
            "<script>L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png')</script>",
            [],
        ),
    ],
)
def test_it_reports_scripts_and_stylesheets_from_other_hosts(
    html: str, expected: list[str]
) -> None:
    assert cdn_urls(html) == expected


def test_it_maps_local_urls_to_files_under_the_vendor_dir() -> None:
    html = '<script src="/static/maps/vendor/d3/d3.min.js"></script><script src="/x.js"></script>'

    assert local_asset_paths(html) == [VENDOR_DIR / "d3" / "d3.min.js"]
