"""Import of official survey results (Skolenkäten, regional surveys) from CSV or XLSX.

Long format: one row per school, respondent group and area, with the index 0-10 and the
number of answers. Headers are found among the first rows from common Swedish and
English names, or named explicitly (`columns`). Rows map to school units by code, else
by name. A malformed file is refused whole, every problem with its line; rows that are
fine but name no known school, or an area that is not one of our indices, are reported
and left out. The rows feed the experience pillar through `ImportedResult`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from server.campaigns.models import ImportedResult
from server.schools.models import SchoolUnit
from surveys.questionnaire import INDEX_CODES, load_common

FIELDS = ("unit_code", "unit_name", "group", "area", "index", "respondents")
REQUIRED = ("group", "area", "index")
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "unit_code": ("skolenhetskod", "skolenhet kod", "skolkod", "enhetskod", "school code",
                  "school unit code", "unit code", "code", "kod"),
    "unit_name": ("skolnamn", "skolenhet", "skola", "skolenhetsnamn", "school name", "school",
                  "unit name", "school unit", "namn", "name"),
    "group": ("respondentgrupp", "svarsgrupp", "grupp", "respondent group", "group",
              "respondents group", "målgrupp", "target group"),
    "area": ("frågeområde", "område", "indexområde", "area", "question area", "topic",
             "domain", "dimension"),
    "index": ("index", "indexvärde", "värde", "medelvärde", "index value", "value", "score",
              "mean"),
    "respondents": ("antal svar", "antal svarande", "svarande", "svar", "number of answers",
                    "answers", "respondents", "number of respondents", "n"),
}  # fmt: skip
AREA_ALIASES: Mapping[str, tuple[str, ...]] = {
    "indoor_climate": ("inomhusklimat", "inomhusmiljö", "innemiljö", "indoor climate",
                       "indoor environment", "luft", "ljudmiljö"),
    "toilets": ("toaletter", "toalett", "toilets", "toilet"),
    "cleanliness": ("renlighet", "städning", "städ", "cleanliness", "cleaning"),
    "schoolyard": ("skolgård", "skolgården", "utemiljö", "schoolyard", "school yard",
                   "outdoor environment"),
    "safety": ("trygghet", "säkerhet", "trygghet och säkerhet", "safety", "security"),
    "learning_premises": ("lokaler", "lokaler för lärande", "lärmiljö", "lärmiljöer",
                          "spaces for learning", "learning premises", "premises",
                          "learning environment"),
}  # fmt: skip
SUPPRESSED = {"", "*", "**", "-", "–", "—", "..", ".", "x", "för få svar", "too few",
              "too few answers", "n/a", "na", "s", "<5"}  # fmt: skip
_HEADER_SCAN = 15


def _norm(text: Any) -> str:
    value = "" if text is None else str(text)
    value = re.sub(r"[_\-/:()]+", " ", value.strip().lower())
    return re.sub(r"\s+", " ", value).strip()


@dataclass
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class MalformedFile(ValueError):
    """The file cannot be imported; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Row:
    line: int
    unit_code: str
    unit_name: str
    group: str
    index: str
    mean: float | None
    respondents: int | None


