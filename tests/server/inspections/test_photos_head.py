"""HEAD /api/v1/photos/{sha256}: does the server have this photo? (no body either way)"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from server.inspections.photos import photo_store
from tests.server.inspections.conftest import enrolled_token
from tests.server.inspections.test_photos_support import (
    PHOTO_URL,
    bearer,
    image_bytes,
    sha256_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def token(inspector: User) -> str:
    return enrolled_token(inspector)


def test_it_answers_200_for_a_stored_photo_and_404_for_another(client: Client, token: str) -> None:
    data = image_bytes()
    photo_store(sha256=sha256_of(data), data=data)

    stored = client.head(PHOTO_URL.format(sha256_of(data)), headers=bearer(token))
    other = client.head(PHOTO_URL.format(sha256_of(b"other")), headers=bearer(token))

    assert (stored.status_code, other.status_code) == (200, 404)
    # The test client drops HEAD bodies itself; the length shows what the server sent.
    assert (stored["Content-Length"], other["Content-Length"]) == ("0", "0")


def test_it_answers_404_for_a_malformed_hash(client: Client, token: str) -> None:
    response = client.head(PHOTO_URL.format("not-a-hash"), headers=bearer(token))

    assert (response.status_code, response["Content-Length"]) == (404, "0")


def test_it_answers_404_when_the_photo_s_file_is_lost(
    client: Client, token: str, media: Path
) -> None:
    data = image_bytes()
    photo, _ = photo_store(sha256=sha256_of(data), data=data)
    (media / photo.file.name).unlink()

    response = client.head(PHOTO_URL.format(photo.sha256), headers=bearer(token))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}],
    ids=["none", "unknown"],
)
def test_it_refuses_callers_without_a_valid_token(
    client: Client, token: str, headers: dict[str, str]
) -> None:
    data = image_bytes()
    photo_store(sha256=sha256_of(data), data=data)

    response = client.head(PHOTO_URL.format(sha256_of(data)), headers=headers)

    assert response.status_code == 401
