"""Tablets uploading the same photo at the same moment store it once (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections
from django.test import Client
from pytest_django.fixtures import Settings

from server.inspections.models import Photo
from tests.server.inspections.conftest import enrolled_token
from tests.server.inspections.test_photos_support import (
    image_bytes,
    put_photo,
    sha256_of,
    stored_files,
)

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADERS = 4


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers (IMMEDIATE transactions), so uploads cannot race; "
            "run with DATABASE_URL=postgresql://..."
        )


def test_it_stores_a_photo_uploaded_by_several_tablets_at_once_once(
    settings: Settings, tmp_path: Path, inspector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    tokens = [enrolled_token(inspector, f"Platta {n}") for n in range(UPLOADERS)]
    data = image_bytes(size=(320, 240))
    # A slow disk keeps the first writer's transaction open while the others arrive,
    # so every uploader gets past the "already stored?" look before anyone commits.
    real_save = FileSystemStorage._save

    def slow_save(self: FileSystemStorage, name: str, content: Any) -> str:
        time.sleep(0.3)
        return str(real_save(self, name, content))

    monkeypatch.setattr(FileSystemStorage, "_save", slow_save)
    start = threading.Barrier(UPLOADERS)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def upload(token: str) -> None:
        try:
            start.wait(timeout=10)
            statuses.append(put_photo(Client(), data, token=token).status_code)
        except BaseException as exc:  # reported below; a thread cannot fail the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(statuses) == [200] * (UPLOADERS - 1) + [201]
    assert Photo.objects.count() == 1
    digest = sha256_of(data)
    assert stored_files(tmp_path) == [f"photos/{digest[:2]}/{digest}.jpg"]
