"""`manage.py purge [--dry-run]`: delete what has outlived its retention period.

Run daily by the deployment. Each kind is deleted by its own app's `<entity>_purge`
service; this command lives in `pages`, the app on top that may import them all. The
periods are settings (README, "Photos of people and retention").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from server.accounts.services import enrollment_codes_purge, lockouts_purge, sessions_purge
from server.campaigns.services import survey_answers_purge
from server.core.retention import backups_purge
from server.inspections.services import photos_purge

Purge = Callable[..., int | None]

KINDS: list[tuple[str, Purge, str]] = [
    # (what goes, the service that deletes it, what a None count means)
    ("survey responses and their answers", survey_answers_purge, ""),
    ("files of hidden photos", photos_purge, ""),
    ("expired enrollment codes", enrollment_codes_purge, ""),
    ("expired sessions", sessions_purge, "not counted: the session engine keeps no rows"),
    ("sign-in lock-out records", lockouts_purge, "skipped: django-axes is not installed"),
    ("backups", backups_purge, ""),
]


class Command(BaseCommand):
    help = (
        "Delete what has outlived its retention period: survey answers, hidden photos' "
        "files, expired enrollment codes and sessions, lock-out records, old backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        now = timezone.now()
        verb = "would delete" if dry_run else "deleted"
        failed = []
        # One kind failing (a storage error, say) must not keep the others from going.
        for label, purge, none_means in KINDS:
            try:
                count = purge(now=now, dry_run=dry_run)
            except Exception as exc:  # reported, and the command fails at the end
                failed.append(label)
                self.stderr.write(f"{label}: failed: {type(exc).__name__}: {exc}")
                continue
            self.stdout.write(f"{label}: {none_means if count is None else f'{verb} {count}'}")
        self.stdout.write(
            f"logs: nothing kept here (stdout); the log store must delete them after "
            f"{settings.RETAIN_LOGS_DAYS} days (SKOLMILJO_RETAIN_LOGS_DAYS)"
        )
        if failed:
            raise CommandError(f"Not purged: {', '.join(failed)}.")
