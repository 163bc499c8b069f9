"""`manage.py purge`: every kind that has expired goes, the rest stays; --dry-run only counts."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pytest_django.fixtures import Settings

from server.accounts.models import EnrollmentCode
from server.campaigns.models import Answer, Response
from server.inspections.models import Photo
from server.inspections.photos import photo_store
from server.inspections.services import photos_hide
from tests.server.accounts.accounts_factories import make_code
from tests.server.campaigns.campaign_factories import add_responses, make_campaign
from tests.server.inspections.test_photos_support import image_bytes, sha256_of, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_and_kept(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    """One expired and one live thing of each kind, at the default periods."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_DIR.mkdir()
    now, today = timezone.now(), timezone.localdate()
    admin = User.objects.create_user(username="adam", is_staff=True, is_superuser=True)

    for days, respondents in ((1095 + 5, 6), (100, 4)):
        closes = today - timedelta(days=days)
        campaign = make_campaign(
            open_now=False, opens_on=closes - timedelta(days=20), closes_on=closes
        )
        add_responses(campaign, [2], respondents)

    photos = []
    for seed, hidden_days in ((1, 31), (2, 29), (3, None)):
        data = image_bytes("PNG", seed=seed)
        photo, _ = photo_store(sha256=sha256_of(data), data=data)
        if hidden_days is not None:
            photos_hide(sha256s=[photo.sha256], by=admin, now=now - timedelta(days=hidden_days))
        photos.append(photo.sha256)

    for days in (31, 29):
        code, _ = make_code()
        EnrollmentCode.objects.filter(pk=code.pk).update(expires_at=now - timedelta(days=days))

    for delta in (-timedelta(minutes=1), timedelta(days=1)):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=now + delta)

    for name, days in (("skolmiljo-backup-old.tar", 36), ("skolmiljo-backup-new.tar", 34)):
        path = settings.BACKUP_DIR / name
        path.write_bytes(b"archive")
        when = (now - timedelta(days=days)).timestamp()
        os.utime(path, (when, when))
    return {"photos": photos}


def counts(settings: Settings) -> dict[str, int]:
    return {
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "photo files": len(stored_files(settings.MEDIA_ROOT)),
        "tombstones": Photo.objects.filter(deleted_at__isnull=False).count(),
        "codes": EnrollmentCode.objects.count(),
        "sessions": Session.objects.count(),
        "backups": len(list(settings.BACKUP_DIR.iterdir())),
    }


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_it_counts_and_deletes_nothing_in_a_dry_run(
    expired_and_kept: dict[str, Any], settings: Settings
) -> None:
    before = counts(settings)

    output = purge("--dry-run")

    assert counts(settings) == before
    assert output.splitlines()[:4] == [
        "survey responses and their answers: would delete 6",
        "files of hidden photos: would delete 1",
        "expired enrollment codes: would delete 1",
        "expired sessions: would delete 1",
    ]
    assert "backups: would delete 1" in output


def test_it_deletes_what_has_expired_and_keeps_the_rest(
    expired_and_kept: dict[str, Any], settings: Settings
) -> None:
    before = counts(settings)

    output = purge()

    after = counts(settings)
    assert before["responses"] - after["responses"] == 6
    assert after["responses"] == 4 and after["answers"] > 0
    assert (before["photo files"], after["photo files"], after["tombstones"]) == (3, 2, 1)
    assert (after["codes"], after["sessions"], after["backups"]) == (1, 1, 1)
    assert [p.name for p in settings.BACKUP_DIR.iterdir()] == ["skolmiljo-backup-new.tar"]
    hidden_longest = Photo.objects.get(pk=expired_and_kept["photos"][0])
    assert hidden_longest.deleted_at is not None
    assert "survey responses and their answers: deleted 6" in output
    assert "files of hidden photos: deleted 1" in output
    assert "the log store must delete them after 90 days" in output
    # A second run finds nothing more.
    assert "deleted 0" in purge() and counts(settings) == after


def test_it_says_when_lock_out_records_are_not_kept_here(
    expired_and_kept: dict[str, Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.apps import apps

    monkeypatch.setattr(apps, "is_installed", lambda name: name != "axes")

    assert "sign-in lock-out records: skipped: django-axes is not installed" in purge()


def test_it_purges_the_other_kinds_when_one_fails(
    expired_and_kept: dict[str, Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.pages.management.commands import purge as command

    def broken(**_kwargs: Any) -> int:
        raise OSError("storage unreachable")

    kinds = [
        (label, broken if label == "files of hidden photos" else fn, none)
        for label, fn, none in command.KINDS
    ]
    monkeypatch.setattr(command, "KINDS", kinds)
    err = StringIO()

    with pytest.raises(CommandError, match="Not purged: files of hidden photos"):
        call_command("purge", stdout=StringIO(), stderr=err)

    assert "files of hidden photos: failed: OSError: storage unreachable" in err.getvalue()
    after = counts(settings)
    assert (after["responses"], after["codes"], after["backups"]) == (4, 1, 1)
    assert after["photo files"] == 3
