"""A site without a position or district, and a removed unit, wherever sites are read."""

from __future__ import annotations

import pandas as pd
import pytest
from django.test import Client
from django.utils import timezone

from maps.priority import priority_map
from server.planning.loading import load_sites
from tests.server.factories import make_site, make_unit

pytestmark = pytest.mark.django_db


def test_the_api_lists_it_as_needing_a_position(client: Client) -> None:
    site = make_site(code="nyskolan", lat=None, lon=None, district=None)
    make_unit(site=site, pupils=120)
    make_unit(site=site, pupils=80, removed_at=timezone.now())

    body = client.get("/api/v1/sites/nyskolan").json()

    assert (body["lat"], body["lon"], body["needs_position"]) == (None, None, True)
    assert (body["district"], body["district_name"], body["city_area"]) == (None, None, None)
    assert (body["pupils"], body["unit_count"], len(body["units"])) == (120, 1, 1)
    assert client.get("/api/v1/units").json()["count"] == 1


def test_the_ranking_keeps_it_and_the_map_leaves_it_off() -> None:
    placed = make_site(code="placed")
    make_unit(site=placed)
    make_unit(site=make_site(code="nowhere", lat=None, lon=None, district=None))

    sites = load_sites()

    assert sites.loc["nowhere", "district"] == ""
    assert pd.isna(sites.loc["nowhere", "lat"])
    ranking = sites.assign(
        rank=[1, 2], priority=[50.0, 40.0], condition=None, experience=None, equity=None,
        act_now=False, top_defects=[[], []], missing=[[], []],
    )  # fmt: skip
    html = priority_map(ranking, tiles=False).get_root().render()
    assert '"placed"' in html  # the map's data names each school by code
    assert '"nowhere"' not in html
