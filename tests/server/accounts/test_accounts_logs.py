"""Log events of sign-in (auth.login) and enrollment (device.enroll): their fields, and no
address, user name or password in clear in any line."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.utils import timezone

from server.accounts.models import Device, EnrollmentCode
from server.core.logs import pseudonym
from tests.server.accounts.accounts_factories import make_code, make_inspector, make_planner
from tests.server.log_records import events, every_line

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"
PASSWORD = "rätt-lösenord-123"
WRONG = "fel-lösenord-456"


@pytest.fixture(autouse=True)
def _info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


@pytest.fixture
def pia() -> User:
    return make_planner(username="pia", password=PASSWORD)


def sign_in(client: Client, password: str, path: str = "/accounts/login/") -> int:
    response = client.post(path, {"username": "pia", "password": password}, REMOTE_ADDR=ADDRESS)
    return response.status_code


def test_it_logs_a_sign_in_with_the_user_id(
    client: Client, pia: User, caplog: pytest.LogCaptureFixture
) -> None:
    assert sign_in(client, PASSWORD) == 302

    assert events(caplog, "auth.login") == [
        {
            "outcome": "success",
            "user_id": pia.pk,
            "user_name_hash": pseudonym("pia"),
            "client_hash": pseudonym(ADDRESS),
            "path": "/accounts/login/",
        }
    ]


def test_it_logs_a_failure_with_the_user_name_hashed(
    client: Client, pia: User, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client, WRONG, path="/admin/login/")

    assert events(caplog, "auth.login") == [
        {
            "outcome": "failure",
            "user_name_hash": pseudonym("pia"),
            "client_hash": pseudonym(ADDRESS),
            "path": "/admin/login/",
        }
    ]


def test_it_logs_the_lock_out_and_each_try_during_it(
    client: Client, pia: User, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(5):
        sign_in(client, WRONG)
    sign_in(client, PASSWORD)

    logged = events(caplog, "auth.login")
    # Six failures; the fifth (the limit) and the sixth (during the cool-off) lock out.
    assert Counter(e["outcome"] for e in logged) == {"failure": 6, "locked_out": 2}
    locked = [e for e in logged if e["outcome"] == "locked_out"]
    assert locked[-1] == {
        "outcome": "locked_out",
        "user_name_hash": pseudonym("pia"),
        "client_hash": pseudonym(ADDRESS),
        "path": "/accounts/login/",
    }
    assert {r.levelname for r in caplog.records if getattr(r, "outcome", "") == "locked_out"} == {
        "WARNING"
    }


def test_it_keeps_addresses_user_names_and_passwords_out_of_the_sign_in_lines(
    client: Client, pia: User, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(6):
        sign_in(client, WRONG)
    sign_in(client, PASSWORD, path="/admin/login/")
    Client().post(
        "/accounts/login/", {"username": "pia", "password": PASSWORD}, REMOTE_ADDR="192.0.2.44"
    )

    lines = every_line(caplog)
    # One line per event, ours: axes' own lines (user name and address in clear) are off.
    assert "auth.login" in lines and "AXES" not in lines
    for secret in (ADDRESS, "192.0.2.44", WRONG, PASSWORD, "'pia'", '"pia"', "username: pia"):
        assert secret not in lines


def enroll(code: str, device_name: str = "Annas platta") -> int:
    response = Client().post(
        "/api/v1/devices/enroll",
        {"code": code, "device_name": device_name},
        content_type="application/json",
        REMOTE_ADDR=ADDRESS,
    )
    return response.status_code


def test_it_logs_an_enrollment_with_the_device_and_its_inspector(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inspector = make_inspector()
    _, code = make_code(user=inspector)

    assert enroll(code) == 200

    assert events(caplog, "device.enroll") == [
        {
            "outcome": "enrolled",
            "device_id": Device.objects.get().pk,
            "inspector_id": inspector.pk,
            "client_hash": pseudonym(ADDRESS),
        }
    ]
    assert code not in every_line(caplog) and ADDRESS not in every_line(caplog)


def _used() -> str:
    _, code = make_code()
    enroll(code)
    return code


def _expired() -> str:
    enrollment, code = make_code()
    EnrollmentCode.objects.filter(pk=enrollment.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return code


def _inactive() -> str:
    inspector = make_inspector()
    _, code = make_code(user=inspector)
    User.objects.filter(pk=inspector.pk).update(is_active=False)
    return code


@pytest.mark.parametrize(
    ("make", "device_name", "status", "reason"),
    [
        pytest.param(lambda: "ABCD-EFGH", "Platta", 401, "unknown_code", id="unknown"),
        pytest.param(_used, "Platta", 401, "used_code", id="used"),
        pytest.param(_expired, "Platta", 401, "expired_code", id="expired"),
        pytest.param(_inactive, "Platta", 401, "inactive_inspector", id="inactive"),
        pytest.param(lambda: make_code()[1], "   ", 422, "invalid", id="blank name"),
    ],
)
def test_it_logs_a_refused_enrollment_with_its_reason(
    caplog: pytest.LogCaptureFixture,
    make: Callable[[], str],
    device_name: str,
    status: int,
    reason: str,
) -> None:
    code = make()
    caplog.clear()

    assert enroll(code, device_name) == status

    assert events(caplog, "device.enroll") == [
        {"outcome": "refused", "reason": reason, "client_hash": pseudonym(ADDRESS)}
    ]
    assert ADDRESS not in every_line(caplog)


def test_it_logs_a_throttled_enrollment(caplog: pytest.LogCaptureFixture) -> None:
    statuses = [enroll(f"WRONG{n:03d}") for n in range(11)]  # the default rate is 10/m

    assert statuses == [401] * 10 + [429]
    assert [e["reason"] for e in events(caplog, "device.enroll")] == ["unknown_code"] * 10 + [
        "throttled"
    ]
    assert ADDRESS not in every_line(caplog)


def test_it_says_nothing_of_a_sign_in_made_outside_a_request(
    pia: User, caplog: pytest.LogCaptureFixture
) -> None:
    user_login_failed.send(sender=__name__, credentials={"username": "pia"})

    assert events(caplog, "auth.login") == [
        {
            "outcome": "failure",
            "user_name_hash": pseudonym("pia"),
            "client_hash": None,
            "path": None,
        }
    ]
