from __future__ import annotations

import re
from typing import Any

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
PLANNER_READ_ENDPOINTS = [
    "/api/v1/planning/sites",
    "/api/v1/planning/sites/{code}",
    "/api/v1/planning/units",
    "/api/v1/planning/units/{code}",
]
PLANNER_FIELDS = {
    "capacity",
    "socioeconomic_need",
    "newly_arrived_share",
    "need_synthetic",
    "replacement_value_sek",
}


def item_properties(document: dict[str, Any], path: str) -> set[str]:
    """The properties of what a read answers: the page's items, or the one item."""
    schemas = document["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        return dict(schemas[schema["$ref"].rsplit("/", 1)[1]]) if "$ref" in schema else schema

    ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = resolve(ok["schema"])
    if "results" in schema["properties"]:
        schema = resolve(schema["properties"]["results"]["items"])
    return set(schema["properties"])


def test_it_publishes_the_openapi_document_with_every_read_endpoint(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(READ_ENDPOINTS + PLANNER_READ_ENDPOINTS) <= set(paths)


@pytest.mark.parametrize("path", READ_ENDPOINTS + PLANNER_READ_ENDPOINTS)
def test_it_documents_the_error_responses_of_each_endpoint(client: Client, path: str) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][path]["get"]

    assert "404" in operation["responses"]
    if "{code}" not in path:
        assert "422" in operation["responses"]
    if path in PLANNER_READ_ENDPOINTS:
        assert {"401", "403"} <= set(operation["responses"])
        assert operation["security"]


@pytest.mark.parametrize(
    ("path", "planner_fields"),
    [
        *((path, set()) for path in READ_ENDPOINTS),
        ("/api/v1/planning/sites", {"replacement_value_sek"}),
        ("/api/v1/planning/sites/{code}", {"replacement_value_sek"}),
        ("/api/v1/planning/units", PLANNER_FIELDS - {"replacement_value_sek"}),
        ("/api/v1/planning/units/{code}", PLANNER_FIELDS - {"replacement_value_sek"}),
    ],
)
def test_it_documents_planning_figures_only_on_planner_reads(
    client: Client, path: str, planner_fields: set[str]
) -> None:
    document = client.get("/api/v1/openapi.json").json()

    assert item_properties(document, path) & PLANNER_FIELDS == planner_fields
    assert "security" not in document["paths"][path]["get"] or planner_fields


def test_it_serves_the_interactive_docs(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets and all(url.startswith("/static/") for url in assets), assets


def test_it_answers_an_unknown_api_path_with_404(client: Client) -> None:
    assert client.get("/api/v1/nothing-here").status_code == 404
