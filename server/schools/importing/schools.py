"""`import_schools`: a municipality's school units from CSV or XLSX, one row per unit.

The key is the unit code (Skolverket's 8-digit skolenhetskod, or any slug). Units sharing
a `site` (skolhus, by code or name) are one site; a unit without one is its own site. A
position is WGS84 lat/lon or SWEREF 99 TM x/y; without one the unit is imported and its
site listed as needing a position. A site without a district is placed by point in
polygon, in the finest imported district that holds it.

An empty cell never clears a stored value (so a position set on the admin's map survives
the next import of a file that lacks it); a row of a form we do not hold (gymnasieskola)
or with a bad value is skipped and reported with its line, column and reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from server.core.tables import TableError, read_table
from server.schools.importing import values as v
from server.schools.importing.geo import Locator
from server.schools.importing.report import Change, Plan, Problem
from server.schools.importing.rows import (
    SITE_FACTS,
    ParsedFile,
    Progress,
    UnitRow,
    parse_table,
    quiet,
)
from server.schools.models import District, SchoolUnit, Site

# The plan ------------------------------------------------------------------------------


@dataclass
class _Site:
    code: str
    name: str  # the name the file gives, or ""
    rows: list[UnitRow] = field(default_factory=list)


class _Districts:
    """Districts by code, name (any case) or official code, and by position."""

    def __init__(self) -> None:
        self.all = list(District.objects.all())
        self.by_code = {d.code: d for d in self.all}
        self._locator: Locator | None = None

    def find(self, text: str) -> District | None:
        if text in self.by_code:
            return self.by_code[text]
        wanted = text.casefold()
        matches = [d for d in self.all if wanted in (d.name.casefold(), d.code)]
        if not matches and text.isdigit():
            matches = [d for d in self.all if d.official_code == int(text)]
        # The finest wins when a city area and a district share a name.
        matches.sort(key=lambda d: d.kind != District.Kind.DISTRICT)
        return matches[0] if matches else None

    def at(self, position: tuple[float, float]) -> District | None:
        if self._locator is None:
            self._locator = Locator(self.all)
        found = self._locator.district_id(*position)
        return next((d for d in self.all if d.id == found), None) if found else None


def schools_plan(
    parsed: ParsedFile, *, remove_missing: bool = False, progress: Progress = quiet
) -> Plan:
    """What importing the parsed rows would change; writes nothing."""
    plan = Plan(rows=len(parsed.rows) + len(parsed.skipped), skipped=list(parsed.skipped))
    units = {u.code: u for u in SchoolUnit.objects.select_related("site")}
    sites = {s.code: s for s in Site.objects.select_related("district")}
    names: dict[str, list[str]] = defaultdict(list)
    for s in sites.values():
        names[s.name.casefold()].append(s.code)
    districts = _Districts()

    groups: dict[str, _Site] = {}
    rows: list[UnitRow] = []
    for row in parsed.rows:
        known = units.get(row.code)
        if known is None and not row.name:
            plan.skipped.append(Problem(row.line, parsed.title("name"), "a new unit needs a name"))
            continue
        if known is None and row.year_from is None:
            plan.skipped.append(
                Problem(row.line, parsed.title("years"), "a new unit needs its school years")
            )
            continue
        code, name = _site_of(row, known, sites, names)
        if not code:
            plan.skipped.append(
                Problem(row.line, parsed.title("site"), f"site {row.site!r} gives no code")
            )
            continue
        groups.setdefault(code, _Site(code, name)).rows.append(row)
        rows.append(row)
    if not parsed.has_school_form and any(r.code not in units for r in rows):
        plan.notes.append(Problem(0, "school_form", "no school-form column: new units are "
                                  "taken to be grundskola"))  # fmt: skip

    site_lat: dict[str, float | None] = {}
    for n, group in enumerate(groups.values(), 1):
        change = _site_change(group, sites.get(group.code), districts, plan)
        site_lat[group.code] = change.values.get("lat", getattr(sites.get(group.code), "lat", None))
        if change.fields or change.action == "new":
            plan.changes.append(change)
        else:
            plan.unchanged += 1
        progress("Planning sites", n, len(groups))

    for n, (code, group) in enumerate(groups.items(), 1):
        for row in group.rows:
            change = _unit_change(row, code, units.get(row.code))
            if change is None:
                plan.unchanged += 1
            else:
                plan.changes.append(change)
        progress("Planning units", n, len(groups))

    if remove_missing:
        _removals(plan, parsed.codes, units, sites, groups)
    else:
        for code in _emptied(plan, units, groups):
            plan.notes.append(
                Problem(
                    0,
                    "site",
                    f"site {code} has no units left; remove it in the admin "
                    "or import the whole list with --remove-missing",
                )  # fmt: skip
            )
    removed_sites = {c.code for c in plan.changes if c.kind == "site" and c.action == "removed"}
    plan.needs_position = sorted(
        [code for code, lat in site_lat.items() if lat is None]
        + [
            s.code
            for s in sites.values()
            if s.code not in groups
            and s.removed_at is None
            and s.lat is None
            and s.code not in removed_sites
        ]
    )
    return plan


def _site_of(
    row: UnitRow,
    known: SchoolUnit | None,
    sites: dict[str, Site],
    names: dict[str, list[str]],
) -> tuple[str, str]:
    """(site code, the name the file gives it or '') for a row."""
    if row.site:
        if row.site in sites:
            return row.site, ""
        code = v.slug(row.site)[:100]
        if code in sites:
            return code, row.site
        same_name = names.get(row.site.casefold(), [])
        if len(same_name) == 1:
            return same_name[0], ""  # the stored spelling stays
        return code, row.site
    if known is not None:
        return known.site.code, ""
    return v.slug(row.code)[:100], row.name


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 6)


def _site_change(group: _Site, old: Site | None, districts: _Districts, plan: Plan) -> Change:
    line = group.rows[0].line
    want: dict[str, Any] = {}
    if old is None:
        want["name"] = group.name or group.rows[0].name
    elif group.name:
        want["name"] = group.name
    positions = [r.position for r in group.rows if r.position is not None]
    if positions:
        want["lat"] = _mean([p[0] for p in positions])
        want["lon"] = _mean([p[1] for p in positions])
    district: District | None = None
    for row in group.rows:
        if row.district:
            district = districts.find(row.district)
            if district is None:
                plan.notes.append(
                    Problem(
                        row.line,
                        "district",
                        f"no district {row.district!r}; placed by position instead",
                    )  # fmt: skip
                )
            break
    where: tuple[float, float] | None = None
    if positions:
        where = (want["lat"], want["lon"])
    elif old is not None and old.lat is not None and old.lon is not None:
        where = (old.lat, old.lon)
    if district is None and (old is None or old.district_id is None) and where:
        district = districts.at(where)
    if district is not None:
        want["district"] = district.code
    for row in group.rows:
        for name, value in row.site_values.items():
            want.setdefault(name, value)
    if old is None:
        return Change("site", group.code, "new", values=want, line=line)
    if old.removed_at is not None:
        want["removed_at"] = None
    before = {
        "name": old.name,
        "lat": old.lat,
        "lon": old.lon,
        "district": old.district.code if old.district_id else None,
        "removed_at": old.removed_at,
        **{name: getattr(old, name) for name in (*SITE_FACTS, "attributes_synthetic")},
    }
    diff = {k: (before[k], val) for k, val in want.items() if before[k] != val}
    action = "restored" if "removed_at" in diff else "changed"
    return Change(
        "site", group.code, action, fields=diff, values={k: n for k, (_, n) in diff.items()},
        line=line,
    )  # fmt: skip


def _unit_change(row: UnitRow, site: str, old: SchoolUnit | None) -> Change | None:
    want: dict[str, Any] = {"site": site}
    if row.name:
        want["name"] = row.name
    if row.school_form:
        want["school_form"] = row.school_form
    elif old is None:
        want["school_form"] = SchoolUnit.SchoolForm.GRUNDSKOLA
    if row.year_from is not None:
        want.update(years=row.years, year_from=row.year_from, year_to=row.year_to)
    want.update(row.unit_values)
    if old is None:
        return Change("unit", row.code, "new", values=want, line=row.line)
    if old.removed_at is not None:
        want["removed_at"] = None
    before = {name: getattr(old, name) for name in want if name != "site"}
    before["site"] = old.site.code
    diff = {k: (before[k], val) for k, val in want.items() if before[k] != val}
    if not diff:
        return None
    action = "restored" if "removed_at" in diff else "changed"
    return Change(
        "unit", row.code, action, fields=diff, values={k: n for k, (_, n) in diff.items()},
        line=row.line,
    )  # fmt: skip


def _removals(
    plan: Plan,
    in_file: set[str],
    units: dict[str, SchoolUnit],
    sites: dict[str, Site],
    groups: dict[str, _Site],
) -> None:
    """Units the file no longer lists, and sites left with no active unit."""
    now = timezone.now()
    moved = {
        c.code: c.values["site"] for c in plan.changes if c.kind == "unit" and "site" in c.values
    }
    active: dict[str, int] = defaultdict(int)
    had: set[str] = set()
    for unit in units.values():
        site = moved.get(unit.code, unit.site.code)
        had.add(unit.site.code)
        if unit.code in in_file:
            active[site] += 1
        elif unit.removed_at is None:
            plan.changes.append(
                Change(
                    "unit",
                    unit.code,
                    "removed",
                    fields={"removed_at": (None, now)},
                    values={"removed_at": now},
                )  # fmt: skip
            )
        # an already removed unit that is not in the file stays as it is
    for code in sorted(had):
        site = sites[code]
        if code not in groups and not active[code] and site.removed_at is None:
            plan.changes.append(
                Change(
                    "site",
                    code,
                    "removed",
                    fields={"removed_at": (None, now)},
                    values={"removed_at": now},
                )  # fmt: skip
            )


def _emptied(plan: Plan, units: dict[str, SchoolUnit], groups: dict[str, _Site]) -> list[str]:
    """Sites whose every active unit the file moves to another site."""
    moved = {
        c.code: c.values["site"] for c in plan.changes if c.kind == "unit" and "site" in c.values
    }
    before: dict[str, int] = defaultdict(int)
    after: dict[str, int] = defaultdict(int)
    for unit in units.values():
        if unit.removed_at is None:
            before[unit.site.code] += 1
            after[moved.get(unit.code, unit.site.code)] += 1
    return sorted(code for code in before if not after[code] and code not in groups)


# Writing -------------------------------------------------------------------------------


@transaction.atomic
def schools_apply(plan: Plan, *, progress: Progress = quiet) -> None:
    """Write the plan's changes in one transaction: sites, then units, then removals.

    Only changed records are saved, and only their changed fields (plus `updated_at`),
    so what the plan leaves alone keeps its `updated_at` and tablets pull nothing again.
    """
    districts = {d.code: d for d in District.objects.all()}
    site_codes = {c.code for c in plan.changes if c.kind == "site"} | {
        c.values["site"] for c in plan.changes if c.kind == "unit" and "site" in c.values
    }
    sites = {s.code: s for s in Site.objects.filter(code__in=site_codes)}
    units = {
        u.code: u
        for u in SchoolUnit.objects.filter(
            code__in=[c.code for c in plan.changes if c.kind == "unit"]
        )
    }
    ordered = sorted(plan.changes, key=lambda c: (c.action == "removed", c.kind != "site"))
    for n, change in enumerate(ordered, 1):
        values = dict(change.values)
        if "district" in values:
            values["district"] = districts[values["district"]] if values["district"] else None
        if "site" in values:
            values["site"] = sites[values["site"]]
        if change.kind == "site":
            if change.action == "new":
                sites[change.code] = Site.objects.create(code=change.code, **values)
            else:
                _save(sites[change.code], values)
        elif change.action == "new":
            SchoolUnit.objects.create(code=change.code, **values)
        else:
            _save(units[change.code], values)
        progress("Writing", n, len(ordered))


def _save(row: Site | SchoolUnit, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    # The changed plain fields only: a foreign key was just loaded, and checking it would
    # cost a query per row.
    unchecked = [f.name for f in row._meta.fields if f.name not in values or f.is_relation]
    row.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
    row.save(update_fields=[*values, "updated_at"])


def schools_import(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    remove_missing: bool = False,
    progress: Progress = quiet,
) -> Plan:
    """Read, plan and (unless `dry_run`) apply a schools file; TableError refuses it whole."""
    parsed = parse_table(read_table(path, sheet=sheet), columns=columns, progress=progress)
    if not parsed.rows and not parsed.skipped:
        raise TableError("the file has a header but no rows")
    plan = schools_plan(parsed, remove_missing=remove_missing, progress=progress)
    if not dry_run:
        schools_apply(plan, progress=progress)
    return plan
