"""Import of official survey results (Skolenkäten, regional surveys) from CSV or XLSX, as
published: a municipality's long-format results file, taken unedited.

One row per school unit (or aggregate), year and round, grade level, respondent group and
question area, with the index 0-10 (or 0-100), the number of answers and maybe a spread
and a source. Headers are found among the first rows from common Swedish and English
names, or named explicitly (`columns`). What happens to each kind of row:

- unit rows of pupils or guardians whose area the mapping (`surveys.areas`) knows are
  stored per unit, group, index, year and round; the grade levels of one unit are pooled,
  weighted by their answers. Rows matched to no school unit are counted and left out.
- aggregate rows (no unit code; "Kommun", "Riket", "Region ...") are stored as references.
- rows of teachers or other staff, and areas the mapping does not know, are counted and
  left out; a row the source suppressed is stored without a value (never shown).
- a broken row (an index that is no number, a year that is none) is reported with its
  line, column and reason and left out; the rest go in.

The file is refused whole only when there is nothing to import: no header, or a `year`
the file does not have. Every year is stored; the newest (or the chosen `year`) is the
one in use, older ones are history.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import transaction

from server.campaigns.models import ImportedReference, ImportedResult
from server.campaigns.selectors import threshold
from server.core import tables
from server.core.data_version import bump
from server.core.municipality import current_municipality
from server.core.tables import HeaderNotFound, TableError
from server.schools.models import SchoolUnit
from surveys.areas import AreaMapping, AreaMappingError, Target, area_key, load_area_mapping

FIELDS: Final = (
    "unit_code", "unit_name", "year", "round", "grade", "group", "area", "index",
    "index_100", "respondents", "sd", "publisher",
)  # fmt: skip
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "unit_code": ("skolenhetskod", "skolenhet kod", "skolkod", "enhetskod", "school code",
                  "school unit code", "unit code", "code", "kod"),
    "unit_name": ("skolenhet", "skolnamn", "skola", "skolenhetsnamn", "school name", "school",
                  "unit name", "school unit", "namn", "name", "enhet"),
    "year": ("läsår", "år", "läsår år", "år läsår", "undersökningsår", "mätår", "year",
             "school year", "survey year"),
    "round": ("omgång", "termin", "enkätomgång", "round", "term", "season"),
    "grade": ("årskurs", "åk", "årskurser", "skolår", "grade", "grade level", "year group"),
    "group": ("respondentgrupp", "svarsgrupp", "grupp", "respondent group", "group",
              "respondents group", "målgrupp", "target group"),
    "area": ("frågeområde", "område", "indexområde", "area", "question area", "topic",
             "domain", "dimension"),
    "index": ("index", "index 0 10", "indexvärde", "indexvärde 0 10", "värde", "medelvärde",
              "index value", "value", "score", "mean"),
    "index_100": ("index 0 100", "indexvärde 0 100", "index 100", "index value 0 100",
                  "score 0 100"),
    "respondents": ("antal svar", "antal svarande", "svarande", "svar", "number of answers",
                    "answers", "respondents", "number of respondents", "n"),
    "sd": ("standardavvikelse", "std", "sd", "std avvikelse", "spridning",
           "standard deviation", "std dev", "stdev"),
    "publisher": ("källa", "undersökning", "enkät", "source", "survey"),
}  # fmt: skip
SUPPRESSED: Final = {
    "", "*", "**", "***", "-", "–", "—", "..", "...", ".", "x", "för få svar", "too few",
    "too few answers", "n/a", "na", "s", "<5", "ej redovisat", "ej redovisad", "redovisas ej",
    "uppgift saknas", "saknas", "ej tillgänglig", "not reported", "suppressed",
}  # fmt: skip
_ROUND_ORDER: Final = {"": 0, "vt": 1, "ht": 2}
SKIP_REASONS: Final = {
    "teachers": "teachers or other staff: not a group Skolmiljö surveys",
    "unknown_area": "question area not in the area mapping",
    "unknown_unit": "no school unit with that code or name",
}


@dataclass
class Problem:
    line: int
    reason: str
    column: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


class MalformedFile(ValueError):
    """The file cannot be imported at all; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Row:
    """One usable line of the file, read and checked."""

    line: int
    unit_code: str
    unit_name: str
    year: int
    round: str
    grade: str
    group: str
    area: str
    target: Target
    mean: float | None
    respondents: int | None
    sd: float | None
    publisher: str


