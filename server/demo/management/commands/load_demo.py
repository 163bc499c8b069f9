"""``python manage.py load_demo``: the Gothenburg demo, real schools and synthetic data."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.demo.reference import ReferenceDataError
from server.demo.services import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demo city (idempotent): real schools and districts, synthetic everything else."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the synthetic data.")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=settings.DEMO_DATA_DIR,
            help="Folder with schools.json and the district GeoJSON files.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MODE == "production":
            raise CommandError(
                "load_demo writes demo sign-ins and synthetic data: "
                "run it with SKOLMILJO_MODE=demo."
            )
        started = time.monotonic()

        def progress(step: str, done: int, total: int) -> None:
            # A live bar on a terminal; in a log, one line per finished step.
            if sys.stdout.isatty():
                bar = "#" * (30 * done // total)
                self.stdout.write(f"\r  {step}: [{bar:<30}] {done}/{total}", ending="")
                if done == total:
                    self.stdout.write("")
            elif done == total:
                self.stdout.write(f"  {step}: {done}/{total}")

        try:
            summary = demo_load(
                data_dir=options["data_dir"], seed=options["seed"], progress=progress
            )
        except ReferenceDataError as exc:
            raise CommandError(f"The demo data could not be read: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {time.monotonic() - started:.1f} s: {summary.sites} sites, "
                f"{summary.units} school units, {summary.districts} districts; synthetic: "
                f"{summary.inspections} inspections ({summary.ratings} ratings), "
                f"{summary.campaigns} survey campaigns ({summary.responses} respondents, "
                f"{summary.answers} answers)."
            )
        )
        self.stdout.write(
            "Demo sign-ins: " + ", ".join(f"{u} / {p}" for u, p in DEMO_USERS.items())
        )
