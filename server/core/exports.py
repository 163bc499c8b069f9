"""Tables as files, for every export (ranking, plan, survey results): CSV that Swedish
Excel opens, and XLSX with the assumptions on a sheet of their own.

Every export builds its table from `Column`s, so headers follow the request's language
(LocaleMiddleware: the language cookie, else Accept-Language, else Swedish), kronor are
whole, shares are percent with one decimal and yes/no are words, the same in each file."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import pandas as pd
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CsvDialect = Literal["excel-sv", "comma"]
Kind = Literal["text", "kronor", "whole", "decimal", "percent", "yes_no"]
"""`kronor` and `whole`: whole numbers; `decimal`: one decimal; `percent`: a share 0..1
shown as percent with one decimal; `yes_no`: "ja"/"nej" in the active language."""

_DTYPES: dict[Kind, str] = {
    "text": "object",
    "kronor": "Int64",
    "whole": "Int64",
    "decimal": "float64",
    "percent": "float64",
    "yes_no": "object",
}


@dataclass(frozen=True)
class Column:
    """One column of an export: the record's key, its header (a lazy translation), how
    the value is shown, and optionally a function that turns a code into its name."""

    key: str
    header: str | Promise
    kind: Kind = "text"
    convert: Callable[[object], object] | None = None


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def yes_no(value: object) -> str:
    """ "ja"/"nej" (yes/no in English); blank when unknown."""
    if _missing(value):
        return ""
    return _("ja") if bool(value) else _("nej")


def shown(value: object, kind: Kind) -> object:
    """A value as an export shows it (see `Kind`); None when missing."""
    if kind == "yes_no":
        return yes_no(value)
    if _missing(value):
        return None
    if kind == "text":
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if kind in ("kronor", "whole"):
        return int(_half_up(number, "1"))
    return float(_half_up(100 * number if kind == "percent" else number, "0.1"))


def _half_up(number: float, step: str) -> Decimal:
    # Half up, as the pages' floatformat rounds: a file and its page show the same figure.
    return Decimal(repr(number)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def export_frame(
    records: Iterable[Mapping[str, object]], columns: Sequence[Column]
) -> pd.DataFrame:
    """The records as a table of the columns, headers in the active language; just the
    headers when there are no records."""
    rows = list(records)
    data = {}
    for column in columns:
        values = []
        for record in rows:
            value = record.get(column.key)
            if column.convert is not None and not _missing(value):
                value = column.convert(value)
            values.append(shown(value, column.kind))
        data[str(column.header)] = pd.Series(values, dtype=_DTYPES[column.kind])
    return pd.DataFrame(data, columns=[str(c.header) for c in columns])


def assumption_value(value: object) -> object:
    """A value for the assumptions sheet: numbers stay numbers, yes/no become words,
    lists and mappings one readable line."""
    if isinstance(value, bool):
        return yes_no(value)
    if _missing(value):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {assumption_value(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(assumption_value(v)) for v in value) or "–"
    return str(value)


def to_csv(frame: pd.DataFrame, *, dialect: CsvDialect = "excel-sv") -> bytes:
    """`excel-sv`: UTF-8 with BOM, `;` between fields and decimal comma, as Swedish Excel
    expects when a file is double-clicked; `comma`: plain UTF-8 CSV for other tools."""
    if dialect == "excel-sv":
        text = frame.to_csv(sep=";", decimal=",", index=False)
        return ("\ufeff" + text).encode("utf-8")
    return frame.to_csv(index=False).encode("utf-8")


def to_xlsx(
    sheets: Mapping[str, pd.DataFrame], assumptions: Mapping[str, object], *, municipality: str
) -> bytes:
    """A workbook with one sheet per frame, and first a sheet "Antaganden" naming the
    municipality (`current_municipality().name`) and stating the assumptions, the data
    date and which data are synthetic."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = _("Antaganden")
    first.append([_("Antagande"), _("Värde")])
    first.append([_("Kommun"), municipality])
    for key, value in assumptions.items():
        first.append([str(key), assumption_value(value)])
    _fit(first)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        _fit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    if _missing(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[no-any-return]
    return str(value)


def _fit(sheet: object) -> None:
    for n, column in enumerate(sheet.columns, start=1):  # type: ignore[attr-defined]
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(n)].width = min(60, max(8, width + 2))  # type: ignore[attr-defined]
