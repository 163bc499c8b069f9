"""GET /api/v1/photos/{sha256}: planners download any photo's bytes; a tablet those of its
inspector's assigned sites and own inspections."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django.fixtures import Settings

from server.core.roles import PLANNER
from server.inspections.models import Assignment
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_push
from server.schools.models import Site
from tests.server.factories import make_site
from tests.server.inspections.conftest import enrolled_token, inspection_json, make_inspector
from tests.server.inspections.test_photos_support import (
    PHOTO_URL,
    bearer,
    image_bytes,
    sha256_of,
)

pytestmark = pytest.mark.django_db

PNG = image_bytes("PNG")


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    photo_store(sha256=sha256_of(PNG), data=PNG)
    return tmp_path


def sign_in(client: Client, *groups: str) -> User:
    user = User.objects.create_user(username="pia", password="x")
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    client.force_login(user)
    return user


def test_it_lets_a_planner_download_a_photo(client: Client) -> None:
    sign_in(client, PLANNER)

    response = client.get(PHOTO_URL.format(sha256_of(PNG)))

    assert response.status_code == 200
    assert response.getvalue() == PNG
    assert (response["Content-Type"], response["Content-Length"]) == ("image/png", str(len(PNG)))
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_it_lets_a_tablet_download_a_photo_of_its_own_inspection(
    client: Client, inspector: User
) -> None:
    inspect(inspector, make_site(), sha256_of(PNG))

    response = client.get(
        PHOTO_URL.format(sha256_of(PNG)), headers=bearer(enrolled_token(inspector))
    )

    assert response.status_code == 200
    assert response.getvalue() == PNG


def test_it_refuses_anonymous_callers(client: Client) -> None:
    response = client.get(PHOTO_URL.format(sha256_of(PNG)))

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthorized",
        "message": "Sign in, or send a valid device token, to use this endpoint.",
        "details": [],
    }


def test_it_refuses_signed_in_users_who_are_not_planners(client: Client) -> None:
    sign_in(client)

    response = client.get(PHOTO_URL.format(sha256_of(PNG)))

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_it_answers_404_for_an_unknown_photo(client: Client) -> None:
    sign_in(client, PLANNER)
    unknown = sha256_of(b"never sent")

    response = client.get(PHOTO_URL.format(unknown))

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"No photo with SHA-256 {unknown}.",
        "details": [],
    }


def test_it_answers_404_when_the_photo_s_file_is_lost(client: Client, media: Path) -> None:
    sign_in(client, PLANNER)
    digest = sha256_of(PNG)
    (media / f"photos/{digest[:2]}/{digest}.png").unlink()

    response = client.get(PHOTO_URL.format(digest))

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def inspect(inspector: User, site: Site, *hashes: str) -> None:
    """`inspector` sends an inspection of `site` whose first rating names the photos."""
    record = inspection_json(site.code, n_ratings=2, photos=list(hashes))
    [result] = inspections_push(raws=[record], source=Source(inspector=inspector))
    assert result.status == "created"


@pytest.fixture
def photos(inspector: User) -> dict[str, str]:
    """Stored photos by whose inspection names them; `inspector` (A) is assigned one site.

    B's inspection of A's assigned site names two photos, so the check finds a hash that
    is not first in a rating's list.
    """
    other = make_inspector("bo")
    assigned, elsewhere = make_site(), make_site()
    Assignment.objects.create(inspector=inspector, site=assigned)
    hashes = {}
    for seed, name in enumerate(["assigned site", "also assigned", "own", "others", "unlinked"]):
        data = image_bytes("PNG", seed=seed + 10)
        photo_store(sha256=sha256_of(data), data=data)
        hashes[name] = sha256_of(data)
    inspect(other, assigned, hashes["assigned site"], hashes["also assigned"])
    inspect(inspector, elsewhere, hashes["own"])
    inspect(other, elsewhere, hashes["others"])
    hashes["never stored"] = sha256_of(b"never sent")
    return hashes


@pytest.mark.parametrize(
    ("photo", "status"),
    [
        ("assigned site", 200),
        ("also assigned", 200),
        ("own", 200),
        ("others", 404),
        ("unlinked", 404),
        ("never stored", 404),
    ],
)
def test_it_lets_a_tablet_read_only_photos_of_its_sites_and_inspections(
    client: Client, inspector: User, photos: dict[str, str], photo: str, status: int
) -> None:
    sha256 = photos[photo]

    response = client.get(PHOTO_URL.format(sha256), headers=bearer(enrolled_token(inspector)))

    assert response.status_code == status
    if status == 404:  # the same answer as for a photo never stored: nothing confirmed
        assert response.json() == {
            "code": "not_found",
            "message": f"No photo with SHA-256 {sha256}.",
            "details": [],
        }


@pytest.mark.parametrize("photo", ["assigned site", "also assigned", "own", "others", "unlinked"])
def test_it_lets_a_planner_read_every_stored_photo(
    client: Client, photos: dict[str, str], photo: str
) -> None:
    sign_in(client, PLANNER)

    response = client.get(PHOTO_URL.format(photos[photo]))

    assert response.status_code == 200
