"""What the import commands print: progress on long files, and the plan as a diff."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from server.schools.importing.report import Plan


def progress_printer(command: BaseCommand) -> Any:
    """A live bar on a terminal; in a log, one line per finished step of 200+ items."""

    def progress(step: str, done: int, total: int) -> None:
        if total < 200:
            return
        if sys.stdout.isatty():
            if done == total or done % 50 == 0:
                bar = "#" * (30 * done // total)
                command.stdout.write(f"\r  {step}: [{bar:<30}] {done}/{total}", ending="")
                if done == total:
                    command.stdout.write("")
        elif done == total:
            command.stdout.write(f"  {step}: {done}/{total}")

    return progress


def print_plan(command: BaseCommand, plan: Plan, *, dry_run: bool) -> None:
    """The diff (dry run: all of it; else the first 50 changes) and the problems."""
    shown = plan.changes if dry_run else plan.changes[:50]
    for change in shown:
        command.stdout.write(f"  {change.describe()}")
    if len(shown) < len(plan.changes):
        command.stdout.write(f"  ... and {len(plan.changes) - len(shown)} more change(s)")
    for problem in plan.skipped:
        command.stdout.write(f"  skipped {problem}")
    for problem in plan.notes:
        command.stdout.write(f"  note {problem}")
