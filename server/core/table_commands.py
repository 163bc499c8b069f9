"""What every import command shares: a file, `--column FIELD=HEADER`, `--sheet` and
`--dry-run`, read and checked the same way (schools, prices, survey results)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from server.core.tables import TableError, parse_column_options


def add_table_arguments(parser: CommandParser, fields: Iterable[str]) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help=f"Which header holds a field; fields: {', '.join(fields)}. Repeatable.",
    )
    parser.add_argument("--sheet", help="The Excel sheet to read (default: the first).")
    parser.add_argument(
        "--dry-run", action="store_true", help="Check and print what would change; write nothing."
    )


def table_options(options: dict[str, Any]) -> tuple[Path, dict[str, str]]:
    """The file (which must exist) and the `--column` mappings; CommandError otherwise."""
    path: Path = options["file"]
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        return path, parse_column_options(options["column"])
    except TableError as exc:
        raise CommandError(str(exc)) from exc
