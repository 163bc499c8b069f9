from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.utils import translation
from openpyxl import load_workbook

from server.core.exports import Column, assumption_value, export_frame, to_csv, to_xlsx, yes_no

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


COLUMNS = (
    Column("school", "skola"),
    Column("cost", "kostnad (kr)", "kronor"),
    Column("share", "andel (%)", "percent"),
    Column("score", "poäng", "decimal"),
    Column("act_now", "åtgärda nu", "yes_no"),
    Column("element", "byggdel", convert=str.upper),
)


def test_it_rounds_kronor_shares_and_decimals_and_words_yes_no() -> None:
    frame = export_frame(
        [
            {
                "school": "Ånäs",
                "cost": 1234.5,
                "share": 0.12345,
                "score": 7.25,
                "act_now": True,
                "element": "roof",
            },
            {
                "school": "Berg",
                "cost": None,
                "share": float("nan"),
                "score": None,
                "act_now": False,
            },
        ],
        COLUMNS,
    )

    rows = list(csv.reader(io.StringIO(to_csv(frame).decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["skola", "kostnad (kr)", "andel (%)", "poäng", "åtgärda nu", "byggdel"],
        ["Ånäs", "1235", "12,3", "7,3", "ja", "ROOF"],  # half up, as the pages round
        ["Berg", "", "", "", "nej", ""],
    ]


def test_it_writes_just_the_headers_for_no_records() -> None:
    frame = export_frame([], COLUMNS)

    assert list(frame.columns) == [str(c.header) for c in COLUMNS] and frame.empty


def test_it_says_yes_and_no_in_the_active_language() -> None:
    with translation.override("en"):
        assert (yes_no(True), yes_no(False), yes_no(None)) == ("yes", "no", "")
    assert (yes_no(1), yes_no(0)) == ("ja", "nej")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "ja"),
        (2.0, 2),
        (0.25, 0.25),
        ({"skick": 0.5, "likvärdighet": 0.25}, "skick: 0.5, likvärdighet: 0.25"),
        ([2024, 2025], "2024, 2025"),
        ([], "–"),
        (None, "–"),
    ],
)
def test_it_states_an_assumption_on_one_readable_line(value: object, shown: object) -> None:
    assert assumption_value(value) == shown
