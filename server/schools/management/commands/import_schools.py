"""manage.py import_schools FILE: the municipality's school units from CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.core.table_commands import add_table_arguments, table_options
from server.core.tables import TableError
from server.schools.importing.rows import FIELDS
from server.schools.importing.schools import schools_import
from server.schools.management.output import print_plan, progress_printer


class Command(BaseCommand):
    help = (
        "Import school units from a CSV (',' or ';') or XLSX file, one row per unit, keyed "
        "by unit code (skolenhetskod). Idempotent: a second run of the same file changes "
        "nothing. Headers are recognised in Swedish or English; name them with --column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_table_arguments(parser, FIELDS)
        parser.add_argument(
            "--remove-missing",
            action="store_true",
            help="Mark units the file does not list as removed (and sites left without units).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, columns = table_options(options)
        dry_run = options["dry_run"]
        try:
            plan = schools_import(
                path,
                columns=columns,
                sheet=options["sheet"],
                dry_run=dry_run,
                remove_missing=options["remove_missing"],
                progress=progress_printer(self),
            )
        except TableError as exc:
            raise CommandError(f"{path.name} was not imported: {exc}") from exc
        print_plan(self, plan, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        counts = ", ".join(
            f"{plan.count(kind, action)} {action}"
            for kind in ("unit",)
            for action in ("new", "changed", "restored", "removed")
        )
        sites = ", ".join(
            f"{plan.count('site', action)} {action}"
            for action in ("new", "changed", "restored", "removed")
        )
        summary = (
            f"{path.name}: {plan.rows} row(s). Units {verb}: {counts}. Sites {verb}: {sites}. "
            f"Unchanged: {plan.unchanged}. Skipped rows: {len(plan.skipped)}."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not plan.skipped else summary)
        if plan.needs_position:
            self.stdout.write(
                f"{len(plan.needs_position)} site(s) need a position (left off the maps and "
                "the tablets until they have one; set it on the map in the admin): "
                + ", ".join(plan.needs_position[:20])
                + (" ..." if len(plan.needs_position) > 20 else "")
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
