"""POST /api/v1/devices/enroll: a one-time code becomes a device token."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest.mock import ANY

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from server.accounts.models import Device, EnrollmentCode
from server.accounts.services import device_for_token, token_hash
from tests.server.accounts.accounts_factories import make_code, make_inspector

pytestmark = pytest.mark.django_db

URL = "/api/v1/devices/enroll"


def enroll(client: Client, code: str, device_name: str = "Annas platta") -> Any:
    return client.post(
        URL, {"code": code, "device_name": device_name}, content_type="application/json"
    )


def every_stored_value() -> list[str]:
    """Every cell of every table, as text."""
    values: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values.extend(str(cell) for row in cursor.fetchall() for cell in row)
    return values


def unauthorized(message: str) -> dict[str, Any]:
    return {"code": "unauthorized", "message": message, "details": []}


def test_it_enrolls_a_device_and_answers_its_token() -> None:
    inspector = make_inspector(username="anna")
    enrollment, code = make_code(user=inspector)
    client = Client()
    before = timezone.now()

    response = enroll(client, code)

    assert response.status_code == 200
    body = response.json()
    assert body == {"token": ANY, "inspector": "anna", "server_time": ANY}
    server_time = datetime.fromisoformat(body["server_time"])
    assert server_time.utcoffset() is not None
    assert before - timedelta(seconds=1) <= server_time <= timezone.now()
    device = Device.objects.get()
    assert (device.user, device.name, device.revoked_at) == (inspector, "Annas platta", None)
    assert device_for_token(token=body["token"]) == device
    enrollment.refresh_from_db()
    assert enrollment.used_at is not None
    assert enrollment.device == device


def test_it_stores_only_a_hash_of_the_token_and_the_code() -> None:
    _, code = make_code()

    token = enroll(Client(), code).json()["token"]

    stored = every_stored_value()
    assert len(token) >= 43  # 32 random bytes
    assert not [value for value in stored if token in value]
    assert not [value for value in stored if code.replace("-", "") in value.replace("-", "")]
    assert token_hash(token) in stored


def test_it_refuses_a_code_that_was_already_used() -> None:
    _, code = make_code()
    client = Client()
    enroll(client, code, "Första plattan")

    response = enroll(client, code, "Andra plattan")

    assert response.status_code == 401
    assert response.json() == unauthorized(
        "This enrollment code has already been used; ask for a new one."
    )
    assert list(Device.objects.values_list("name", flat=True)) == ["Första plattan"]


def test_it_refuses_an_expired_code() -> None:
    enrollment, code = make_code()
    EnrollmentCode.objects.filter(pk=enrollment.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = enroll(Client(), code)

    assert response.status_code == 401
    assert response.json() == unauthorized("This enrollment code has expired; ask for a new one.")
    assert Device.objects.count() == 0
    enrollment.refresh_from_db()
    assert enrollment.used_at is None


def test_it_refuses_an_unknown_code() -> None:
    make_code()

    response = enroll(Client(), "ABCD-EFGH")

    assert response.status_code == 401
    assert response.json() == unauthorized(
        "This enrollment code is not known: check it for typos, or ask for a new one."
    )
    assert Device.objects.count() == 0


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(lambda code: code.lower(), id="lower case"),
        pytest.param(lambda code: code.replace("-", ""), id="without dash"),
        pytest.param(lambda code: code.replace("-", "").lower(), id="lower case without dash"),
        pytest.param(lambda code: f"  {code[:4]} {code[5:]}\n", id="spaces"),
    ],
)
def test_it_accepts_the_code_as_people_type_it(typed: Any) -> None:
    _, code = make_code()

    response = enroll(Client(), typed(code))

    assert response.status_code == 200
    assert Device.objects.count() == 1


def test_it_refuses_a_code_whose_inspector_was_deactivated_and_keeps_it_unused() -> None:
    inspector = make_inspector()
    enrollment, code = make_code(user=inspector)
    inspector.is_active = False
    inspector.save()

    response = enroll(Client(), code)

    assert response.status_code == 401
    assert response.json() == unauthorized(
        "The inspector account of this enrollment code is not active; ask an administrator."
    )
    enrollment.refresh_from_db()
    assert (enrollment.used_at, Device.objects.count()) == (None, 0)


def test_it_answers_422_for_a_body_without_device_name() -> None:
    _, code = make_code()

    response = Client().post(URL, {"code": code}, content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "The request has invalid values: device_name.",
        "details": [{"field": "device_name", "message": "Field required"}],
    }


def test_it_answers_422_for_a_blank_device_name_and_keeps_the_code() -> None:
    enrollment, code = make_code()

    response = enroll(Client(), code, "   ")

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "The device needs a name.",
        "details": [{"field": "device_name", "message": "must not be blank"}],
    }
    enrollment.refresh_from_db()
    assert enrollment.used_at is None


def test_it_slows_down_code_guessing_from_one_address(client: Client) -> None:
    guesses = [enroll(client, f"WRONG{n:03d}") for n in range(10)]

    refused = enroll(client, "WRONG999")

    assert [r.status_code for r in guesses] == [401] * 10
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert "try again in" in refused.json()["message"]
    assert 0 < int(refused["Retry-After"]) <= 60


def test_it_counts_attempts_per_address(client: Client) -> None:
    for n in range(11):
        enroll(client, f"WRONG{n:03d}")
    _, code = make_code()

    other_address = client.post(
        URL,
        {"code": code, "device_name": "Kontorets platta"},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )

    assert other_address.status_code == 200
    assert Device.objects.filter(name="Kontorets platta").exists()


# NINJA_NUM_PROXIES=None is Ninja's own default, which believes X-Forwarded-For: the
# throttle must ask server.core.client, not Ninja, whatever Ninja is told.
@override_settings(TRUSTED_PROXIES=0, NINJA_NUM_PROXIES=None)
def test_it_ignores_x_forwarded_for_without_a_trusted_proxy(client: Client) -> None:
    guesses = [
        client.post(
            URL,
            {"code": f"WRONG{n:03d}", "device_name": "Annas platta"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        for n in range(11)
    ]

    assert [r.status_code for r in guesses] == [401] * 10 + [429]


@override_settings(TRUSTED_PROXIES=1, NINJA_NUM_PROXIES=1)
def test_it_gives_each_client_behind_a_trusted_proxy_its_own_budget() -> None:
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    def attempt(client_address: str, code: str, forged: str = "") -> int:
        response = proxy.post(
            URL,
            {"code": code, "device_name": "Kontorets platta"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"{forged}{client_address}",
        )
        return response.status_code

    first = [attempt("203.0.113.7", f"WRONG{n:03d}") for n in range(10)]
    # What the client writes to the left of the proxy's entry changes nothing.
    forged = attempt("203.0.113.7", "WRONG999", forged="198.51.100.1, ")
    _, code = make_code()
    other_client = attempt("203.0.113.8", code)

    assert (first, forged, other_client) == ([401] * 10, 429, 200)
