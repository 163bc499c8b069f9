"""The rows of a schools file, read into `UnitRow`s: headers found by synonym (or named
with `--column`), each cell checked; a row with a bad cell is skipped with its line,
column and reason, and the file is refused whole only when it has no unit-code column."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.core.tables import Header, cell_text, find_header
from server.schools.importing import values as v
from server.schools.importing.report import Problem

Progress = Callable[[str, int, int], None]

ALIASES: Mapping[str, tuple[str, ...]] = {
    "unit_code": ("skolenhetskod", "skolenhetens kod", "skolenhet kod", "enhetskod", "skolkod",
                  "unit code", "school unit code", "code", "kod", "slug"),
    "name": ("skolenhetsnamn", "skolenhetens namn", "skolenhet", "skolnamn", "skola", "namn",
             "unit name", "school name", "school"),
    "school_form": ("skolform", "verksamhetsform", "school form", "form"),
    "years": ("årskurser", "årskurs", "åk", "arskurser", "school years", "years", "grades"),
    "site": ("skolhus", "skolbyggnad", "byggnad", "site code", "site name", "site", "building"),
    "lat": ("latitud", "latitude", "wgs84 lat", "lat"),
    "lon": ("longitud", "longitude", "wgs84 lon", "lon", "lng", "long"),
    "x": ("sweref99 x", "sweref 99 tm x", "sweref x", "x koordinat", "x"),
    "y": ("sweref99 y", "sweref 99 tm y", "sweref y", "y koordinat", "y"),
    "pupils": ("elever", "antal elever", "elevantal", "pupils", "number of pupils", "students"),
    "capacity": ("kapacitet", "pedagogisk kapacitet", "ped kapacitet", "pedkapacitet",
                 "capacity"),
    "district": ("område", "omrade", "stadsdel", "mellanområde", "stadsområde", "district",
                 "area"),
    "floor_area_m2": ("bta", "bruttoarea", "golvyta", "lokalyta", "lokalyta m2", "floor area",
                      "floor area m2"),
    "yard_area_m2": ("gårdsyta", "skolgårdsyta", "gårdsyta m2", "friyta", "yard area",
                     "yard area m2"),
    "year_built": ("byggår", "byggnadsår", "year built"),
    "replacement_value_sek": ("återanskaffningsvärde", "ersättningsvärde",
                              "replacement value", "replacement value sek"),
    "socioeconomic_need": ("socioekonomiskt index", "socioekonomiskt behov", "socioekonomi",
                           "socioeconomic need", "need index"),
    "newly_arrived_share": ("andel nyanlända", "nyanlända", "newly arrived share",
                            "newly arrived"),
}  # fmt: skip
FIELDS = tuple(ALIASES)
SITE_FACTS = ("floor_area_m2", "yard_area_m2", "year_built", "replacement_value_sek")
UNIT_FACTS = ("pupils", "capacity", "socioeconomic_need", "newly_arrived_share")
NEED = ("socioeconomic_need", "newly_arrived_share")
MAX_PUPILS = 10_000


def quiet(step: str, done: int, total: int) -> None:
    return None


@dataclass
class UnitRow:
    """One unit as the file gives it; empty cells are absent from the `*_values`."""

    line: int
    code: str
    name: str = ""
    school_form: str = ""
    years: str = ""
    year_from: int | None = None
    year_to: int | None = None
    site: str = ""
    position: tuple[float, float] | None = None
    district: str = ""
    unit_values: dict[str, Any] = field(default_factory=dict)
    site_values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedFile:
    rows: list[UnitRow]
    skipped: list[Problem]
    codes: set[str]
    """Every unit code in the file, skipped rows too: --remove-missing leaves those be."""
    has_school_form: bool = True
    titles: dict[str, str] = field(default_factory=dict)
    """Field -> the file's header, for messages."""

    def title(self, name: str) -> str:
        return self.titles.get(name, name)


