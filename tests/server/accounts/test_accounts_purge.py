"""Purging expired enrollment codes, sessions and (with django-axes) lock-out records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from pytest_django.fixtures import Settings

from server.accounts.models import Device, EnrollmentCode
from server.accounts.services import (
    ENROLLMENT_CODES_KEPT,
    enrollment_codes_purge,
    lockouts_purge,
    sessions_purge,
)
from tests.server.accounts.accounts_factories import make_code, make_device

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def code_expiring(at: datetime) -> EnrollmentCode:
    code, _ = make_code()
    EnrollmentCode.objects.filter(pk=code.pk).update(expires_at=at)
    return code


@pytest.mark.parametrize(
    ("expired_ago", "deleted"),
    [
        (ENROLLMENT_CODES_KEPT + timedelta(seconds=1), True),
        (ENROLLMENT_CODES_KEPT + timedelta(days=300), True),
        (ENROLLMENT_CODES_KEPT, False),
        (timedelta(days=1), False),
        (-timedelta(hours=3), False),  # still valid
    ],
)
def test_it_deletes_enrollment_codes_30_days_after_they_expired(
    expired_ago: timedelta, deleted: bool
) -> None:
    code = code_expiring(NOW - expired_ago)

    assert enrollment_codes_purge(now=NOW) == int(deleted)
    assert EnrollmentCode.objects.filter(pk=code.pk).exists() is not deleted


def test_it_keeps_the_device_a_deleted_code_enrolled() -> None:
    device, _ = make_device()
    EnrollmentCode.objects.update(expires_at=NOW - timedelta(days=60))

    assert enrollment_codes_purge(now=NOW) == 1
    assert list(Device.objects.all()) == [device]
    assert Device.objects.get().is_active


def test_it_only_counts_codes_in_a_dry_run() -> None:
    code_expiring(NOW - timedelta(days=60))

    assert enrollment_codes_purge(now=NOW, dry_run=True) == 1
    assert EnrollmentCode.objects.count() == 1


def session_expiring(at: datetime) -> str:
    store = SessionStore()
    store["who"] = "pia"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=at)
    return str(store.session_key)


def test_it_deletes_expired_sessions_only() -> None:
    expired = session_expiring(NOW - timedelta(seconds=1))
    live = session_expiring(NOW + timedelta(days=1))

    assert sessions_purge(now=NOW, dry_run=True) == 1
    assert Session.objects.count() == 2
    assert sessions_purge(now=NOW) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live


def test_it_leaves_cache_sessions_to_expire_by_themselves(settings: Settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"

    assert sessions_purge(now=NOW) is None


def test_it_skips_lock_out_records_without_django_axes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "axes")

    assert lockouts_purge(now=NOW) is None
    assert lockouts_purge(now=NOW, dry_run=True) is None


@pytest.mark.skipif(
    not apps.is_installed("axes"), reason="django-axes is not in INSTALLED_APPS on this branch"
)
def test_it_deletes_lock_out_records_older_than_the_period(settings: Settings) -> None:
    settings.RETAIN_LOCKOUT_DAYS = 90
    models = [apps.get_model("axes", name) for name in ("AccessAttempt", "AccessFailureLog")]
    for model in models:
        extra = {"failures_since_start": 1} if model.__name__ == "AccessAttempt" else {}
        ages = (timedelta(days=90, seconds=1), timedelta(days=90), timedelta(days=1))
        for n, age in enumerate(ages):
            row = model.objects.create(
                username="pia", ip_address="192.0.2.1", user_agent=f"browser {n}", **extra
            )
            model.objects.filter(pk=row.pk).update(attempt_time=NOW - age)

    assert lockouts_purge(now=NOW, dry_run=True) == 2
    assert sum(model.objects.count() for model in models) == 6
    assert lockouts_purge(now=NOW) == 2
    for model in models:
        assert sorted(NOW - t for t in model.objects.values_list("attempt_time", flat=True)) == [
            timedelta(days=1),
            timedelta(days=90),
        ]
