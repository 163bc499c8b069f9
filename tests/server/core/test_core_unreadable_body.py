"""A body the API cannot read answers 422 `invalid`, the same on every endpoint with one.

Found by the fuzzing (make fuzz): Ninja answered a body that is not JSON with an
undocumented 400 `http_400`, and a multipart Content-Type without a boundary was a 500
(the CSRF check of a signed-in planner's POST reads the form first). The sync push,
which parses its own body, already answered 422.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.server.accounts.accounts_factories import make_device, make_planner
from tests.server.campaigns.campaign_factories import make_campaign

pytestmark = pytest.mark.django_db

UNREADABLE = {
    "code": "invalid",
    "message": "The request body cannot be read: send JSON (Content-Type: application/json).",
    "details": [{"field": "request", "message": "not valid JSON"}],
}


def planner_client(*, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(make_planner())
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/campaigns"),
        ("PATCH", "/api/v1/campaigns/{code}"),
        ("POST", "/api/v1/plans"),
    ],
)
@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"7\x07I/"])
def test_it_answers_a_planner_body_that_is_not_json_with_422(
    method: str, url: str, body: bytes
) -> None:
    code = make_campaign(open_now=False).code

    response = planner_client().generic(
        method, url.format(code=code), body, content_type="application/json"
    )

    assert (response.status_code, response.json()) == (422, UNREADABLE)


def test_it_answers_an_enrollment_body_that_is_not_json_with_422() -> None:
    response = Client().post(
        "/api/v1/devices/enroll", b"7\xef\xbf\xbd*\x07I/", content_type="application/json"
    )

    assert (response.status_code, response.json()) == (422, UNREADABLE)


def test_it_answers_a_multipart_type_without_boundary_with_422() -> None:
    client = planner_client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(
        "/api/v1/plans",
        b'{"name": "Plan", "params": {"budget": 1000000}}',
        content_type="multipart/form-data",
        headers={"X-CSRFToken": "a" * 32},
    )

    assert (response.status_code, response.json()) == (422, UNREADABLE)


def test_it_answers_a_sync_push_that_is_not_json_with_422_too() -> None:
    _, token = make_device()

    response = Client().post(
        "/api/v1/sync/inspections",
        b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    body: dict[str, Any] = response.json()
    assert (response.status_code, body["code"], body["details"][0]["field"]) == (
        422,
        "invalid",
        "request",
    )


def test_it_answers_a_body_over_djangos_limit_with_413() -> None:
    response = Client().post(
        "/api/v1/devices/enroll",
        b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        413,
        {
            "code": "too_large",
            "message": f"The request body is larger than the "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes this endpoint accepts.",
            "details": [],
        },
    )
