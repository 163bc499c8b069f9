"""City areas as a second choropleth, boundaries not known yet, and funded rings shown."""

from __future__ import annotations

import pytest
from map_factories import overlay_names, plan_years_create, ranking_create, school_data

from maps.priority import CITY_AREA_LAYER, DISTRICT_LAYER, district_need, priority_map
from maps.schools import SchoolLayer


def _square(x: float, y: float) -> dict[str, object]:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _areas() -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": code, "label": label},
                "geometry": _square(11.9 + n / 10, 57.6),
            }
            for n, (code, label) in enumerate(
                [
                    ("nordost", "Nordost"),
                    ("centrum", "Centrum"),
                    ("sydvast", "Sydväst"),
                    ("hisingen", "Hisingen"),
                ]
            )
        ],
    }


def test_it_shades_the_four_city_areas_by_pupil_weighted_need() -> None:
    ranking = ranking_create(40, seed=3)
    ranking["city_area"] = ["nordost", "centrum", "hisingen"] * 13 + ["nordost"]

    m = priority_map(ranking, tiles=False, city_areas=_areas())

    layer = next(c for c in m._children.values() if getattr(c, "layer_name", "") == CITY_AREA_LAYER)
    shown = {f["properties"]["namn"]: f["properties"] for f in layer.data["features"]}
    expected = district_need(ranking, "city_area")
    assert set(shown) == {"Nordost", "Centrum", "Sydväst", "Hisingen"}  # labels, not codes
    assert shown["Nordost"]["need"] == round(expected.loc["nordost", "need"])
    assert shown["Sydväst"]["behov"] == "inga skolor"
    assert CITY_AREA_LAYER in overlay_names(m.get_root().render())
    assert layer.show is False  # districts first; city areas on request


def test_it_draws_no_district_layer_when_no_boundary_is_known() -> None:
    ranking = ranking_create(5)

    m = priority_map(
        ranking,
        tiles=False,
        districts={"type": "FeatureCollection", "features": []},
        city_areas={"type": "FeatureCollection", "features": []},
    )
    html = m.get_root().render()

    assert DISTRICT_LAYER not in overlay_names(html)
    assert CITY_AREA_LAYER not in overlay_names(html)
    assert "skm-priority" in html


@pytest.mark.parametrize("show", [False, True])
def test_it_shows_the_funded_rings_at_first_only_when_asked(show: bool) -> None:
    ranking = ranking_create(20)
    plan = plan_years_create(ranking, {2027: 3, 2028: 2})

    m = priority_map(ranking, tiles=False, plan_years=plan, show_funded=show)

    rings = [
        c
        for c in m._children.values()
        if isinstance(c, SchoolLayer) and c.layer_options["style"] == "ring"
    ]
    assert len(rings) == 2
    assert all(ring.show is show for ring in rings)


def test_it_speaks_english_when_asked() -> None:
    ranking = ranking_create(30, seed=5)
    plan = plan_years_create(ranking, {2027: 3})

    html = priority_map(ranking, tiles=False, plan_years=plan, synthetic=True, lang="en")
    page = html.get_root().render()

    assert overlay_names(page)[:5] == ["Priority", "Condition", "Experience", "Equity", "Act now"]
    assert "Funded in 2027" in overlay_names(page)
    assert "Need 0\\u2013100 (higher = more need)" in page  # the legend, JSON-escaped
    assert "Synthetic data" in page and "Find a school" in page
    data = school_data(page)
    assert "Rank <b>" in data["popup"][0] and "Open the school page" in data["popup"][0]
    assert data["t"]["open_site"] == "Open the school page"  # the script's own popup
    assert "Prioritet" not in page and "Skick" not in page
