"""Making enrollment codes, their QR content, and revoking devices (services)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings

from server.accounts.models import Device, EnrollmentCode
from server.accounts.services import (
    device_enroll,
    device_revoke,
    enrollment_code_create,
    enrollment_uri,
)
from server.core.roles import INSPECTOR
from shared.errors import InvalidInput, Unauthorized
from tests.server.accounts.accounts_factories import (
    make_code,
    make_device,
    make_inspector,
    make_planner,
    make_user,
)

CODE = re.compile(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}")


@pytest.mark.django_db
def test_it_makes_a_short_unambiguous_code_valid_for_the_default_hours() -> None:
    inspector, admin = make_inspector(), make_user(is_superuser=True)

    with override_settings(ENROLLMENT_CODE_HOURS=5):
        enrollment, code = enrollment_code_create(user=inspector, created_by=admin)

    assert CODE.fullmatch(code), code
    stored = EnrollmentCode.objects.get()
    assert stored == enrollment
    assert (stored.user, stored.created_by, stored.used_at, stored.device) == (
        inspector,
        admin,
        None,
        None,
    )
    assert stored.expires_at - stored.created_at == timedelta(hours=5)
    assert len(stored.code_hash) == 64
    assert code not in stored.code_hash


@pytest.mark.django_db
def test_it_makes_a_different_code_each_time() -> None:
    inspector = make_inspector()

    codes = {enrollment_code_create(user=inspector)[1] for _ in range(20)}

    assert len(codes) == 20
    assert EnrollmentCode.objects.count() == 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: make_user(), id="no role"),
        pytest.param(lambda: make_planner(), id="planner"),
        pytest.param(lambda: make_user(is_superuser=True), id="administrator"),
        pytest.param(lambda: make_inspector(is_active=False), id="deactivated inspector"),
    ],
)
def test_it_refuses_a_code_for_anyone_but_an_active_inspector(who: Any) -> None:
    user: User = who()

    with pytest.raises(InvalidInput) as raised:
        enrollment_code_create(user=user)

    assert raised.value.message == (
        f"'{user.username}' is not an active inspector: add the user to the "
        f"'{INSPECTOR}' group first."
    )
    assert EnrollmentCode.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("hours", [0, -3])
def test_it_refuses_a_code_valid_for_less_than_an_hour(hours: int) -> None:
    with pytest.raises(InvalidInput, match="at least one hour"):
        enrollment_code_create(user=make_inspector(), hours=hours)

    assert EnrollmentCode.objects.count() == 0


@override_settings(PUBLIC_URL="https://skolmiljo.example.org")
def test_it_puts_the_server_address_and_the_code_in_the_enrollment_uri() -> None:
    uri = enrollment_uri("ABCD-EFGH")

    assert uri == "skolmiljo://enroll?server=https://skolmiljo.example.org&code=ABCD-EFGH"
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("skolmiljo", "enroll")
    assert parse_qs(parts.query) == {
        "server": ["https://skolmiljo.example.org"],
        "code": ["ABCD-EFGH"],
    }


@override_settings(PUBLIC_URL="https://example.org/skol miljö?x=1&y=2")
def test_it_encodes_an_unusual_server_address_so_the_tablet_reads_it_back() -> None:
    query = parse_qs(urlsplit(enrollment_uri("ABCD-EFGH")).query)

    assert query == {"server": ["https://example.org/skol miljö?x=1&y=2"], "code": ["ABCD-EFGH"]}


@pytest.mark.django_db
def test_it_revokes_a_device_once_and_keeps_the_first_time() -> None:
    device, _ = make_device()
    device_revoke(device=device)
    first = device.revoked_at

    device_revoke(device=Device.objects.get(pk=device.pk))

    device.refresh_from_db()
    assert first is not None
    assert device.revoked_at == first
    assert not device.is_active


def race_to_enroll(code: str, names: tuple[str, str]) -> list[str]:
    """Two threads, each with its own connection, enroll with `code` at the same moment."""
    barrier = threading.Barrier(len(names))
    outcomes: list[str] = []

    def enroll(name: str) -> None:
        try:
            connection.ensure_connection()  # connect first, so both start together
            barrier.wait(timeout=10)
            device_enroll(code=code, device_name=name)
            outcomes.append("enrolled")
        except Unauthorized as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=enroll, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_racing_enrollments_spend_a_code() -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite runs one writer at a time, so there is no race to lose; run with "
            "DATABASE_URL=postgresql://... to test the conditional UPDATE."
        )
    inspector = make_inspector()
    rounds = 5

    outcomes = [
        race_to_enroll(make_code(user=inspector)[1], (f"Platta {n}a", f"Platta {n}b"))
        for n in range(rounds)
    ]

    assert (
        outcomes
        == [["This enrollment code has already been used; ask for a new one.", "enrolled"]] * rounds
    )
    assert Device.objects.count() == rounds
    assert EnrollmentCode.objects.filter(device__isnull=False).count() == rounds