def _fact(name: str, text: str) -> Any:
    if name == "pupils" or name == "capacity":
        return v.whole(text, low=0, high=MAX_PUPILS, what=name)
    if name in ("floor_area_m2", "yard_area_m2"):
        return v.number(text, low=0, high=1_000_000, what=name)
    if name == "year_built":
        return v.whole(text, low=1500, high=date.today().year + 5, what="year built")
    if name == "replacement_value_sek":
        return v.whole(text, low=0, high=100_000_000_000, what="replacement value")
    if name == "socioeconomic_need":
        return v.number(text, low=0, high=100, what="socioeconomic need")
    return v.share(text, what="newly arrived share")


def parse_table(
    table: list[list[Any]],
    *,
    columns: Mapping[str, str] | None = None,
    progress: Progress = quiet,
) -> ParsedFile:
    """The rows as `UnitRow`s and the rows skipped with line, column and reason.

    TableError (the whole file refused) only when no header row has a unit-code column.
    """
    header = find_header(table, ALIASES, key="unit_code", columns=columns)
    body = table[header.row + 1 :]
    parsed = ParsedFile(
        [], [], set(), has_school_form="school_form" in header.columns, titles=header.titles
    )
    first_line: dict[str, int] = {}
    for n, row in enumerate(body):
        line = header.first_data_line + n
        if any(cell_text(row, i) for i in range(len(row))):
            try:
                unit = _row(row, line, header)
            except _Skip as skip:
                parsed.skipped.append(skip.problem)
                if skip.code:
                    parsed.codes.add(skip.code)
            else:
                parsed.codes.add(unit.code)
                if unit.code in first_line:
                    parsed.skipped.append(
                        Problem(
                            line,
                            header.titles["unit_code"],
                            f"unit {unit.code} repeats line {first_line[unit.code]}; "
                            "the first is kept",
                        )  # fmt: skip
                    )
                else:
                    first_line[unit.code] = line
                    parsed.rows.append(unit)
        progress("Reading rows", n + 1, len(body))
    return parsed


class _Skip(Exception):
    def __init__(self, problem: Problem, code: str = "") -> None:
        self.problem = problem
        self.code = code


def _row(row: list[Any], line: int, header: Header) -> UnitRow:
    def text(name: str) -> str:
        return cell_text(row, header.columns.get(name))

    def skip(name: str, reason: str, code: str = "") -> _Skip:
        return _Skip(Problem(line, header.titles.get(name, name), reason), code)

    code = text("unit_code")
    if not code:
        raise skip("unit_code", "no unit code; the row cannot be matched")
    if len(code) > 100:
        raise skip("unit_code", "unit code longer than 100 characters")
    unit = UnitRow(line, code, name=text("name"), site=text("site"), district=text("district"))
    for name, limit in (("name", 200), ("site", 200), ("district", 120)):
        if len(getattr(unit, name)) > limit:
            raise skip(name, f"longer than {limit} characters", code)
    form = text("school_form")
    if form:
        unit.school_form = v.school_form(form) or ""
        if not unit.school_form:
            raise skip(
                "school_form",
                f"school form {form!r} is not grundskola or anpassad grundskola; not imported",
                code,
            )
    try:
        if text("years"):
            unit.years = text("years")[:16]
            unit.year_from, unit.year_to = v.years(text("years"))
    except v.BadValue as exc:
        raise skip("years", str(exc), code) from None
    try:
        unit.position = v.position(text("lat"), text("lon"), text("x"), text("y"))
    except v.BadValue as exc:
        given = [n for n in ("lat", "lon", "x", "y") if text(n)]
        raise skip(given[0] if given else "lat", str(exc), code) from None
    for name in (*UNIT_FACTS, *SITE_FACTS):
        if text(name):
            try:
                value = _fact(name, text(name))
            except v.BadValue as exc:
                raise skip(name, str(exc), code) from None
            (unit.site_values if name in SITE_FACTS else unit.unit_values)[name] = value
    if any(name in unit.site_values for name in SITE_FACTS):
        unit.site_values["attributes_synthetic"] = False
    if any(name in unit.unit_values for name in NEED):
        unit.unit_values["need_synthetic"] = False
    return unit