@dataclass
class Reference:
    level: str
    name: str


@dataclass
class ImportReport:
    rows_read: int = 0
    years: list[int] = field(default_factory=list)
    year: int | None = None
    year_chosen: bool = False
    imported: int = 0
    """Unit results stored (after pooling grade levels), every year."""
    pooled: int = 0
    """Of these, results pooled from more than one grade level."""
    pooled_rows: int = 0
    """Lines that went into a pooled result."""
    context: int = 0
    current: int = 0
    suppressed: list[int] = field(default_factory=list)
    """Lines the source suppressed (no index): stored without a value, never shown."""
    under_threshold: int = 0
    """Stored results in use with fewer answers than the threshold: never shown."""
    without_year: int = 0
    """With --year: results (unit, group, index) that have no row of that year, so none in use."""
    retired: int = 0
    """Stored results no longer current because the area mapping now sends their area elsewhere."""
    references: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    bad: list[Problem] = field(default_factory=list)
    mapping: str = ""

    def skip(self, reason: str, line: int, detail: str) -> None:
        self.skipped.setdefault(reason, []).append(Problem(line, detail))


def read_table(path: Path, *, sheet: str | None = None) -> list[list[Any]]:
    """The file's cells row by row (server.core.tables); MalformedFile if unreadable."""
    try:
        return tables.read_table(path, sheet=sheet)
    except TableError as exc:
        raise MalformedFile([Problem(0, str(exc))]) from exc


def _complete(found: Mapping[str, int]) -> bool:
    has_school = "unit_code" in found or "unit_name" in found
    has_index = "index" in found or "index_100" in found
    return has_school and has_index and all(n in found for n in ("group", "area", "respondents"))


def find_header(
    table: list[list[Any]], columns: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int]]:
    """(row number of the header, field -> column position); MalformedFile if none fits."""
    try:
        header = tables.find_header(
            table, HEADER_ALIASES, key="unit_code", columns=columns, complete=_complete
        )
    except HeaderNotFound:
        wanted = ", ".join(
            f"{n} ({HEADER_ALIASES[n][0]})" for n in ("unit_code", "group", "area", "index")
        )
        raise MalformedFile(
            [
                Problem(
                    1,
                    f"no header row found in the first {tables.HEADER_SCAN} rows; need a school "
                    f"code or name, {wanted} and respondents (antal svar), or name them with "
                    "--column",
                )
            ]
        ) from None
    except TableError as exc:
        raise MalformedFile([Problem(0, str(exc))]) from exc
    return header.row, header.columns


def _group(text: str) -> str | None:
    value = area_key(text)
    if any(w in value for w in ("lärare", "personal", "pedagog", "teacher", "staff", "rektor")):
        return "teachers"
    if any(w in value for w in ("vårdnad", "förälder", "föräldrar", "parent", "guardian")):
        return "parents"
    if any(w in value for w in ("elev", "pupil", "student", "barn")):
        return "pupils"
    return None


def _number(cell: Any) -> float | None | str:
    """A float, None for a suppression marker, or the text when it is neither."""
    if cell is None:
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell) if math.isfinite(cell) else str(cell)
    text = str(cell).strip()
    if area_key(text) in SUPPRESSED or text in SUPPRESSED:
        return None
    try:
        value = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _text(cell: Any) -> str:
    return "" if cell is None else re.sub(r"\s+", " ", str(cell)).strip()


_YEARS = re.compile(r"(?<!\d)(\d{4})(?:\s*[/\-–]\s*(\d{2}|\d{4}))?(?!\d)")


def _round(text: str) -> str | None:
    value = area_key(text)
    if not value:
        return ""
    if value.startswith(("vt", "vår", "spring")):
        return "vt"
    if value.startswith(("ht", "höst", "autumn", "fall")):
        return "ht"
    return None


