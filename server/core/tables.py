"""Reading the tables people export from Excel: CSV (`;`, `,` or tab) or XLSX, with the
header row found by synonyms or named explicitly (`--column field=Header`).

Plain Python, no Django: the importers of each app (schools, prices, survey results) read
their files through these few functions and keep their own field names and synonyms.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HEADER_SCAN = 15
"""How many rows from the top may hold the header (titles and notes often come first)."""


class TableError(ValueError):
    """The file cannot be read as a table at all; the message says why and what to do."""


class HeaderNotFound(TableError):
    """No row among the top ones names the fields an importer needs."""


def norm(text: Any) -> str:
    """A header or cell compared loosely: lower case, `_-/:().` as spaces, spaces collapsed."""
    value = "" if text is None else str(text)
    value = re.sub(r"[_\-/:().]+", " ", value.strip().lower())
    return re.sub(r"\s+", " ", value).strip()


def read_table(path: Path, *, sheet: str | None = None) -> list[list[Any]]:
    """The file's cells, row by row: XLSX by openpyxl, anything else as CSV (`;`, `,` or
    tab, UTF-8 with or without BOM, else Windows-1252 as older Excel writes)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise TableError(f"not a readable Excel file ({exc})") from exc
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = [list(row) for row in ws.iter_rows(values_only=True)]
        book.close()
        return rows
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    # A title line above the header has few or no delimiters: judge by the busiest line.
    lines = text.splitlines()[:HEADER_SCAN]
    sample = max(lines, key=lambda ln: ln.count(";") + ln.count("\t"), default="")
    if sample.count("\t") > sample.count(";"):
        delimiter = "\t"
    elif sample.count(";"):
        delimiter = ";"
    else:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def parse_column_options(options: Iterable[str]) -> dict[str, str]:
    """`["name=Skolans namn", ...]` -> `{"name": "Skolans namn"}`; TableError if malformed."""
    columns = {}
    for option in options:
        name, sep, header = option.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise TableError(f"--column {option!r}: write it as FIELD=HEADER")
        columns[name.strip()] = header.strip()
    return columns


@dataclass(frozen=True)
class Header:
    """Where the header row is (0-based row index) and each found field's column."""

    row: int
    columns: dict[str, int]
    titles: dict[str, str]
    """Field -> the header text as the file writes it, for messages."""

    @property
    def first_data_line(self) -> int:
        """The 1-based line number of the first row under the header."""
        return self.row + 2


def find_header(
    table: list[list[Any]],
    aliases: Mapping[str, tuple[str, ...]],
    *,
    key: str,
    columns: Mapping[str, str] | None = None,
    complete: Callable[[Mapping[str, int]], bool] | None = None,
) -> Header:
    """The first of the top rows that holds the `key` field (or, given `complete`, the
    fields it asks for); HeaderNotFound when none does, TableError for an unknown field.

    `aliases` maps each field to its recognised headers (compared by `norm`), `columns`
    names a field's header explicitly and wins over the synonyms.
    """
    explicit = {k: norm(v) for k, v in (columns or {}).items()}
    unknown = sorted(set(explicit) - set(aliases))
    if unknown:
        raise TableError(
            f"unknown field(s) in --column: {', '.join(unknown)}; known: {', '.join(aliases)}"
        )
    for number, row in enumerate(table[:HEADER_SCAN]):
        cells = [norm(c) for c in row]
        found: dict[str, int] = {}
        for name, header in explicit.items():
            if header in cells:
                found[name] = cells.index(header)
        for name, names in aliases.items():
            if name in explicit:
                continue
            for alias in (name, *names):
                wanted = norm(alias)
                if wanted in cells and cells.index(wanted) not in found.values():
                    found[name] = cells.index(wanted)
                    break
        if complete(found) if complete else key in found:
            titles = {name: str(row[at]).strip() for name, at in found.items()}
            return Header(number, found, titles)
    if key in explicit:
        raise HeaderNotFound(
            f"no header {columns[key]!r} (given with --column {key}=...) in the first "  # type: ignore[index]
            f"{HEADER_SCAN} rows"
        )
    known = ", ".join(repr(a) for a in aliases[key][:4])
    raise HeaderNotFound(
        f"no key column: none of the first {HEADER_SCAN} rows has a header for {key} "
        f"(e.g. {known}); name it with --column {key}=HEADER"
    )


def cell_text(row: list[Any], column: int | None) -> str:
    """The cell as trimmed text; '' when missing. Excel's whole floats lose their '.0'."""
    if column is None or column >= len(row) or row[column] is None:
        return ""
    value = row[column]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
