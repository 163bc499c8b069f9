"""The pages' small helpers: Swedish plan reasons, inline SVG charts, compiled translations."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

import polib
import pytest

from server.core.locale import compile_messages
from server.pages.charts import grouped_bars, line_chart
from server.pages.reasons import reason_sv


@pytest.mark.parametrize(
    ("english", "swedish"),
    [
        ("urgency 1: safety", "brådska 1: säkerhet"),
        (
            "urgency 1: safety, carried over since 2027 (budget ran out)",
            "brådska 1: säkerhet, flyttad från 2027 (budgeten räckte inte)",
        ),
        (
            "best benefit per krona within the 2028 budget (proved optimal set): "
            "1,234 benefit points per 1,000 SEK",
            "bästa nytta per krona inom budgeten för 2028 (bevisat optimalt urval): "
            "1,234 nyttopoäng per 1 000 kr",
        ),
        (
            "next best benefit per krona that still fits the 2029 budget: 0.5 benefit points "
            "per 1,000 SEK; expected cost allows a 23% chance it has worsened to D",
            "näst bästa nytta per krona som ryms i budgeten för 2029: 0.5 nyttopoäng per 1 000 kr;"
            " förväntad kostnad räknar med 23 % risk att skicket har blivit D",
        ),
        ("costs nothing at its expected grade", "kostar inget vid förväntat skick"),
    ],
)
def test_it_says_the_plan_reasons_in_swedish(english: str, swedish: str) -> None:
    assert reason_sv(english) == swedish


def test_it_draws_one_point_per_inspection_and_escapes_labels() -> None:
    svg = line_chart(
        [("2024-05-01", 80.0), ("<b>", 20.0), ("2026-05-01", 140.0)], title="T", y_label="Y"
    )

    assert svg.count('class="pt"') == 3
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_it_draws_one_bar_per_group_and_series() -> None:
    svg = grouped_bars(
        ["Q1", "Q2", "Q3", "Q4"],
        [("a", "#000", [0.1, 0.2, 0.3, 0.4]), ("b", "#fff", [0.4, 0.3, 0.2, 0.1])],
        title="T",
        y_label="Y",
    )

    assert svg.count('class="bar"') == 8


def test_it_compiles_each_po_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Rangordning", msgstr="Ranking"))
    po.save(str(folder / "django.po"))

    first = compile_messages(tmp_path)
    again = compile_messages(tmp_path)
    newer = (folder / "django.mo").stat().st_mtime + 10  # an edit after the compile
    os.utime(folder / "django.po", (newer, newer))
    after_edit = compile_messages(tmp_path)

    assert first == [folder / "django.mo"] == after_edit
    assert again == []
    with (folder / "django.mo").open("rb") as mo:
        assert gettext.GNUTranslations(mo).gettext("Rangordning") == "Ranking"


def test_pillar_values_say_none_where_a_site_lacks_a_pillar() -> None:
    from server.pages.site_page import pillar_values

    row = {"condition": 49.4, "experience": float("nan"), "equity": None}

    assert [value for _, value in pillar_values(row)] == [49.4, None, None]
    assert pillar_values(None) == []
