"""manage.py import_survey_results FILE: official survey results, as published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.campaigns.importing import (
    FIELDS,
    SKIP_REASONS,
    ImportReport,
    MalformedFile,
    survey_results_import,
    years_text,
)
from server.core.table_commands import add_table_arguments, table_options

_SHOW_LINES = 12


class Command(BaseCommand):
    help = (
        "Import official survey results (Skolenkäten, a regional survey) from a CSV or XLSX "
        "file in long format, as published: one row per school unit (or municipality/"
        "national aggregate), year, round, grade level, respondent group and question area, "
        "with the index 0-10 (or 0-100) and the number of answers. Every year is stored; "
        "the newest is used unless --year says otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_table_arguments(parser, FIELDS)
        parser.add_argument("--year", type=int, help="The year to use (default: the newest).")
        parser.add_argument(
            "--mapping",
            type=Path,
            help="Area mapping file (default: SKOLMILJO_SURVEY_AREA_MAPPING, else the "
            "shipped surveys/area_mapping.toml).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, columns = table_options(options)
        year = options["year"]
        if year is not None and not 1990 <= year <= 2200:
            raise CommandError(f"--year {year}: give a year between 1990 and 2200")
        try:
            report = survey_results_import(
                path,
                columns=columns,
                sheet=options["sheet"],
                year=year,
                mapping_path=options["mapping"],
                dry_run=options["dry_run"],
            )
        except MalformedFile as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{path.name} was not imported: {len(exc.problems)} problem(s)"
            ) from exc
        self._write(path, report, dry_run=options["dry_run"])

    def _write(self, path: Path, report: ImportReport, *, dry_run: bool) -> None:
        out = self.stdout.write
        verb = "would import" if dry_run else "imported"
        out(f"{path.name}: {report.rows_read} row(s) read; area mapping {report.mapping}")
        if report.year_chosen:
            others = [y for y in report.years if y != report.year]
            history = f"; {', '.join(map(str, others))} stored as history" if others else ""
            out(f"  year in use: {report.year} (chosen with --year){history}")
            if report.without_year:
                out(
                    f"  {report.without_year} result(s) per unit, group and index have no row "
                    f"of {report.year}: none of them is in use now (import without --year to "
                    "use each one's newest year)"
                )
        elif report.years:
            out(
                f"  years: {years_text(report.years)}; each result uses its own newest year "
                "(a school the newest round did not survey keeps its latest), older ones are "
                "history"
            )
        out(
            f"  {verb} {report.imported} result(s) per unit, group, index, year and round "
            f"({report.current} in use, {report.context} context index(es))"
        )
        if report.retired:
            out(
                f"  {report.retired} stored result(s) no longer in use: the area mapping now "
                "sends their area elsewhere or skips it"
            )
        if report.pooled:
            out(
                f"  pooled over grade levels, weighted by answers: {report.pooled_rows} row(s) "
                f"into {report.pooled} result(s) and reference(s)"
            )
        if report.references:
            parts = ", ".join(f"{k} {v}" for k, v in sorted(report.references.items()))
            out(f"  {verb} reference(s) from aggregate rows: {parts}")
        if report.suppressed:
            out(
                f"  suppressed by the source: {len(report.suppressed)} row(s) "
                f"(stored without a value, never shown): {_lines(report.suppressed)}"
            )
        if report.under_threshold:
            out(
                f"  under the publication threshold: {report.under_threshold} result(s) of "
                "the year in use (stored, never shown or ranked)"
            )
        for reason, problems in report.skipped.items():
            out(f"  skipped, {SKIP_REASONS[reason]}: {len(problems)} row(s)")
            details: dict[str, list[int]] = {}
            for problem in problems:
                details.setdefault(problem.reason, []).append(problem.line)
            for detail, lines in list(details.items())[:_SHOW_LINES]:
                out(f"    {detail}: {_lines(lines)}")
            if len(details) > _SHOW_LINES:
                out(f"    ... and {len(details) - _SHOW_LINES} more")
            if reason == "unknown_area":
                out(f"    (to keep an area, add it to {report.mapping}")
                out("     under [indices] or [context], and import the file again)")
        if report.bad:
            out(f"  bad rows, left out: {len(report.bad)}")
            for problem in report.bad:
                out(f"    {problem}")


def _lines(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:_SHOW_LINES]))
    more = f" and {len(lines) - _SHOW_LINES} more" if len(lines) > _SHOW_LINES else ""
    return f"line(s) {shown}{more}"
