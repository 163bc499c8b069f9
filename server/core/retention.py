"""Deleting backup files older than the retention period (the rest of `manage.py purge`
is in each app's services)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from django.conf import settings

BACKUP_PATTERN: Final = "skolmiljo-backup-*"
"""The names of backups `backups_purge` deletes: only these, whatever else the folder holds."""


def backups_purge(*, now: datetime, dry_run: bool = False) -> int:
    """Delete the files `skolmiljo-backup-*` in `settings.BACKUP_DIR` last written more
    than `settings.RETAIN_BACKUPS_DAYS` ago; returns how many (would) go.

    The age is the file's modification time, whatever date its name carries. A backup
    holds survey answers and photos that the purge has deleted from the database since:
    they are gone for good only once the last backup that holds them is.
    """
    directory = Path(settings.BACKUP_DIR)
    if not directory.is_dir():
        return 0
    cutoff = (now - timedelta(days=settings.RETAIN_BACKUPS_DAYS)).timestamp()
    due = [
        path
        for path in sorted(directory.glob(BACKUP_PATTERN))
        if path.is_file() and path.stat().st_mtime < cutoff
    ]
    if not dry_run:
        for path in due:
            path.unlink(missing_ok=True)
    return len(due)
