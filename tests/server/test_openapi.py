from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

READ_ENDPOINTS = [
    "/api/v1/sites",
    "/api/v1/sites/{code}",
    "/api/v1/units",
    "/api/v1/units/{code}",
    "/api/v1/districts",
    "/api/v1/districts/{code}",
]


def test_it_publishes_the_openapi_document_with_every_read_endpoint(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(READ_ENDPOINTS) <= set(paths)


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_it_documents_the_error_responses_of_each_endpoint(client: Client, path: str) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][path]["get"]

    assert "404" in operation["responses"]
    if "{code}" not in path:
        assert "422" in operation["responses"]


def test_it_serves_the_interactive_docs(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets and all(url.startswith("/static/") for url in assets), assets


def test_it_answers_an_unknown_api_path_with_404(client: Client) -> None:
    assert client.get("/api/v1/nothing-here").status_code == 404
