"""What an import would do or did: the changes, and the rows it could not use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """A row (or feature) the import skipped, or imported with a caveat (`note`)."""

    line: int
    column: str
    reason: str
    unit: str = "line"
    """What `line` counts: a file's lines, or a GeoJSON's features."""

    def __str__(self) -> str:
        where = f"{self.unit} {self.line}" if self.line else "file"
        return (
            f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


@dataclass
class Change:
    """One record to write: `new`, `changed` (with `fields` old → new), `removed` or
    `restored`. `values` are what apply writes (model field names)."""

    kind: str  # "district", "site" or "unit"
    code: str
    action: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    def describe(self) -> str:
        head = f"{self.action} {self.kind} {self.code}"
        if self.action == "changed" or (self.action == "restored" and self.fields):
            parts = [
                f"{name}: {_show(old)} → {_show(new)}" for name, (old, new) in self.fields.items()
            ]
            return f"{head}: " + "; ".join(parts)
        if self.action == "new" and self.values.get("name"):
            return f"{head} ({self.values['name']})"
        return head


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "(boundary)" if value else "–"
    return "–" if value is None or value == "" else str(value)


@dataclass
class Plan:
    """The import as planned against the database; `apply` writes `changes` only."""

    changes: list[Change] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    rows: int = 0
    unchanged: int = 0
    needs_position: list[str] = field(default_factory=list)
    """Codes of the active sites that have no position after the import."""

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)
