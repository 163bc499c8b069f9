"""Parse the city's public school and district files into plain records (no Django)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.schools.importing.values import slug

__all__ = ["ReferenceDataError", "parse_years", "read_sites", "slug"]

SCHOOL_FORMS = {"Grundskola": "grundskola", "Anpassad grundskola": "anpassad_grundskola"}
_YEARS = re.compile(r"^\s*(F|\d{1,2})\s*[–-]\s*(\d{1,2})\s*$")


class ReferenceDataError(ValueError):
    """A reference file is not what the loader expects; the message names file and record."""


def parse_years(text: str) -> tuple[int, int]:
    """'F–6' -> (0, 6); F (förskoleklass) is year 0."""
    match = _YEARS.match(text)
    if not match:
        raise ReferenceDataError(f"School years {text!r} are not of the form 'F–6' or '4–9'.")
    first = 0 if match.group(1) == "F" else int(match.group(1))
    last = int(match.group(2))
    if first > last:
        raise ReferenceDataError(f"School years {text!r} run backwards.")
    return first, last


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    school_form: str
    years: str
    year_from: int
    year_to: int
    pupils: int
    capacity: int | None
    lat: float
    lon: float


@dataclass
class SiteRecord:
    code: str
    name: str
    district_code: str
    units: list[UnitRecord] = field(default_factory=list)

    @property
    def lat(self) -> float:
        return round(sum(u.lat for u in self.units) / len(self.units), 6)

    @property
    def lon(self) -> float:
        return round(sum(u.lon for u in self.units) / len(self.units), 6)

    @property
    def pupils(self) -> int:
        return sum(u.pupils for u in self.units)


def read_sites(data_dir: Path) -> list[SiteRecord]:
    """Group the school units by their site (skolhus)."""
    path = data_dir / "schools.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    sites: dict[str, SiteRecord] = {}
    for n, row in enumerate(rows):
        try:
            year_from, year_to = parse_years(row["arskurser"])
            unit = UnitRecord(
                code=row["slug"],
                name=row["namn"],
                school_form=SCHOOL_FORMS[row["skolform"]],
                years=row["arskurser"],
                year_from=year_from,
                year_to=year_to,
                pupils=int(row["elever"]),
                capacity=int(row["pedKapacitet"]) if row.get("pedKapacitet") else None,
                lat=float(row["lat"]),
                lon=float(row["lng"]),
            )
            site_code = slug(row["skolhus"])
            district = slug(row["mellanomrade"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ReferenceDataError(f"{path.name}: record {n} ({row.get('slug')}): {exc}") from exc
        site = sites.setdefault(site_code, SiteRecord(site_code, row["skolhus"], district))
        if site.district_code != district:
            raise ReferenceDataError(
                f"{path.name}: units of site {row['skolhus']!r} lie in different districts."
            )
        site.units.append(unit)
    return sorted(sites.values(), key=lambda s: s.code)


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data["features"])
    except (OSError, ValueError, KeyError) as exc:
        raise ReferenceDataError(
            f"{path}: not a readable GeoJSON FeatureCollection ({exc})."
        ) from exc
