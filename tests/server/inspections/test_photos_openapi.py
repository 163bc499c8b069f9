"""The OpenAPI document declares every answer of the photo endpoints."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "codes"),
    [
        ("head", {"200", "401", "404"}),
        ("put", {"200", "201", "400", "401", "413", "415"}),
        ("get", {"200", "401", "403", "404"}),
    ],
)
def test_it_documents_every_status_of_each_photo_endpoint(
    client: Client, method: str, codes: set[str]
) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/photos/{sha256}"][method]["responses"]) == codes


def test_it_documents_the_image_types_of_the_upload_and_download(client: Client) -> None:
    operations = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/photos/{sha256}"]
    images = ["image/jpeg", "image/png", "image/webp"]

    assert sorted(operations["put"]["requestBody"]["content"]) == images
    assert sorted(operations["get"]["responses"]["200"]["content"]) == images
