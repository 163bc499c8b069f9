"""The priority map builder: layers, markers, legend, act-now, districts, notes, tiles."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from map_factories import (
    gothenburg_districts,
    overlay_names,
    plan_years_create,
    ranking_create,
    school_data,
)

from maps.priority import (
    ACT_NOW_LAYER,
    DISTRICT_LAYER,
    HEAT_LAYER,
    PRIORITY_LAYER,
    SYNTHETIC_NOTE,
    district_need,
    need_scale,
    priority_map,
)
from maps.schools import SchoolLayer


def _render(ranking: pd.DataFrame, **kwargs: object) -> str:
    return priority_map(ranking, tiles=False, **kwargs).get_root().render()  # type: ignore[arg-type]


def test_it_has_every_layer_by_name() -> None:
    districts = gothenburg_districts()
    names = [f["properties"]["NAMN"] for f in districts["features"]]
    ranking = ranking_create(40, districts=names)
    defects = ranking[["lat", "lon"]].iloc[:10].assign(weight=2.0)

    html = _render(
        ranking,
        districts=districts,
        district_property="NAMN",
        plan_years=plan_years_create(ranking, {2026: 4, 2027: 3}),
        defects=defects,
    )

    assert overlay_names(html) == [
        DISTRICT_LAYER,
        PRIORITY_LAYER,
        "Skick",
        "Upplevelse",
        "Likvärdighet",
        ACT_NOW_LAYER,
        "Finansieras år 2026",
        "Finansieras år 2027",
        HEAT_LAYER,
    ]
    assert "L.control.search(" in html or "new L.Control.Search(" in html
    assert "L.control.fullscreen(" in html


def test_it_leaves_out_layers_it_has_no_data_for() -> None:
    html = _render(ranking_create(10))

    assert overlay_names(html) == [
        PRIORITY_LAYER,
        "Skick",
        "Upplevelse",
        "Likvärdighet",
        ACT_NOW_LAYER,
    ]


@pytest.mark.parametrize("scale", [False, True])
def test_it_writes_one_marker_per_school(scale: bool) -> None:
    ranking = ranking_create(57)

    m = priority_map(ranking, tiles=False, scale=scale)
    data = school_data(m.get_root().render())

    assert data["code"] == list(ranking.index)
    for column in ("name", "lat", "lon", "r"):
        assert len(data[column]) == 57
    for key in ("priority", "condition", "experience", "equity"):
        assert len(data["v"][key]) == 57
    priority = next(c for c in m._children.values() if isinstance(c, SchoolLayer))
    assert priority.layer_name == PRIORITY_LAYER
    assert len(priority) == 57
    assert priority.layer_options["cluster"] is scale


def test_it_keeps_values_and_coordinates_in_school_order() -> None:
    ranking = ranking_create(5)
    ranking.loc[ranking.index[2], "experience"] = np.nan

    data = school_data(_render(ranking))

    assert data["v"]["priority"] == [round(v) for v in ranking["priority"]]
    assert data["v"]["experience"][2] is None
    assert data["lat"] == [round(v, 4) for v in ranking["lat"]]
    biggest = int(np.argmax(ranking["pupils"].to_numpy()))
    assert data["r"][biggest] == 16
    assert min(data["r"]) >= 4


def test_it_leaves_out_schools_without_coordinates_and_says_so() -> None:
    ranking = ranking_create(12)
    ranking.loc[ranking.index[[3, 7]], "lat"] = np.nan

    html = _render(ranking)

    assert len(school_data(html)["code"]) == 10
    assert "2 skolor saknar koordinater och visas inte" in html


def test_it_adds_the_legend() -> None:
    html = _render(ranking_create(8))

    assert need_scale().caption == "Behov 0–100 (högre = större behov)"
    assert json.dumps(need_scale().caption) in html
    assert re.search(r"var color_map_\w+ = \{\};", html)
    assert "d3.select" in html


def test_it_marks_act_now_schools_with_an_outline_and_a_pin_layer() -> None:
    ranking = ranking_create(30, act_now_share=0.0)
    urgent = [4, 11, 20]
    ranking.loc[ranking.index[urgent], "act_now"] = True

    m = priority_map(ranking, tiles=False)
    html = m.get_root().render()

    assert school_data(html)["act"] == urgent
    layers = {c.layer_name: c for c in m._children.values() if isinstance(c, SchoolLayer)}
    assert layers[ACT_NOW_LAYER].layer_options["subset"] == urgent
    assert layers[ACT_NOW_LAYER].layer_options["style"] == "pin"
    assert layers[PRIORITY_LAYER].layer_options["outline"] is True
    assert layers["Skick"].layer_options["outline"] is False
    popups = school_data(html)["popup"]
    assert all(("Åtgärda nu" in popups[i]) == (i in urgent) for i in range(30))


def test_it_inlines_popups_with_rank_interval_and_pillars_for_a_small_map() -> None:
    ranking = ranking_create(6)
    row = ranking.iloc[2]

    popup = school_data(_render(ranking))["popup"][2]

    assert f"{row['name']}" in popup
    assert f"90 %-intervall {row['rank_p05']}–{row['rank_p95']}" in popup
    for label in ("Skick", "Upplevelse", "Likvärdighet"):
        assert label in popup
    assert popup.count('class="skm-bar"') == 3 - int(np.isnan(row["experience"]))
    assert 'href="/sites/skolhus-000002/"' in popup


def test_it_fetches_popups_from_the_api_at_scale() -> None:
    ranking = ranking_create(30)

    data = school_data(_render(ranking, scale=True, popup_url="/api/v1/sites/{code}/popup"))

    assert data["popup"] is None
    assert data["popupUrl"] == "/api/v1/sites/{code}/popup"
    assert data["siteUrl"] == "/sites/{code}/"


def test_it_clusters_by_itself_above_a_thousand_schools() -> None:
    small = priority_map(ranking_create(1000), tiles=False)
    large = priority_map(ranking_create(1001), tiles=False)

    def clustered(m: object) -> bool:
        layers = [c for c in m._children.values() if isinstance(c, SchoolLayer)]  # type: ignore[attr-defined]
        return bool(layers[0].layer_options["cluster"])

    assert not clustered(small)
    assert clustered(large)
    assert "leaflet.markercluster.js" in large.get_root().render()


def test_it_draws_one_ring_layer_per_plan_year() -> None:
    ranking = ranking_create(20)
    plan = plan_years_create(ranking, {2026: 3, 2028: 2})
    plan.loc[len(plan)] = {"site": "not-on-the-map", "year": 2026, "element": "roof"}

    m = priority_map(ranking, tiles=False, plan_years=plan)

    rings = {
        c.layer_name: c.layer_options
        for c in m._children.values()
        if isinstance(c, SchoolLayer) and c.layer_options["style"] == "ring"
    }
    assert set(rings) == {"Finansieras år 2026", "Finansieras år 2028"}
    assert rings["Finansieras år 2026"]["subset"] == [0, 1, 2]
    assert rings["Finansieras år 2028"]["subset"] == [3, 4]


def test_it_sums_defects_at_one_place_into_one_heat_point() -> None:
    ranking = ranking_create(3)
    defects = pd.DataFrame(
        {"lat": [57.7, 57.7, 57.75], "lon": [11.9, 11.9, 12.0], "weight": [1.0, 3.0, 2.0]}
    )

    html = _render(ranking, defects=defects)

    heat = re.search(r"L\.heatLayer\(\s*(\[\[.*?\]\])", html, re.DOTALL)
    assert heat
    assert json.loads(heat.group(1)) == [
        [57.7, 11.9, 1.0],
        [57.75, 12.0, 0.5],
    ]


def test_it_weights_district_need_by_pupils() -> None:
    ranking = pd.DataFrame(
        {
            "district": ["A", "A", "B", "B", "C"],
            "priority": [80.0, 20.0, 50.0, np.nan, np.nan],
            "pupils": [300, 100, 0, 200, 50],
        }
    )

    need = district_need(ranking)

    assert need.loc["A", "need"] == pytest.approx(65.0)
    assert need.loc["B", "need"] == pytest.approx(50.0)  # no weight: the plain mean
    assert np.isnan(need.loc["C", "need"])
    assert need["schools"].tolist() == [2, 2, 1]
    assert need["pupils"].tolist() == [400, 200, 50]


def test_it_shades_every_district_and_names_those_without_schools() -> None:
    districts = gothenburg_districts()
    ranking = ranking_create(20, districts=["Backa", "Bergsjön"])

    m = priority_map(ranking, tiles=False, districts=districts, district_property="NAMN")

    layer = next(c for c in m._children.values() if getattr(c, "layer_name", "") == DISTRICT_LAYER)
    properties = {f["properties"]["namn"]: f["properties"] for f in layer.data["features"]}
    assert len(properties) == 36
    expected = district_need(ranking).loc["Backa"]
    assert properties["Backa"]["need"] == round(expected["need"])
    assert properties["Backa"]["skolor"] == expected["schools"]
    assert properties["Askim-Hovås"]["behov"] == "inga skolor"
    assert districts["features"][0]["properties"].get("namn") is None  # input untouched


@pytest.mark.parametrize("synthetic", [True, False])
def test_it_flags_synthetic_data_only_when_it_is(synthetic: bool) -> None:
    html = _render(ranking_create(5), synthetic=synthetic)

    assert ("skm-synthetic" in html) is synthetic
    assert (SYNTHETIC_NOTE in html) is synthetic


def test_it_adds_no_tile_layer_without_tiles() -> None:
    ranking = ranking_create(5)

    without = priority_map(ranking, tiles=False).get_root().render()
    with_tiles = priority_map(ranking, tiles=True).get_root().render()

    assert "L.tileLayer(" not in without
    assert "L.tileLayer(" in with_tiles
    assert "tile.openstreetmap.org" in with_tiles


def test_it_escapes_school_names_in_the_page() -> None:
    ranking = ranking_create(3)
    ranking.loc[ranking.index[0], "name"] = "<script>alert(1)</script>"

    html = _render(ranking)

    assert "<script>alert(1)" not in html
    assert school_data(html)["name"][0] == "<script>alert(1)</script>"


def test_it_rejects_a_ranking_without_coordinates() -> None:
    ranking = ranking_create(3).drop(columns=["lat"])

    with pytest.raises(ValueError, match="lacks column"):
        priority_map(ranking, tiles=False)


def test_it_draws_an_empty_ranking() -> None:
    html = _render(ranking_create(0))

    assert school_data(html)["code"] == []
