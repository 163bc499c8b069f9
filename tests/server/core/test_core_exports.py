from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from server.core.exports import to_csv, to_xlsx

FRAME = pd.DataFrame(
    {"skola": ["Bergsjöskolan", "Ånäs skola"], "prioritet": [71.25, 40.5], "act_now": [True, False]}
)


def test_it_writes_csv_for_swedish_excel_with_bom_semicolons_and_decimal_commas() -> None:
    data = to_csv(FRAME)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["skola", "prioritet", "act_now"],
        ["Bergsjöskolan", "71,25", "True"],
        ["Ånäs skola", "40,5", "False"],
    ]


def test_it_writes_plain_comma_csv() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(FRAME, dialect="comma").decode("utf-8"))))

    assert rows[1] == ["Bergsjöskolan", "71.25", "True"]


def test_it_writes_a_workbook_with_assumptions_first() -> None:
    data = to_xlsx(
        {"Rangordning": FRAME},
        {"Prisår": 2026, "Syntetiska data": "ja"},
        municipality="Lerums kommun",
    )

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Antaganden", "Rangordning"]
    assumptions = {r[0]: r[1] for r in book["Antaganden"].iter_rows(min_row=2, values_only=True)}
    assert assumptions == {"Kommun": "Lerums kommun", "Prisår": 2026, "Syntetiska data": "ja"}
    values = list(book["Rangordning"].iter_rows(values_only=True))
    assert values == [
        ("skola", "prioritet", "act_now"),
        ("Bergsjöskolan", 71.25, True),
        ("Ånäs skola", 40.5, False),
    ]
