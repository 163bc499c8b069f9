"""backups_purge and the retention settings' defaults."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from server.core.retention import backups_purge

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
DAYS = 35


@pytest.fixture
def backups(settings: Settings, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.RETAIN_BACKUPS_DAYS = DAYS
    settings.BACKUP_DIR.mkdir()
    return settings.BACKUP_DIR


def written(folder: Path, name: str, ago: timedelta) -> Path:
    path = folder / name
    path.write_bytes(b"archive")
    when = (NOW - ago).timestamp()
    os.utime(path, (when, when))
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    ("ago", "deleted"),
    [
        (timedelta(days=DAYS, seconds=1), True),
        (timedelta(days=DAYS + 200), True),
        (timedelta(days=DAYS), False),
        (timedelta(days=1), False),
    ],
)
def test_it_deletes_backups_older_than_the_period(
    backups: Path, ago: timedelta, deleted: bool
) -> None:
    written(backups, "skolmiljo-backup-2026-09-14.tar", ago)

    assert backups_purge(now=NOW) == int(deleted)
    assert names(backups) == ([] if deleted else ["skolmiljo-backup-2026-09-14.tar"])


def test_it_deletes_only_files_named_as_backups(backups: Path) -> None:
    old = timedelta(days=DAYS + 1)
    written(backups, "skolmiljo-backup-a.tar", old)
    written(backups, "notes.txt", old)
    written(backups, "skolmiljo.sqlite3", old)
    (backups / "skolmiljo-backup-folder").mkdir()

    assert backups_purge(now=NOW) == 1
    assert names(backups) == ["notes.txt", "skolmiljo-backup-folder", "skolmiljo.sqlite3"]


def test_it_only_counts_in_a_dry_run(backups: Path) -> None:
    written(backups, "skolmiljo-backup-a.tar", timedelta(days=DAYS + 1))

    assert backups_purge(now=NOW, dry_run=True) == 1
    assert names(backups) == ["skolmiljo-backup-a.tar"]


def test_it_does_nothing_without_a_backup_folder(settings: Settings, tmp_path: Path) -> None:
    settings.BACKUP_DIR = tmp_path / "none"

    assert backups_purge(now=NOW) == 0


def test_it_has_documented_retention_defaults(load_settings: Callable[..., dict[str, Any]]) -> None:
    loaded = load_settings()

    assert {
        name: loaded[name]
        for name in (
            "RETAIN_SURVEY_ANSWERS_DAYS",
            "RETAIN_HIDDEN_PHOTOS_DAYS",
            "RETAIN_LOCKOUT_DAYS",
            "RETAIN_LOGS_DAYS",
            "RETAIN_BACKUPS_DAYS",
        )
    } == {
        "RETAIN_SURVEY_ANSWERS_DAYS": 1095,
        "RETAIN_HIDDEN_PHOTOS_DAYS": 30,
        "RETAIN_LOCKOUT_DAYS": 90,
        "RETAIN_LOGS_DAYS": 90,
        "RETAIN_BACKUPS_DAYS": 35,
    }
    assert loaded["BACKUP_DIR"] == loaded["VAR_DIR"] / "backups"


def test_it_reads_retention_periods_from_the_environment(
    load_settings: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    loaded = load_settings(
        SKOLMILJO_RETAIN_SURVEY_ANSWERS_DAYS="730",
        SKOLMILJO_RETAIN_HIDDEN_PHOTOS_DAYS="7",
        SKOLMILJO_BACKUP_DIR=str(tmp_path / "b"),
    )

    assert (loaded["RETAIN_SURVEY_ANSWERS_DAYS"], loaded["RETAIN_HIDDEN_PHOTOS_DAYS"]) == (730, 7)
    assert loaded["BACKUP_DIR"] == tmp_path / "b"


def test_it_refuses_a_period_that_is_not_a_whole_number(
    load_settings: Callable[..., dict[str, Any]],
) -> None:
    with pytest.raises(ImproperlyConfigured, match="SKOLMILJO_RETAIN_LOGS_DAYS"):
        load_settings(SKOLMILJO_RETAIN_LOGS_DAYS="90 days")