def _year(cell: Any, round_: str) -> int | None:
    """The calendar year a row's survey was made: "2025" is 2025; a school year "2024/25"
    is 2024 in an autumn round and 2025 otherwise (Skolenkäten runs in the spring)."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return int(cell) if cell == int(cell) and 1990 <= cell <= 2200 else None
    match = _YEARS.search(_text(cell))
    if match is None:
        return None
    start = int(match.group(1))
    school_year = match.group(2) is not None
    year = start + 1 if school_year and round_ != "ht" else start
    return year if 1990 <= year <= 2200 else None


def _grade(text: str) -> str:
    """A grade level as a short label: "åk 8–9" -> "8-9", "Årskurs 5" -> "5"."""
    value = re.sub(r"(?i)\b(årskurs|åk|grade|skolår)\b\.?", " ", text)
    value = re.sub(r"\s*[–—-]\s*", "-", value)
    return re.sub(r"\s+", " ", value).strip(" ,;")


def _grade_in_group(text: str) -> str:
    match = re.search(r"(?i)\b(?:åk|årskurs|grade)\s*([0-9Ff][0-9\s,–—\-]*)", text)
    return _grade(match.group(1)) if match else ""


def _reference_level(name: str, municipality: str) -> str | None:
    key = area_key(name)
    if not key:
        return None
    if key.startswith(("riket", "hela riket", "sverige", "nation", "country", "sweden")):
        return "national"
    if "region" in key or key.endswith(" län") or key == "län":
        return "region"
    town = area_key(municipality)
    if (
        "kommun" in key
        or "municipality" in key
        or re.search(r"\bstad\b", key)
        or key in {"totalt", "total", "samtliga", "samtliga skolor", "alla skolor", "alla"}
        or (town and (key == town or key.startswith(town + " ")))
    ):
        return "municipality"
    return None


@dataclass
class _Parsed:
    rows: list[Row] = field(default_factory=list)
    references: list[tuple[Reference, Row]] = field(default_factory=list)


def parse_rows(
    table: list[list[Any]],
    report: ImportReport,
    *,
    mapping: AreaMapping,
    columns: Mapping[str, str] | None = None,
    default_year: int,
    unit_codes: Iterable[str] = (),
    unit_names: Iterable[str] = (),
    municipality: str = "",
) -> _Parsed:
    """The usable rows of `table`; the rest go into `report` (skipped per reason, or bad
    with line, column and reason). A row whose code or (without a code) lower-case name is
    among `unit_codes` / `unit_names` is a unit's, never an aggregate."""
    header_at, where = find_header(table, columns)
    header = table[header_at]
    parsed = _Parsed()
    codes, names = set(unit_codes), set(unit_names)

    def cell(row: list[Any], name: str) -> Any:
        position = where.get(name)
        return row[position] if position is not None and position < len(row) else None

    def column(name: str) -> str:
        position = where.get(name)
        return _text(header[position]) if position is not None else name

    scale_100_sd = False
    if "sd" in where:  # a spread above 6 cannot be on 0-10: the column is on 0-100
        values = [_number(r[where["sd"]]) for r in table[header_at + 1 :] if len(r) > where["sd"]]
        scale_100_sd = any(isinstance(v, float) and v > 6 for v in values)

    for line, row in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(area_key(c) for c in row):
            continue
        report.rows_read += 1

        def bad(name: str, reason: str, *, line: int = line) -> None:
            report.bad.append(Problem(line, reason, column(name)))

        code = _text(cell(row, "unit_code"))
        if code.endswith(".0") and code[:-2].isdigit():  # Excel made the code a number
            code = code[:-2]
        name = _text(cell(row, "unit_name"))
        group_text = _text(cell(row, "group"))
        group = _group(group_text)
        if group is None:
            bad("group", f"{group_text!r} is neither pupils (elever), guardians "
                "(vårdnadshavare) nor teachers (lärare)")  # fmt: skip
            continue
        if group == "teachers":
            report.skip("teachers", line, group_text)
            continue
        round_ = _round(_text(cell(row, "round")))
        if round_ is None:
            bad("round", f"{_text(cell(row, 'round'))!r} is no survey round (vt or ht)")
            continue
        year_cell = cell(row, "year")
        if not round_ and "year" in where:  # "VT 2025" in the year column
            round_ = _round(re.sub(r"[\d/\-–\s]+", "", _text(year_cell))) or ""
        if "year" in where:
            year = _year(year_cell, round_)
            if year is None:
                bad("year", f"{_text(year_cell)!r} is no year (e.g. 2025 or 2024/25)")
                continue
        else:
            year = default_year
        area_text = _text(cell(row, "area"))
        target = mapping.target(area_text)
        if target is None:
            report.skip("unknown_area", line, area_text or "(empty)")
            continue
        mean = _number(cell(row, "index"))
        if isinstance(mean, str):
            bad("index", f"{mean!r} is not a number")
            continue
        if mean is not None and not 0 <= mean <= 10:
            bad("index", f"{mean:g} is outside 0-10 (a 0-100 value? name its column with "
                "--column index_100=HEADER)")  # fmt: skip
            continue
        if mean is None and "index_100" in where:
            hundred = _number(cell(row, "index_100"))
            if isinstance(hundred, str):
                bad("index_100", f"{hundred!r} is not a number")
                continue
            if hundred is not None and not 0 <= hundred <= 100:
                bad("index_100", f"{hundred:g} is outside 0-100")
                continue
            mean = None if hundred is None else hundred / 10
        count = _number(cell(row, "respondents"))
        if isinstance(count, str) or (
            count is not None and (count < 0 or count != int(count) or count > 10_000_000)
        ):
            bad("respondents", f"{_text(cell(row, 'respondents'))!r} is not a whole number >= 0")
            continue
        sd = _number(cell(row, "sd"))
        if isinstance(sd, str) or (sd is not None and sd < 0):
            bad("sd", f"{_text(cell(row, 'sd'))!r} is not a spread (a number >= 0)")
            continue
        if sd is not None and scale_100_sd:
            sd = sd / 10
        if sd is not None and sd > 6:
            bad("sd", f"{sd:g} is larger than any spread on 0-10")
            continue
        grade = _grade(_text(cell(row, "grade"))) or _grade_in_group(group_text)
        parsed_row = Row(
            line=line,
            unit_code=code,
            unit_name=name,
            year=year,
            round=round_,
            grade=grade,
            group=group,
            area=area_text,
            target=target,
            mean=mean,
            respondents=None if count is None else int(count),
            sd=sd,
            publisher=_text(cell(row, "publisher"))[:200],
        )
        level = None
        known = code in codes or name.lower() in names
        # An aggregate has no unit code, or another kind of code (a 4-digit municipality
        # code, "Riket"); a school unit code is 8 digits.
        if not known and not (code.isdigit() and len(code) >= 8):
            level = _reference_level(name, municipality) or _reference_level(code, municipality)
        if level is not None:
            parsed.references.append((Reference(level, (name or code)[:200]), parsed_row))
        elif not code and not name:
            bad("unit_code", "no school code or name")
        else:
            parsed.rows.append(parsed_row)
    return parsed


