"""POST /api/v1/sync/inspections takes a body up to the protocol's MAX_PUSH_BYTES (8 MiB).

Django's request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB): a push between
the two was a 500 (RequestDataTooBig) before the endpoint read the stream itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

from shared.bounds import MAX_PUSH_BYTES
from tests.server.inspections.conftest import Tablet, inspection_json

pytestmark = pytest.mark.django_db


def post(tablet: Tablet, body: bytes) -> Any:
    return tablet.client.post(
        "/api/v1/sync/inspections",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tablet.token}"},
    )


def test_it_stores_a_push_larger_than_djangos_form_limit(tablet: Tablet, site: Any) -> None:
    body = json.dumps({"inspections": [inspection_json(site.code)]}).encode()
    padded = body + b" " * (3 * 1024 * 1024)  # JSON allows trailing whitespace
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < len(padded) < MAX_PUSH_BYTES

    response = post(tablet, padded)

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created"]


def test_it_refuses_a_push_over_the_protocols_limit_with_413(tablet: Tablet) -> None:
    response = post(tablet, b" " * (MAX_PUSH_BYTES + 1))

    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "A push may be at most 8 MiB; send its inspections in smaller batches.",
        "details": [],
    }
