"""`manage.py restore FILE`: rebuild an empty, migrated installation from a backup.

Refuses a database that holds data. SKOLMILJO_BACKUP_KEY must be the key the backup was
made with when it is encrypted; see server.core.backup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty, migrated database (refuses one that holds data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive `manage.py backup` wrote.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            report = backup_restore(path=file, key=settings.BACKUP_KEY or None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(report.rows.values())
        self.stdout.write(f"Restored {file}: {rows} rows, {report.files} files.")
