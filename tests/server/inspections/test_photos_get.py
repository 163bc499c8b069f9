"""GET /api/v1/photos/{sha256}: tablets and planners download a photo's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django.fixtures import Settings

from server.core.roles import PLANNER
from server.inspections.photos import photo_store
from tests.server.inspections.conftest import enrolled_token
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


def test_it_lets_a_tablet_download_a_photo(client: Client, inspector: User) -> None:
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
