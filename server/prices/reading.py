"""Reading a price file: CSV (`;`, `,` or tab) or XLSX, and finding its header row by
Swedish or English names, or by the names the user gives (`--column field=Header`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

FIELDS: Final = ("element", "grade", "sek_per_unit", "source", "price_year")
REQUIRED: Final = ("element", "grade", "sek_per_unit")
HEADER_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "element": ("byggdel", "byggdelskod", "element", "elementkod", "element code", "code", "kod"),
    "grade": ("betyg", "skick", "tillståndsgrad", "tillstånd", "grade", "condition grade",
              "condition"),
    "sek_per_unit": ("kr per enhet", "kr enhet", "sek per enhet", "à pris", "a pris", "pris",
                     "styckpris", "sek per unit", "sek unit", "unit price", "unit rate",
                     "rate", "price", "kr", "sek"),
    "source": ("källa", "priskälla", "source", "price source"),
    "price_year": ("prisår", "prisnivå", "prisnivå år", "år", "price year", "price level",
                   "year"),
}  # fmt: skip
_HEADER_SCAN: Final = 15


def norm(text: Any) -> str:
    """A header or code as compared: lower case, punctuation and runs of space as one."""
    value = "" if text is None else str(text)
    value = re.sub(r"[_\-/:().]+", " ", value.strip().lower())
    return re.sub(r"\s+", " ", value).strip()


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell or row; line 0 for the file as a whole."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        column = f", {self.column}" if self.column else ""
        return f"{where}{column}: {self.reason}"


class MalformedFile(ValueError):
    """Nothing sensible can be imported from the file; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def read_table(path: Path, *, sheet: str | None = None) -> list[list[Any]]:
    """The file's cells row by row: XLSX by openpyxl, anything else as CSV (UTF-8 with
    or without BOM, else Windows-1252 as older Excel writes it)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise MalformedFile([Problem(0, "", f"not a readable Excel file ({exc})")]) from exc
        if sheet is not None and sheet not in book.sheetnames:
            raise MalformedFile(
                [Problem(0, "", f"no sheet {sheet!r}; the sheets are {book.sheetnames}")]
            )
        worksheet = book[sheet] if sheet else book.worksheets[0]
        return [list(row) for row in worksheet.iter_rows(values_only=True)]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text.count(";") > text.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def find_header(
    table: list[list[Any]], columns: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, field -> column position, the header cells as written).

    MalformedFile if a `columns` field is unknown or no row among the first ones names
    the required fields."""
    explicit = {name: norm(header) for name, header in (columns or {}).items()}
    unknown = sorted(set(explicit) - set(FIELDS))
    if unknown:
        raise MalformedFile(
            [Problem(0, "", f"unknown --column field(s) {unknown}; known: {', '.join(FIELDS)}")]
        )
    for number, row in enumerate(table[:_HEADER_SCAN]):
        cells = [norm(cell) for cell in row]
        found: dict[str, int] = {}
        for name, header in explicit.items():
            if header in cells:
                found[name] = cells.index(header)
        for name in FIELDS:
            if name in found or name in explicit:
                continue
            for alias in HEADER_ALIASES[name]:
                if alias in cells and cells.index(alias) not in found.values():
                    found[name] = cells.index(alias)
                    break
        if all(name in found for name in REQUIRED):
            return number, found, ["" if cell is None else str(cell).strip() for cell in row]
    wanted = ", ".join(f"{name} ({HEADER_ALIASES[name][0]})" for name in REQUIRED)
    missing_explicit = [f"{n}={columns[n]!r}" for n in explicit if columns]
    hint = f" (--column {', '.join(missing_explicit)} not found)" if missing_explicit else ""
    raise MalformedFile(
        [
            Problem(
                1,
                "",
                f"no header row in the first {_HEADER_SCAN} rows names {wanted}{hint}; "
                f"rename the headers or name them with --column field=Header",
            )
        ]
    )