@dataclass
class ImportReport:
    imported: int = 0
    unmatched: list[Row] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def read_table(path: Path, *, sheet: str | None = None) -> list[list[Any]]:
    """The file's cells, row by row: XLSX by openpyxl, anything else as CSV (`;`, `,` or
    tab, UTF-8 with or without BOM, else Windows-1252 as older Excel writes)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise MalformedFile([Problem(0, f"not a readable Excel file ({exc})")]) from exc
        if sheet is not None and sheet not in book.sheetnames:
            raise MalformedFile([Problem(0, f"no sheet {sheet!r} (sheets: {book.sheetnames})")])
        ws = book[sheet] if sheet else book.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text.count(";") > text.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def find_header(
    table: list[list[Any]], columns: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int]]:
    """(row number of the header, field -> column position); MalformedFile if none fits."""
    explicit = {k: _norm(v) for k, v in (columns or {}).items()}
    unknown = sorted(set(explicit) - set(FIELDS))
    if unknown:
        raise MalformedFile(
            [Problem(0, f"unknown column option(s) {unknown}; known: {', '.join(FIELDS)}")]
        )
    for number, row in enumerate(table[:_HEADER_SCAN]):
        cells = [_norm(c) for c in row]
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
        has_school = "unit_code" in found or "unit_name" in found
        if has_school and all(name in found for name in REQUIRED):
            return number, found
    wanted = ", ".join(f"{n} ({HEADER_ALIASES[n][0]})" for n in ("unit_code", *REQUIRED))
    raise MalformedFile(
        [
            Problem(
                1,
                f"no header row found in the first {_HEADER_SCAN} rows; need a school "
                f"code or name and {wanted}, or name them with --column",
            )
        ]
    )


def _area(text: str) -> str | None:
    value = _norm(text)
    if value in INDEX_CODES:
        return value
    names = {
        code: {_norm(n) for n in index.name.values()}
        for code, index in load_common().indices.items()
    }
    for code in INDEX_CODES:
        if value in AREA_ALIASES.get(code, ()) or value in names.get(code, set()):
            return code
    return None


def _group(text: str) -> str | None:
    value = _norm(text)
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
    if _norm(text) in SUPPRESSED:
        return None
    try:
        return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return text


def parse_rows(
    table: list[list[Any]], columns: Mapping[str, str] | None = None
) -> tuple[list[Row], list[Problem]]:
    """Rows with a known area, and the rows skipped for an area that is not ours.

    MalformedFile lists every row that is broken: no group, an index that is not a number
    in 0-10, an answer count that is not a whole number >= 0, or a repeated row.
    """
    header_at, where = find_header(table, columns)
    rows: list[Row] = []
    skipped: list[Problem] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str, str], int] = {}

    def cell(row: list[Any], name: str) -> Any:
        position = where.get(name)
        return row[position] if position is not None and position < len(row) else None

    for offset, row in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(_norm(c) for c in row):
            continue
        code = "" if cell(row, "unit_code") is None else str(cell(row, "unit_code")).strip()
        if code.endswith(".0") and code[:-2].isdigit():  # Excel made the code a number
            code = code[:-2]
        name = "" if cell(row, "unit_name") is None else str(cell(row, "unit_name")).strip()
        if not code and not name:
            problems.append(Problem(offset, "no school code or name"))
            continue
        group = _group(str(cell(row, "group") or ""))
        if group is None:
            problems.append(
                Problem(
                    offset,
                    f"respondent group {cell(row, 'group')!r} is neither pupils "
                    "(elever) nor parents (vårdnadshavare)",
                )  # fmt: skip
            )
            continue
        area = _area(str(cell(row, "area") or ""))
        if area is None:
            skipped.append(Problem(offset, f"area {cell(row, 'area')!r} is not a school-"
                                   "environment index; left out"))  # fmt: skip
            continue
        mean = _number(cell(row, "index"))
        if isinstance(mean, str):
            problems.append(Problem(offset, f"index {mean!r} is not a number"))
            continue
        if mean is not None and not 0 <= mean <= 10:
            problems.append(Problem(offset, f"index {mean:g} is outside 0-10"))
            continue
        count = _number(cell(row, "respondents"))
        if isinstance(count, str) or (count is not None and (count < 0 or count != int(count))):
            problems.append(
                Problem(
                    offset,
                    f"number of answers {cell(row, 'respondents')!r} is not a whole number >= 0",
                )  # fmt: skip
            )
            continue
        key = (code, name.lower(), group, area)
        if key in seen:
            problems.append(
                Problem(offset, f"repeats line {seen[key]} (same school, group and area)")
            )
            continue
        seen[key] = offset
        rows.append(
            Row(
                line=offset,
                unit_code=code,
                unit_name=name,
                group=group,
                index=area,
                mean=mean,
                respondents=None if count is None else int(count),
            )
        )
    if problems:
        raise MalformedFile(problems)
    return rows, skipped


def survey_results_import(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read, check and store a results file; nothing is stored if any row is malformed."""
    rows, skipped = parse_rows(read_table(path, sheet=sheet), columns)
    by_code = dict(SchoolUnit.objects.values_list("code", "id"))
    by_name: dict[str, int | None] = {}
    for unit_id, name in SchoolUnit.objects.values_list("id", "name"):
        # Two units of one name cannot be told apart by name: such rows need a code.
        by_name[name.strip().lower()] = None if name.strip().lower() in by_name else unit_id
    report = ImportReport(skipped=skipped)
    matched: list[tuple[int, Row]] = []
    for row in rows:
        unit_id = by_code.get(row.unit_code) if row.unit_code else None
        if unit_id is None and row.unit_name:
            unit_id = by_name.get(row.unit_name.lower())
        if unit_id is None:
            report.unmatched.append(row)
        else:
            matched.append((unit_id, row))
    if dry_run:
        report.imported = len(matched)
        return report
    with transaction.atomic():
        for unit_id, row in matched:
            ImportedResult.objects.update_or_create(
                unit_id=unit_id,
                respondent_group=row.group,
                index=row.index,
                defaults={"mean": row.mean, "respondents": row.respondents, "source": path.name},
            )
    report.imported = len(matched)
    return report
