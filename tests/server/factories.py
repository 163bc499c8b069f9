"""Small factories for server tests: real rows in the test database, sensible defaults."""

from __future__ import annotations

from itertools import count
from typing import Any

from server.schools.models import District, SchoolUnit, Site

_seq = count(1)


def make_district(**fields: Any) -> District:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"district-{n}", "name": f"Distrikt {n}", "kind": "district"}
    values.update(fields)
    return District.objects.create(**values)


def make_city_area(**fields: Any) -> District:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"area-{n}", "name": f"Stadsområde {n}", "kind": "city_area"}
    values.update(fields)
    return District.objects.create(**values)


def make_site(**fields: Any) -> Site:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"site-{n}",
        "name": f"Skolhus {n}",
        "lat": 57.7 + n / 1000,
        "lon": 11.97,
        "floor_area_m2": 4000.0,
        "yard_area_m2": 9000.0,
        "year_built": 1968,
        "replacement_value_sek": 150_000_000,
    }
    values.update(fields)
    if "district" not in values:
        values["district"] = make_district()
    return Site.objects.create(**values)


def make_unit(**fields: Any) -> SchoolUnit:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"unit-{n}",
        "name": f"Skolenhet {n}",
        "school_form": "grundskola",
        "years": "F–6",
        "year_from": 0,
        "year_to": 6,
        "pupils": 300,
        "socioeconomic_need": 50.0,
        "newly_arrived_share": 0.05,
    }
    values.update(fields)
    if "site" not in values:
        values["site"] = make_site()
    return SchoolUnit.objects.create(**values)
