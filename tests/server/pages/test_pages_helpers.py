"""The pages' small helpers: inline SVG charts, compiled translations."""

from __future__ import annotations

import dataclasses
import gettext
import os
import re
from pathlib import Path

import polib
import pytest

from server.core.locale import compile_messages
from server.pages.charts import ScatterPoint, _nice_ticks, grouped_bars, line_chart, scatter_chart


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


def test_it_draws_a_scatter_of_labelled_points_with_one_highlighted() -> None:
    points = [
        ScatterPoint(x=9.0 + 5 * a, y=20_000 - 300 * a, label=f"α {a}", tooltip="<t>", data=str(a))
        for a in (0, 1, 2)
    ]
    points[1] = dataclasses.replace(points[1], current=True)

    svg = scatter_chart(
        points,
        title="T",
        x_label="X",
        y_label="Y",
        x_format=lambda v, digits: f"{v:.{digits}f}",
        y_format=lambda v, digits: f"{v:.{digits}f}",
    )

    assert svg.count('class="pt"') == 2 and svg.count('class="pt current"') == 1
    assert svg.count('class="pt-label"') == 3
    assert "<t>" not in svg and "&lt;t&gt;" in svg
    # The axes span the data with round ticks: 19,400 .. 20,000 benefit and 9 .. 19 %.
    ticks = [float(t) for t in re.findall(r'text-anchor="end" font-size="12">([\d.]+)<', svg)]
    assert ticks[0] <= 19_400 and ticks[-1] >= 20_000 and ticks[-1] - ticks[0] <= 1_000
    cx = [float(v) for v in re.findall(r'<circle[^>]*cx="([\d.]+)"', svg)]
    assert cx == sorted(cx) and cx[0] >= 64 and cx[-1] <= 480 - 20


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.0, 1.0, [0.0, 0.5, 1.0]),
        (9.0, 19.0, [5.0, 10.0, 15.0, 20.0]),
        (19_400.0, 20_000.0, [19_400.0, 19_600.0, 19_800.0, 20_000.0]),
        (3.0, 3.0, [2.6, 2.8, 3.0, 3.2, 3.4]),  # one point: an axis around it all the same
    ],
)
def test_it_picks_round_ticks(low: float, high: float, expected: list[float]) -> None:
    assert _nice_ticks(low, high) == pytest.approx(expected)


def test_it_writes_ticks_with_the_decimals_their_step_needs() -> None:
    # Every plan puts 7.3 % on the top quartile: an axis of tenths around it, not "7, 7, 7".
    same = [ScatterPoint(x=7.3, y=2210.0 - n, label=str(n), tooltip="") for n in range(3)]

    svg = scatter_chart(
        same,
        title="T",
        x_label="X",
        y_label="Y",
        x_format=lambda v, digits: f"{v:.{digits}f}",
        y_format=lambda v, digits: f"{v:.{digits}f}",
    )

    x_ticks = re.findall(r'text-anchor="middle" font-size="12">([\d.]+)<', svg)
    assert len(set(x_ticks)) == len(x_ticks) >= 3
    assert all(re.fullmatch(r"\d+\.\d", tick) for tick in x_ticks)


def test_it_keeps_small_differences_small() -> None:
    # Two plans 0.004 percentage points and 10 pupil-years apart: not stretched to fill it.
    points = [
        ScatterPoint(x=7.2625, y=2210.0, label="α 0", tooltip=""),
        ScatterPoint(x=7.2659, y=2200.0, label="α 4", tooltip=""),
    ]

    svg = scatter_chart(
        points,
        title="T",
        x_label="X",
        y_label="Y",
        x_format=lambda v, digits: f"{v:.{digits}f}",
        y_format=lambda v, digits: f"{v:.{digits}f}",
        min_span=(10.0, 221.0),
    )

    x_ticks = [float(t) for t in re.findall(r'text-anchor="middle" font-size="12">([\d.]+)<', svg)]
    y_ticks = [float(t) for t in re.findall(r'text-anchor="end" font-size="12">([\d.]+)<', svg)]
    assert x_ticks[-1] - x_ticks[0] >= 10 and x_ticks[0] >= 0
    assert y_ticks[-1] - y_ticks[0] >= 221
    cx = [float(v) for v in re.findall(r'<circle[^>]*cx="([\d.]+)"', svg)]
    assert abs(cx[1] - cx[0]) < 1  # a pixel apart at most
