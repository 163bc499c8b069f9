"""`import_districts`: district and city-area boundaries from any GeoJSON.

Each feature is a district named by `name_property`. `code_property`, when given, keys it:
a whole number is the official code (the key stays a slug of the name), text is the key.
`parent_property` names the enclosing city area, by its code or name, in this file or
already imported. `kind` is `city_area`, `district` or `auto` (a feature with a parent is a
district; one that others name as parent is a city area; the rest are districts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from server.core.tables import TableError
from server.schools.importing.geo import boundary
from server.schools.importing.report import Change, Plan, Problem
from server.schools.importing.values import BadValue, slug
from server.schools.models import District

KINDS = ("auto", "city_area", "district")
Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    return None


@dataclass
class _Feature:
    line: int  # 1-based feature number
    name: str
    code_value: str
    parent_value: str
    boundary: dict[str, Any]
    kind: str = ""
    code: str = ""
    official_code: int | None = None


def read_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection; TableError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise TableError(f"not a readable JSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise TableError("not a GeoJSON FeatureCollection (no list of 'features')")
    return data["features"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def districts_plan(
    features: list[dict[str, Any]],
    *,
    name_property: str,
    code_property: str | None = None,
    parent_property: str | None = None,
    kind: str = "auto",
    progress: Progress = _quiet,
) -> Plan:
    """What importing the features would change; writes nothing."""
    if kind not in KINDS:
        raise TableError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    plan = Plan(rows=len(features))
    names = [p for p in (name_property, code_property, parent_property) if p]
    present = set()
    for f in features:
        if isinstance(f, dict) and isinstance(f.get("properties"), dict):
            present |= set(f["properties"])
    missing = [p for p in names if p not in present]
    if features and missing:
        raise TableError(
            f"no feature has the propert{'y' if len(missing) == 1 else 'ies'} "
            f"{', '.join(repr(m) for m in missing)}; properties found: "
            f"{', '.join(sorted(present)) or 'none'}"
        )
    rows = _read(features, name_property, code_property, parent_property, plan)
    _kinds(rows, kind)
    existing = list(District.objects.select_related("parent"))
    _codes(rows, existing, plan)
    by_ref = _file_refs(rows)
    # Parents before the features that name them.
    ordered = sorted(
        rows, key=lambda r: (bool(r.parent_value), r.kind != District.Kind.CITY_AREA, r.line)
    )
    current = {d.code: d for d in existing}
    for n, row in enumerate(ordered, 1):
        parent = _parent(row, by_ref, existing, plan) if row.parent_value else None
        values = {
            "name": row.name,
            "kind": row.kind,
            "official_code": row.official_code,
            "parent": parent,
            "boundary": row.boundary,
        }
        old = current.get(row.code)
        if old is None:
            plan.changes.append(Change("district", row.code, "new", values=values, line=row.line))
        else:
            before = {
                "name": old.name,
                "kind": old.kind,
                "official_code": old.official_code,
                "parent": old.parent.code if old.parent_id else None,
                "boundary": old.boundary,
            }
            diff = {k: (before[k], v) for k, v in values.items() if before[k] != v}
            if not row.parent_value and "parent" in diff:
                del diff["parent"]  # no parent property: keep the one it has
            if diff:
                plan.changes.append(
                    Change(
                        "district",
                        row.code,
                        "changed",
                        fields=diff,
                        values={k: v for k, (_, v) in diff.items()},
                        line=row.line,
                    )
                )
            else:
                plan.unchanged += 1
        progress("Districts", n, len(ordered))
    return plan


def _read(
    features: list[dict[str, Any]],
    name_property: str,
    code_property: str | None,
    parent_property: str | None,
    plan: Plan,
) -> list[_Feature]:
    rows: list[_Feature] = []
    seen: dict[str, int] = {}
    for line, feature in enumerate(features, 1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            plan.skipped.append(
                Problem(line, "", "not a GeoJSON feature with properties", unit="feature")
            )
            continue
        name = _text(props.get(name_property))
        if not name:
            plan.skipped.append(Problem(line, name_property, "no name", unit="feature"))
            continue
        if len(name) > 120:
            plan.skipped.append(
                Problem(line, name_property, "name longer than 120 characters", unit="feature")
            )
            continue
        try:
            shaped = boundary(feature.get("geometry"))
        except BadValue as exc:
            plan.skipped.append(Problem(line, "geometry", str(exc), unit="feature"))
            continue
        code_value = _text(props.get(code_property)) if code_property else ""
        key = code_value or name.casefold()
        if key in seen:
            plan.skipped.append(
                Problem(
                    line,
                    code_property or name_property,
                    f"{key!r} repeats feature {seen[key]}; the first is kept",
                    unit="feature",
                )
            )
            continue
        seen[key] = line
        parent = _text(props.get(parent_property)) if parent_property else ""
        rows.append(_Feature(line, name, code_value, parent, shaped))
    return rows


def _kinds(rows: list[_Feature], kind: str) -> None:
    named_as_parent = {r.parent_value.casefold() for r in rows if r.parent_value}
    for row in rows:
        if kind != "auto":
            row.kind = kind
        elif row.parent_value:
            row.kind = District.Kind.DISTRICT
        elif {row.code_value.casefold(), row.name.casefold()} & named_as_parent:
            row.kind = District.Kind.CITY_AREA
        else:
            row.kind = District.Kind.DISTRICT


def _codes(rows: list[_Feature], existing: list[District], plan: Plan) -> None:
    """Each feature's key: an existing district's where one matches, else a fresh slug."""
    by_official = {(d.kind, d.official_code): d.code for d in existing if d.official_code}
    taken = {d.code for d in existing}
    mine: set[str] = set()
    for row in rows:
        numeric = row.code_value.isdigit() and len(row.code_value) <= 9
        if numeric:
            row.official_code = int(row.code_value)
            known = by_official.get((row.kind, row.official_code))
            code = known or slug(row.name)
            if known is None and code in taken:
                code = f"{code}-{row.official_code}"  # a city area and district of one name
        else:
            code = slug(row.code_value or row.name)
        code = code[:80]
        if not code:
            code = f"district-{row.line}"
        if code in mine:
            code = f"{code}-{row.line}"
        mine.add(code)
        row.code = code


def _file_refs(rows: list[_Feature]) -> dict[str, _Feature]:
    """The features that may be a parent (those without one), by name and code."""
    refs: dict[str, _Feature] = {}
    for row in rows:
        if row.parent_value:
            continue
        for ref in (row.name.casefold(), row.code_value.casefold(), row.code):
            if ref:
                refs.setdefault(ref, row)
    return refs


def _parent(
    row: _Feature, by_ref: dict[str, _Feature], existing: list[District], plan: Plan
) -> str | None:
    wanted = row.parent_value.casefold()
    found = by_ref.get(wanted)
    if found is not None and found is not row:
        return found.code
    candidates = [
        d
        for d in existing
        if d.code in (wanted, slug(row.parent_value))
        or d.name.casefold() == wanted
        or (wanted.isdigit() and d.official_code == int(wanted))
    ]
    # A numeric parent code names a city area first: districts' numbers may repeat it.
    candidates.sort(key=lambda d: d.kind != District.Kind.CITY_AREA)
    if candidates:
        return candidates[0].code
    plan.notes.append(
        Problem(
            row.line,
            "parent",
            f"no city area {row.parent_value!r}; imported without one",
            unit="feature",
        )
    )
    return None


@transaction.atomic
def districts_apply(plan: Plan, *, progress: Progress = _quiet) -> None:
    """Write the plan's changes (city areas before the districts that name them)."""
    codes = {d.code: d for d in District.objects.all()}
    for n, change in enumerate(plan.changes, 1):
        values = dict(change.values)
        if "parent" in values:
            values["parent"] = codes[values["parent"]] if values["parent"] else None
        if change.action == "new":
            codes[change.code] = District.objects.create(code=change.code, **values)
        else:
            row = codes[change.code]
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
        progress("Writing districts", n, len(plan.changes))


def districts_import(
    path: Path,
    *,
    name_property: str,
    code_property: str | None = None,
    parent_property: str | None = None,
    kind: str = "auto",
    dry_run: bool = False,
    progress: Progress = _quiet,
) -> Plan:
    """Plan the file against the database and, unless `dry_run`, apply it."""
    plan = districts_plan(
        read_features(path),
        name_property=name_property,
        code_property=code_property,
        parent_property=parent_property,
        kind=kind,
        progress=progress,
    )
    if not dry_run:
        districts_apply(plan, progress=progress)
    return plan
