"""manage.py import_districts FILE.geojson: district and city-area boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.core.tables import TableError
from server.schools.importing.districts import KINDS, districts_import
from server.schools.management.output import print_plan, progress_printer


class Command(BaseCommand):
    help = (
        "Import district and city-area boundaries from a GeoJSON FeatureCollection (WGS84 "
        "or SWEREF 99 TM). Run it before import_schools, city areas before their districts "
        "when they are in separate files. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--name-property", required=True, help="The feature property holding the name."
        )
        parser.add_argument(
            "--code-property",
            help="The property holding the code (a number is stored as the official code).",
        )
        parser.add_argument(
            "--parent-property",
            help="The property naming the enclosing city area (its code or name).",
        )
        parser.add_argument(
            "--kind",
            choices=KINDS,
            default="auto",
            help="city_area, district, or auto (default): a feature with a parent is a "
            "district, one named as a parent a city area, the rest districts.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            plan = districts_import(
                path,
                name_property=options["name_property"],
                code_property=options["code_property"],
                parent_property=options["parent_property"],
                kind=options["kind"],
                dry_run=options["dry_run"],
                progress=progress_printer(self),
            )
        except TableError as exc:
            raise CommandError(f"{path.name} was not imported: {exc}") from exc
        print_plan(self, plan, dry_run=options["dry_run"])
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{path.name}: {plan.rows} feature(s). Districts {verb}: "
            f"{plan.count('district', 'new')} new, {plan.count('district', 'changed')} "
            f"changed. Unchanged: {plan.unchanged}. Skipped: {len(plan.skipped)}."
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
