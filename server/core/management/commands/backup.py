"""`manage.py backup FILE`: the whole installation (database and photos) in one archive.

Encrypted with SKOLMILJO_BACKUP_KEY when it is set; see server.core.backup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Write the database and the stored photos to one archive (encrypted with a key set)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to write (a .tar file).")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            report = backup_write(path=file, key=settings.BACKUP_KEY or None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in report.missing_files:
            self.stderr.write(f"Missing from storage, not in the backup: {name}")
        if not report.encrypted:
            self.stderr.write(
                "The backup is not encrypted (SKOLMILJO_BACKUP_KEY is not set) and holds "
                "survey answers: keep it where only administrators can read it."
            )
        rows = sum(report.rows.values())
        self.stdout.write(
            f"Wrote {file}: {rows} rows, {report.files} files"
            f"{', encrypted' if report.encrypted else ''}."
        )
