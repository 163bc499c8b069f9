"""photos_purge: a hidden photo's file goes after SKOLMILJO_RETAIN_HIDDEN_PHOTOS_DAYS; its row
stays as a tombstone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from server.inspections.models import Photo
from server.inspections.photos import photo_store
from server.inspections.services import photos_hide, photos_purge
from tests.server.inspections.test_photos_support import image_bytes, sha256_of, stored_files

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
DAYS = 30


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.RETAIN_HIDDEN_PHOTOS_DAYS = DAYS
    return tmp_path


def stored(seed: int, *, hidden_at: datetime | None = None) -> Photo:
    data = image_bytes("PNG", seed=seed)
    photo, _ = photo_store(sha256=sha256_of(data), data=data)
    if hidden_at is not None:
        admin = User.objects.get_or_create(username="adam", is_superuser=True)[0]
        photos_hide(sha256s=[photo.sha256], by=admin, now=hidden_at)
    return photo


@pytest.mark.parametrize(
    ("hidden_ago", "deleted"),
    [
        (timedelta(days=DAYS, seconds=1), True),
        (timedelta(days=DAYS + 400), True),
        (timedelta(days=DAYS), False),  # exactly the period: not older than it yet
        (timedelta(days=DAYS, seconds=-1), False),
        (timedelta(0), False),
    ],
)
def test_it_deletes_a_photo_hidden_longer_than_the_period(
    media: Path, hidden_ago: timedelta, deleted: bool
) -> None:
    photo = stored(1, hidden_at=NOW - hidden_ago)
    name = photo.file.name

    count = photos_purge(now=NOW)

    assert count == int(deleted)
    assert ((media / name).exists(), stored_files(media) == []) == (not deleted, deleted)
    row = Photo.objects.get(pk=photo.sha256)  # the tombstone, or the photo still whole
    assert row.deleted_at == (NOW if deleted else None)
    assert row.hidden_at == NOW - hidden_ago


def test_it_never_deletes_a_photo_that_is_not_hidden(media: Path) -> None:
    photo = stored(1)

    assert photos_purge(now=NOW + timedelta(days=10 * 365)) == 0
    assert stored_files(media) == [photo.file.name]
    assert Photo.objects.get().deleted_at is None


def test_it_deletes_each_file_once(media: Path) -> None:
    old = stored(1, hidden_at=NOW - timedelta(days=DAYS + 1))
    stored(2, hidden_at=NOW - timedelta(days=1))

    assert photos_purge(now=NOW) == 1
    assert photos_purge(now=NOW + timedelta(hours=1)) == 0
    assert Photo.objects.get(pk=old.sha256).deleted_at == NOW
    assert len(stored_files(media)) == 1


def test_it_marks_a_hidden_photo_whose_file_was_lost_already(media: Path) -> None:
    photo = stored(1, hidden_at=NOW - timedelta(days=DAYS + 1))
    (media / photo.file.name).unlink()

    assert photos_purge(now=NOW) == 1
    assert Photo.objects.get().deleted_at == NOW


def test_it_only_counts_in_a_dry_run(media: Path) -> None:
    photo = stored(1, hidden_at=NOW - timedelta(days=DAYS + 1))

    assert photos_purge(now=NOW, dry_run=True) == 1
    assert stored_files(media) == [photo.file.name]
    assert Photo.objects.get().deleted_at is None


def test_it_follows_the_setting(media: Path, settings: Settings) -> None:
    settings.RETAIN_HIDDEN_PHOTOS_DAYS = 0
    stored(1, hidden_at=NOW - timedelta(seconds=1))

    assert photos_purge(now=NOW) == 1
