from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django.fixtures import Settings

from server.core.roles import PLANNER
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_push
from tests.server.inspections.conftest import inspection_json
from tests.server.inspections.test_photos_support import image_bytes, sha256_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(client: Client) -> Client:
    user = User.objects.create_user(username="pia", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client.force_login(user)
    return client


def test_it_shows_a_site_s_inspections_and_one_in_full(
    planner_client: Client, site: Any, inspector: Any
) -> None:
    sha = "b" * 64
    first = inspection_json(site.code, grade="C", n_ratings=2, photos=[sha])
    second = inspection_json(site.code, uuid=first["uuid"], revision=2, grade="D", n_ratings=2)
    inspections_push(raws=[first], source=Source(inspector=inspector, device_name="Platta 1"))
    inspections_push(raws=[second], source=Source(inspector=inspector, device_name="Platta 1"))

    listing = planner_client.get(f"/api/v1/sites/{site.code}/inspections")
    detail = planner_client.get(f"/api/v1/inspections/{first['uuid']}")

    assert listing.status_code == 200
    [summary] = listing.json()
    assert summary["uuid"] == first["uuid"]
    assert summary["grade_counts"] == {"A": 0, "B": 0, "C": 0, "D": 2, "N": 0}
    assert summary["inspector"] == "inga"
    body = detail.json()
    assert [r["grade"] for r in body["ratings"]] == ["D", "D"]
    assert [h["revision"] for h in body["history"]] == [1]
    assert body["estimated_cost_sek"] == sum(r["estimated_cost_sek"] for r in body["ratings"])


def test_it_gives_photo_urls_for_each_rating(
    planner_client: Client, site: Any, inspector: Any, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = image_bytes("PNG")
    sha = sha256_of(data)
    photo_store(sha256=sha, data=data)
    never_stored = "c" * 64
    record = inspection_json(site.code, n_ratings=1, photos=[sha, never_stored])
    inspections_push(raws=[record], source=Source(inspector=inspector))

    rating = planner_client.get(f"/api/v1/inspections/{record['uuid']}").json()["ratings"][0]

    # A hash whose photo the server does not have shows as nothing.
    assert rating["photos"] == [sha]
    assert rating["photo_urls"] == [f"/api/v1/photos/{sha}"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/sites/atlantis/inspections", 404),
        ("/api/v1/inspections/8f7c1f9e-1111-4c2b-9a51-2f3d5e6a7b80", 404),
        ("/api/v1/inspections/not-a-uuid", 422),
    ],
)
def test_it_answers_unknown_or_malformed_references_precisely(
    planner_client: Client, url: str, status: int
) -> None:
    response = planner_client.get(url)

    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "details"}


def test_it_refuses_anonymous_users_and_inspectors(
    client: Client, site: Any, inspector: Any
) -> None:
    anonymous = client.get(f"/api/v1/sites/{site.code}/inspections")
    client.force_login(inspector)
    as_inspector = client.get(f"/api/v1/sites/{site.code}/inspections")

    assert anonymous.status_code == 401
    assert as_inspector.status_code == 403