@dataclass
class Pooled:
    """One stored result: the rows of one unit (or reference), group, index, year and
    round, pooled over grade levels."""

    lines: list[int]
    year: int
    round: str
    group: str
    target: Target
    area: str
    grades: str
    mean: float | None
    respondents: int | None
    sd: float | None
    publisher: str


def pool(rows: list[Row], report: ImportReport) -> Pooled:
    """Grade levels pooled, weighted by answers: mean = sum(n m) / sum(n); the spread is the
    pooled one (within and between the levels) when every level reports one. A level the
    source suppressed is left out of the pool; when every level is, so is the value."""
    first = rows[0]
    shown = [r for r in rows if r.mean is not None and r.respondents]
    grades = sorted({r.grade for r in (shown or rows) if r.grade}, key=_grade_order)
    areas = sorted({r.area for r in rows})
    publishers = sorted({r.publisher for r in rows if r.publisher})
    common = {
        "lines": [r.line for r in rows],
        "year": first.year,
        "round": first.round,
        "group": first.group,
        "target": first.target,
        "area": ", ".join(areas)[:300],
        "grades": ", ".join(grades)[:60],
        "publisher": ", ".join(publishers)[:200],
    }
    if not shown:
        known = [r.respondents for r in rows if r.respondents is not None]
        return Pooled(**common, mean=None, respondents=sum(known) if known else None, sd=None)
    n = sum(r.respondents or 0 for r in shown)
    mean = sum((r.respondents or 0) * (r.mean or 0.0) for r in shown) / n
    sd: float | None = None
    if all(r.sd is not None for r in shown) and n > 1:
        within = sum(((r.respondents or 0) - 1) * (r.sd or 0.0) ** 2 for r in shown)
        between = sum((r.respondents or 0) * ((r.mean or 0.0) - mean) ** 2 for r in shown)
        sd = math.sqrt((within + between) / (n - 1))
    if len(rows) > 1:
        report.pooled += 1
        report.pooled_rows += len(rows)
    return Pooled(**common, mean=round(mean, 4), respondents=n, sd=sd)


