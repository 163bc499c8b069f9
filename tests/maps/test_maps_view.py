"""Where the priority map opens: at the municipality's centre and zoom, or fitted to the
schools when no centre is set."""

from __future__ import annotations

from map_factories import ranking_create

from maps.priority import priority_map


def test_it_opens_at_the_centre_and_zoom_it_is_given() -> None:
    m = priority_map(ranking_create(12), tiles=False, center=(57.7705, 12.269), zoom=13)

    assert m.location == [57.7705, 12.269]
    assert m.options["zoom"] == 13
    assert "fitBounds" not in m.get_root().render()


def test_it_fits_the_schools_without_a_centre() -> None:
    ranking = ranking_create(12)

    m = priority_map(ranking, tiles=False)

    html = m.get_root().render()
    assert "fitBounds" in html
    assert f"[{ranking['lat'].min()}, {ranking['lon'].min()}]" in html
