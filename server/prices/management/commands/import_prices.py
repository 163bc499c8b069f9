"""manage.py import_prices FILE: a municipality's own repair rates as a new price list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.core.table_commands import add_table_arguments, table_options
from server.prices.reading import FIELDS, MalformedFile
from server.prices.services import prices_import


class Command(BaseCommand):
    help = (
        "Import repair rates from a CSV (; or ,) or XLSX file: element, grade (B, C or D), "
        "SEK per unit, source and price year, headers in Swedish or English. Makes a new "
        "price-list version; elements and grades the file does not give keep their rate. "
        "Saved plans keep the version they were made with."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_table_arguments(parser, FIELDS)
        parser.add_argument(
            "--source", default="", help="Source for rows without one (or no source column)."
        )
        parser.add_argument(
            "--price-year", type=int, help="Price year for rows without one (or no such column)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, columns = table_options(options)
        try:
            report = prices_import(
                path,
                columns=columns,
                sheet=options["sheet"],
                source=options["source"],
                price_year=options["price_year"],
                dry_run=options["dry_run"],
            )
        except MalformedFile as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{path.name} was not imported: no usable row ({len(exc.problems)} problem(s))"
            ) from exc
        for problem in report.problems:
            self.stdout.write(f"{path.name}: {problem}; left out")
        for change in report.changes:
            old = (
                "none"
                if change.old is None
                else f"{change.old.sek_per_unit:g} ({change.old.price_year})"
            )
            self.stdout.write(
                f"  {change.element} {change.grade}: {old} -> "
                f"{change.new.sek_per_unit:g} ({change.new.price_year}, {change.new.source})"
            )
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        bad = f", {len(report.problems)} problem(s) left out" if report.problems else ""
        if report.version is None:
            self.stdout.write(
                f"{path.name}: {report.rows} good row(s){bad}; every rate is as in the current "
                "price list, so no new version was made."
            )
        elif report.dry_run:
            self.stdout.write(
                f"{path.name}: would make price list version {report.version}: "
                f"{len(report.changes)} rate(s) changed, {report.kept} kept{bad}. Nothing written."
            )
        else:
            self.stdout.write(
                f"{path.name}: price list version {report.version}: "
                f"{len(report.changes)} rate(s) changed, {report.kept} kept{bad}."
            )