def _grade_order(label: str) -> tuple[int, str]:
    digits = re.match(r"\d+", label)
    return (int(digits.group()) if digits else -1, label)


def _group_by_key(
    items: Iterable[tuple[Any, Row]], report: ImportReport
) -> dict[tuple[Any, ...], list[Row]]:
    """Rows per (owner, group, index, year, round); a repeated grade level of one area is
    a bad row, and so is a second area mapped to an index a row already gave that level."""
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    seen: dict[tuple[Any, ...], Row] = {}
    for owner, row in items:
        key = (owner, row.group, row.target.index, row.year, row.round)
        level = (*key, row.grade)
        earlier = seen.get(level)
        if earlier is not None:
            same = area_key(earlier.area) == area_key(row.area)
            reason = (
                f"repeats line {earlier.line} (same school, year, round, grade, group and area)"
                if same
                else f"area {row.area!r} gives index {row.target.index!r} like line "
                f"{earlier.line}'s {earlier.area!r}; the mapping should send one area there"
            )
            report.bad.append(Problem(row.line, reason))
            continue
        seen[level] = row
        groups[key].append(row)
    return groups


def survey_results_import(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    year: int | None = None,
    mapping_path: Path | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportReport:
    """Read a results file as published, store what it holds, and report every row's fate.

    MalformedFile only when nothing can be imported (no header; `year` not in the file; an
    unusable mapping file). See the module docstring and README for each kind of row.
    """
    try:
        mapping = load_area_mapping(mapping_path or settings.SURVEY_AREA_MAPPING)
    except AreaMappingError as exc:
        raise MalformedFile([Problem(0, str(exc))]) from exc
    report = ImportReport(mapping=str(mapping.path))
    by_code = dict(SchoolUnit.objects.values_list("code", "id"))
    by_name: dict[str, int | None] = {}
    for unit_id, name in SchoolUnit.objects.values_list("id", "name"):
        # Two units of one name cannot be told apart by name: such rows need a code.
        key = name.strip().lower()
        by_name[key] = None if key in by_name else unit_id
    default_year = year or (today or date.today()).year
    parsed = parse_rows(
        read_table(path, sheet=sheet),
        report,
        mapping=mapping,
        columns=columns,
        default_year=default_year,
        unit_codes=by_code,
        unit_names=by_name,
        municipality=current_municipality().name,
    )
    units: list[tuple[int, Row]] = []
    for row in parsed.rows:
        unit_id = by_code.get(row.unit_code) if row.unit_code else None
        if unit_id is None and row.unit_name:
            unit_id = by_name.get(row.unit_name.lower())
        if unit_id is None:
            report.skip("unknown_unit", row.line, f"code {row.unit_code!r}, name {row.unit_name!r}")
        else:
            units.append((unit_id, row))
    # Only rows that will be stored say which years the file holds.
    report.years = sorted({r.year for _, r in units} | {r.year for _, r in parsed.references})
    if year is not None and report.years and year not in report.years:
        raise MalformedFile(
            [Problem(0, f"no rows of year {year}; the file has {years_text(report.years)}")]
        )
    report.year = year if year is not None else (max(report.years) if report.years else None)
    report.year_chosen = year is not None
    unit_results = {k: pool(v, report) for k, v in _group_by_key(units, report).items()}
    references = {
        k: pool(v, report)
        for k, v in _group_by_key(
            (((ref.level, ref.name), row) for ref, row in parsed.references), report
        ).items()
    }
    report.imported = len(unit_results)
    report.context = sum(1 for p in unit_results.values() if p.target.context)
    for (level, _), *_ in references:
        report.references[level] = report.references.get(level, 0) + 1
    stored = [r for _, r in units] + [r for _, r in parsed.references]
    report.suppressed = sorted(r.line for r in stored if r.mean is None)
    report.bad.sort(key=lambda p: p.line)
    if not dry_run:
        with transaction.atomic():
            _store(ImportedResult, unit_results, path.name, owner=lambda o: {"unit_id": o})
            _store(
                ImportedReference,
                references,
                path.name,
                owner=lambda o: {"level": o[0], "name": o[1]},
            )
            _mark_current(ImportedResult, unit_results, report, owner=("unit_id",))
            _mark_current(ImportedReference, references, report, owner=("level", "name"))
            report.retired = _retire_unmapped(ImportedResult, mapping) + _retire_unmapped(
                ImportedReference, mapping
            )
            bump()  # results changed by UPDATE, which sends no signal
    _count_current(report, unit_results, threshold())
    return report


def years_text(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "no years"


def _store(model: Any, results: Mapping[tuple[Any, ...], Pooled], source: str, owner: Any) -> None:
    for (who, group, index, year, round_), pooled in results.items():
        model.objects.update_or_create(
            **owner(who),
            respondent_group=group,
            index=index,
            year=year,
            round=round_,
            defaults={
                "context": pooled.target.context,
                "area": pooled.area,
                "grades": pooled.grades,
                "mean": pooled.mean,
                "respondents": pooled.respondents,
                "sd": None if pooled.sd is None else round(pooled.sd, 4),
                "publisher": pooled.publisher,
                "source": source[:200],
            },
        )


def _mark_current(
    model: Any,
    results: Mapping[tuple[Any, ...], Pooled],
    report: ImportReport,
    owner: tuple[str, ...],
) -> None:
    """For each (owner, group, index) the file holds: the row of the year in use (its
    latest round) is current, every other year is history. The year in use is the chosen
    one, else that result's own newest year, in the file or already stored (a school the
    newest round did not survey keeps its latest result; importing last year's regional
    file must not push this year's Skolenkäten aside).

    `owner` names the model's owner fields (one: the owner is the value; several: a
    tuple). One read of the stored rows and two updates, whatever the file's size."""
    keys = {(who, group, index) for who, group, index, _, _ in results}
    if not keys:
        return
    last = [who[-1] if len(owner) > 1 else who for who, _, _ in keys]
    stored = model.objects.filter(
        **{f"{owner[-1]}__in": set(last)},
        respondent_group__in={group for _, group, _ in keys},
        index__in={index for _, _, index in keys},
    ).values_list("id", *owner, "respondent_group", "index", "year", "round", "current")
    periods: dict[tuple[Any, ...], list[tuple[int, int, str, bool]]] = defaultdict(list)
    for pk, *values in stored:
        who = tuple(values[: len(owner)]) if len(owner) > 1 else values[0]
        group, index, year, round_, current = values[len(owner) :]
        if (who, group, index) in keys:
            periods[(who, group, index)].append((pk, year, round_, current))
    to_set, to_clear = [], []
    for rows in periods.values():
        in_use = report.year if report.year_chosen else max(year for _, year, _, _ in rows)
        candidates = [(_ROUND_ORDER.get(r, 0), pk) for pk, year, r, _ in rows if year == in_use]
        chosen = max(candidates)[1] if candidates else None
        to_set += [pk for pk, _, _, current in rows if pk == chosen and not current]
        to_clear += [pk for pk, _, _, current in rows if pk != chosen and current]
    model.objects.filter(pk__in=to_clear).update(current=False)
    model.objects.filter(pk__in=to_set).update(current=True)


def _retire_unmapped(model: Any, mapping: AreaMapping) -> int:
    """Current rows whose published area the mapping now sends elsewhere (or skips) stop
    being current, so an edited mapping never leaves a result counted under its old index.
    Rows without a recorded area (imported before areas were kept) are left as they are."""
    stale = []
    for pk, area, index, context in (
        model.objects.filter(current=True)
        .exclude(area="")
        .values_list("id", "area", "index", "context")
    ):
        targets = {mapping.target(name) for name in area.split(", ")}
        if not any(t is not None and (t.index, t.context) == (index, context) for t in targets):
            stale.append(pk)
    model.objects.filter(pk__in=stale).update(current=False)
    return len(stale)


def _count_current(
    report: ImportReport, results: Mapping[tuple[Any, ...], Pooled], limit: int
) -> None:
    """Results in use after this import: per unit, group and index, the chosen year, else
    its newest in the file; with --year, also how many have no result of that year."""
    newest: dict[tuple[Any, ...], int] = {}
    for who, group, index, year, _ in results:
        key = (who, group, index)
        newest[key] = max(year, newest.get(key, year))
    in_use = [
        p
        for (who, group, index, y, _), p in results.items()
        if y == (report.year if report.year_chosen else newest[(who, group, index)])
    ]
    report.current = len(in_use)
    if report.year_chosen:
        have = {(who, group, index) for who, group, index, y, _ in results if y == report.year}
        report.without_year = len(set(newest) - have)
    report.under_threshold = sum(
        1 for p in in_use if p.mean is not None and (p.respondents or 0) < limit
    )
