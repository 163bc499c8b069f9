"""Many schools: one compact layer, popups fetched on click, under 100 bytes a school."""

from __future__ import annotations

import pytest
from map_factories import plan_years_create, ranking_create, school_data

from maps.assets import use_local_assets
from maps.priority import html_size, priority_map

BYTES_PER_SCHOOL = 100


@pytest.mark.parametrize("schools", [5_000, 20_000])
def test_it_stays_under_100_bytes_a_school(schools: int) -> None:
    ranking = ranking_create(schools, spread=1.5)
    m = priority_map(
        ranking,
        plan_years=plan_years_create(ranking, {2026: schools // 20, 2027: schools // 20}),
        defects=ranking[["lat", "lon"]].iloc[::3].assign(weight=1.0),
        popup_url="/api/v1/sites/{code}/popup",
        synthetic=True,
        tiles=False,
    )
    use_local_assets(m)

    size = html_size(m)

    assert size / schools < BYTES_PER_SCHOOL, f"{size / schools:.1f} bytes a school"
    assert school_data(m.get_root().render())["popup"] is None


def test_it_counts_html_size_in_utf8_bytes() -> None:
    ranking = ranking_create(3)
    # Two maps alike: folium writes a page that is rendered twice longer the second time.
    html = priority_map(ranking, tiles=False).get_root().render()

    size = html_size(priority_map(ranking, tiles=False))

    assert size == len(html.encode("utf-8"))
    assert size > len(html)  # å, ä, ö take two bytes
