"""PUT /api/v1/photos/{sha256}: a tablet uploads a photo's raw bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from server.accounts.models import Device
from server.accounts.services import device_revoke
from server.inspections.models import Photo
from tests.server.inspections.conftest import enrolled_token
from tests.server.inspections.test_photos_support import (
    PHOTO_URL,
    bearer,
    big_png,
    image_bytes,
    put_photo,
    sha256_of,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def token(inspector: User) -> str:
    return enrolled_token(inspector)


def test_it_stores_a_photo_and_answers_201(client: Client, token: str, media: Path) -> None:
    data = image_bytes("JPEG")
    digest = sha256_of(data)

    response = put_photo(client, data, token=token)

    assert response.status_code == 201
    assert response.json() == {"sha256": digest, "size": len(data), "content_type": "image/jpeg"}
    assert (media / f"photos/{digest[:2]}/{digest}.jpg").read_bytes() == data
    assert client.head(PHOTO_URL.format(digest), headers=bearer(token)).status_code == 200


def test_it_answers_200_when_the_photo_is_already_stored(
    client: Client, token: str, media: Path
) -> None:
    data = image_bytes("WEBP")
    first = put_photo(client, data, token=token, content_type="image/webp")

    again = put_photo(client, data, token=token, content_type="image/webp")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Photo.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_it_reads_the_type_from_the_bytes_not_the_header(client: Client, token: str) -> None:
    data = image_bytes("PNG")

    response = put_photo(client, data, token=token, content_type="application/octet-stream")

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


def test_it_takes_a_photo_larger_than_django_s_form_upload_limit(
    client: Client, token: str, settings: Settings
) -> None:
    data = big_png(5)
    assert len(data) > 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE > 0

    response = put_photo(client, data, token=token, content_type="image/png")

    assert response.status_code == 201, response.content
    assert response.json()["size"] == len(data)


def test_it_refuses_bytes_that_hash_otherwise(client: Client, token: str, media: Path) -> None:
    data = image_bytes()
    claimed = sha256_of(b"another photo")

    response = put_photo(client, data, token=token, sha256=claimed)

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": f"The bytes hash to {sha256_of(data)}, not {claimed}: "
        "the upload was cut off or altered; send it again.",
        "details": [],
    }
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_stores_a_photo_sent_again_after_an_interrupted_upload(
    client: Client, token: str, media: Path
) -> None:
    data = image_bytes(size=(320, 240))
    digest = sha256_of(data)

    cut_off = put_photo(client, data[: len(data) // 2], token=token, sha256=digest)
    retried = put_photo(client, data, token=token)

    assert (cut_off.status_code, cut_off.json()["code"]) == (400, "bad_request")
    assert retried.status_code == 201
    assert (media / f"photos/{digest[:2]}/{digest}.jpg").read_bytes() == data
    assert Photo.objects.count() == 1


def test_it_refuses_a_malformed_hash(client: Client, token: str) -> None:
    response = put_photo(client, image_bytes(), token=token, sha256="ABC")

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "'ABC' is not a SHA-256 digest: expected 64 lowercase hexadecimal characters.",
        "details": [],
    }


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"IMG_0042.JPG\n", "text"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        # A photo the tablet saved only half of: its hash matches, its image does not.
        (
            image_bytes(size=(320, 240))[:2000],
            "a JPEG image that does not decode (damaged or cut off)",
        ),
    ],
    ids=["text", "pdf", "truncated-jpeg"],
)
def test_it_refuses_what_is_no_image(
    client: Client, token: str, media: Path, data: bytes, found: str
) -> None:
    response = put_photo(client, data, token=token)

    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "message": f"The photo must be a JPEG, PNG or WebP image; this is {found}.",
        "details": [],
    }
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_refuses_a_photo_over_the_limit(
    client: Client, token: str, settings: Settings, media: Path
) -> None:
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    data = big_png(1.2)

    response = put_photo(client, data, token=token, content_type="image/png")

    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "The photo is 1.3 MB; at most 1 MB is accepted. "
        "Send it at a lower resolution or quality.",
        "details": [],
    }
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_refuses_a_declared_length_over_the_limit_before_reading(
    client: Client, token: str, settings: Settings
) -> None:
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    data = image_bytes()

    # The body is small, but the tablet announced 2 MB: refuse without reading on.
    response = client.generic(
        "PUT",
        PHOTO_URL.format(sha256_of(data)),
        data,
        content_type="image/jpeg",
        headers=bearer(token),
        CONTENT_LENGTH=str(2 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert response.json()["message"].startswith("The photo is 2 MB; at most 1 MB")


def test_it_repairs_a_photo_whose_file_was_lost(client: Client, token: str, media: Path) -> None:
    data = image_bytes()
    digest = sha256_of(data)
    put_photo(client, data, token=token)
    (media / f"photos/{digest[:2]}/{digest}.jpg").unlink()
    missing = client.head(PHOTO_URL.format(digest), headers=bearer(token))

    repaired = put_photo(client, data, token=token)

    assert (missing.status_code, repaired.status_code) == (404, 200)
    assert (media / f"photos/{digest[:2]}/{digest}.jpg").read_bytes() == data
    assert client.head(PHOTO_URL.format(digest), headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic aW5nYTp4", "Bearer "],
    ids=["none", "unknown", "basic", "empty"],
)
def test_it_refuses_uploads_without_a_valid_token(
    client: Client, token: str, media: Path, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    data = image_bytes()

    response = client.put(
        PHOTO_URL.format(sha256_of(data)), data, content_type="image/jpeg", headers=headers
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_refuses_uploads_from_a_revoked_device(client: Client, token: str) -> None:
    device_revoke(device=Device.objects.get())

    response = put_photo(client, image_bytes(), token=token)

    assert response.status_code == 401
    assert Photo.objects.count() == 0
