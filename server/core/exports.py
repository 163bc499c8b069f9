"""Tables as files, for every export (ranking, plan, survey results): CSV that Swedish
Excel opens, and XLSX with the assumptions on a sheet of their own."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CsvDialect = Literal["excel-sv", "comma"]


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
    first.title = "Antaganden"
    first.append(["Antagande", "Värde"])
    first.append(["Kommun", municipality])
    for key, value in assumptions.items():
        first.append([str(key), value if isinstance(value, int | float) else str(value)])
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
    if value is None or (isinstance(value, float) and pd.isna(value)):
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
