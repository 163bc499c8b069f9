"""End to end: an inspection recorded in the app reaches what the server's ranking reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from live_sync import LiveSync, Tablet

from server.core.roles import PLANNER
from server.planning.loading import load_ratings


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    tablet = Tablet(tmp_path / "tablet")
    yield tablet
    tablet.close()


def _ranking(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/ranking", {"condition": 1, "experience": 0, "equity": 0})
    assert response.status_code == 200
    return {site["code"]: site for site in response.json()["sites"]}


def test_an_app_inspection_changes_the_ranking_of_its_site(live: LiveSync, tablet: Tablet) -> None:
    from server.schools.models import Site

    planner = User.objects.create_user(username="pia", password="x")
    planner.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client = Client()
    client.force_login(planner)
    before = _ranking(client)
    assert before["brackeskolan"]["inspected"] is False

    tablet.enroll(live)
    uuid = tablet.inspections.start("brackeskolan")
    tablet.inspections.rate(uuid, "roof", grade="D", urgency=1, note="Takläckage", quantity=800)
    tablet.inspections.rate(uuid, "toilets", "Hus B", grade="C", urgency=2)
    tablet.inspections.rate(uuid, "play_equipment", grade="A")
    tablet.inspections.finish(uuid)
    assert tablet.sync().statuses == {"created": 1}

    site_id = Site.objects.get(code="brackeskolan").pk
    ratings = load_ratings(site_ids=[site_id])
    assert sorted(zip(ratings["element"], ratings["location"], ratings["grade"], strict=True)) == [
        ("play_equipment", "", "A"),
        ("roof", "", "D"),
        ("toilets", "Hus B", "C"),
    ]
    after = _ranking(client)
    bracke = after["brackeskolan"]
    assert bracke["inspected"] is True
    assert bracke["act_now"] is True  # the urgency-1 roof
    assert bracke["rank"] == 1
    assert bracke["top_defects"][0]["element"] == "roof"
