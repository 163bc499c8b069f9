"""manage.py import_survey_results FILE: official survey results into the experience pillar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.campaigns.importing import FIELDS, MalformedFile, survey_results_import


class Command(BaseCommand):
    help = (
        "Import survey results (Skolenkäten or a regional survey) from a CSV or XLSX file in "
        "long format: one row per school, respondent group and area, with index 0-10 and "
        "number of answers. Headers are recognised in Swedish or English; name them with "
        "--column when they are not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"Which header holds a field; fields: {', '.join(FIELDS)}. Repeatable.",
        )
        parser.add_argument("--sheet", help="The Excel sheet to read (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        columns = {}
        for option in options["column"]:
            name, sep, header = option.partition("=")
            if not sep or not header.strip():
                raise CommandError(f"--column {option!r}: write it as FIELD=HEADER")
            columns[name.strip()] = header.strip()
        try:
            report = survey_results_import(
                path, columns=columns, sheet=options["sheet"], dry_run=options["dry_run"]
            )
        except MalformedFile as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{path.name} was not imported: {len(exc.problems)} problem(s)"
            ) from exc
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{path.name}: {verb} {report.imported} row(s).")
        for row in report.unmatched:
            self.stdout.write(
                f"  line {row.line}: no school unit with code {row.unit_code!r} "
                f"or name {row.unit_name!r}; not imported"
            )
        for problem in report.skipped:
            self.stdout.write(f"  {problem}")
        if report.unmatched:
            self.stdout.write(f"{len(report.unmatched)} row(s) matched no school unit.")
