"""How large a push may be: up to MAX_PUSH_BYTES (8 MiB), and 413 in the shared error shape
beyond, never a 500 (Django's own cap on `request.body` is 2.5 MiB)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from server.inspections.models import Inspection, Rating
from shared.bounds import MAX_PUSH_BYTES
from shared.catalogue import load_catalogue
from tests.server.inspections.conftest import T0, Tablet, inspection_json

pytestmark = pytest.mark.django_db

TOO_LARGE = {
    "code": "too_large",
    "message": f"The body is {MAX_PUSH_BYTES + 1} bytes; the limit is {MAX_PUSH_BYTES} bytes "
    "(8 MiB). Send fewer inspections per batch.",
    "details": [],
}


def _post(tablet: Tablet, body: bytes) -> Any:
    return tablet.client.post(
        "/api/v1/sync/inspections",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tablet.token}"},
    )


def _padded(records: list[dict[str, Any]], size: int) -> bytes:
    """A push of `records` padded with spaces (valid JSON) to exactly `size` bytes."""
    body = json.dumps({"inspections": records}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_it_answers_a_body_over_the_limit_with_413_naming_it(tablet: Tablet, site: Any) -> None:
    response = _post(tablet, _padded([inspection_json(site.code)], MAX_PUSH_BYTES + 1))

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert not Inspection.objects.exists()


def test_it_takes_a_body_of_exactly_the_limit(tablet: Tablet, site: Any) -> None:
    record = inspection_json(site.code)

    response = _post(tablet, _padded([record], MAX_PUSH_BYTES))

    assert response.status_code == 200, response.content[:300]
    assert [r["status"] for r in response.json()["results"]] == ["created"]


def realistic_inspection(site: str, n: int) -> dict[str, Any]:
    """40 ratings: every element once, and 15 of them again at a second building; a
    sentence of Swedish and two photos each."""
    elements = load_catalogue().elements
    places = [(e, "") for e in elements] + [(e, "Hus B, plan 2") for e in elements[:15]]
    record = inspection_json(site)
    record["ratings"] = [
        {
            "element": element.code,
            "location": location,
            "grade": "C",
            "urgency": 3,
            "note": f"Slitet och delvis trasigt ({n}), åtgärdas inom tre år. Se foton; "
            "kontakta vaktmästaren för nyckel till förrådet.",
            "quantity": 1.0 if element.unit == "site" else 120.5,
            "observed_at": (T0 + timedelta(minutes=k)).isoformat(),
            "position": {"lat": 57.7123456, "lon": 11.9712345, "accuracy_m": 4.5},
            "photos": [f"{n:032x}{k:030x}{p:02x}" for p in range(2)],
        }
        for k, (element, location) in enumerate(places)
    ]
    return record


@pytest.mark.slow
def test_it_stores_200_realistic_inspections_of_40_ratings_in_one_push(
    tablet: Tablet, site: Any
) -> None:
    records = [realistic_inspection(site.code, n) for n in range(200)]
    body = json.dumps({"inspections": records}).encode()
    assert 2.5 * 1024 * 1024 < len(body) < MAX_PUSH_BYTES  # over Django's default cap

    response = _post(tablet, body)

    assert response.status_code == 200, response.content[:300]
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 200
    assert (Inspection.objects.count(), Rating.objects.count()) == (200, 200 * 40)


def test_it_answers_413_not_500_when_another_endpoint_gets_too_much(client: Client) -> None:
    body = json.dumps({"code": "ABCD-EFGH", "device_name": "x" * (3 * 1024 * 1024)})

    response = client.post("/api/v1/devices/enroll", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "2621440 bytes" in response.json()["message"]
