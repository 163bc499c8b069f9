"""Reading a price file: CSV (`;`, `,` or tab) or XLSX, and finding its header row by
Swedish or English names, or by the names the user gives (`--column field=Header`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from server.core import tables
from server.core.tables import HeaderNotFound, TableError, norm

__all__ = ["FIELDS", "MalformedFile", "Problem", "find_header", "norm", "read_table"]

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
    """The file's cells row by row (server.core.tables); MalformedFile if unreadable."""
    try:
        return tables.read_table(path, sheet=sheet)
    except TableError as exc:
        raise MalformedFile([Problem(0, "", str(exc))]) from exc


def find_header(
    table: list[list[Any]], columns: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, field -> column position, the header cells as written).

    MalformedFile if a `columns` field is unknown or no row among the first ones names
    the required fields."""
    try:
        header = tables.find_header(
            table,
            HEADER_ALIASES,
            key="element",
            columns=columns,
            complete=lambda found: all(name in found for name in REQUIRED),
        )
    except HeaderNotFound:
        wanted = ", ".join(f"{name} ({HEADER_ALIASES[name][0]})" for name in REQUIRED)
        given = [f"{n}={v!r}" for n, v in (columns or {}).items()]
        hint = f" (--column {', '.join(given)} not found)" if given else ""
        raise MalformedFile(
            [
                Problem(
                    1,
                    "",
                    f"no header row in the first {tables.HEADER_SCAN} rows names {wanted}{hint}; "
                    f"rename the headers or name them with --column field=Header",
                )
            ]
        ) from None
    except TableError as exc:
        raise MalformedFile([Problem(0, "", str(exc))]) from exc
    row = table[header.row]
    return header.row, header.columns, ["" if cell is None else str(cell).strip() for cell in row]
