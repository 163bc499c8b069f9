"""A school's popup HTML: rank and interval, pillar bars, defects, survey, link."""

from __future__ import annotations

import math
from typing import Any

import pytest

from maps.popup import popup_html


def _colour(value: float) -> str:
    return "#abcdef"


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": "Backaskolan",
        "district": "Backa",
        "rank": 3,
        "rank_p05": 2,
        "rank_p95": 5,
        "p_top_n": 0.81,
        "priority": 71.6,
        "condition": 72.4,
        "experience": 40.0,
        "equity": 55.0,
        "act_now": False,
        "top_defects": [("roof", "hus A", "D"), ("windows", "hus B", "C")],
        "has_survey": True,
    }
    row.update(changes)
    return row


def test_it_shows_rank_interval_priority_and_pillar_bars() -> None:
    html = popup_html("s1", _row(), colour=_colour, schools=138)

    assert "<b>Backaskolan</b>" in html
    assert "Rang <b>3</b> av 138" in html
    assert "(90 %-intervall 2–5)" in html
    assert "Sannolikhet topp N: 81 %" in html
    assert "Prioritet <b>72</b> av 100" in html
    assert html.count('class="skm-bar"') == 3
    assert 'class="skm-bar" style="width:72px;height:9px;background:#abcdef"' in html
    for label, value in (("Skick", "72"), ("Upplevelse", "40"), ("Likvärdighet", "55")):
        assert f"<tr><td>{label}</td>" in html
        assert f">{value}</td></tr>" in html


def test_it_says_a_missing_pillar_is_missing() -> None:
    html = popup_html("s1", _row(experience=math.nan), colour=_colour)

    assert html.count('class="skm-bar"') == 2
    assert '<tr><td>Upplevelse</td><td colspan="2"' in html
    assert "saknas</td></tr>" in html


def test_it_leaves_out_the_interval_without_rank_bounds() -> None:
    row = _row()
    del row["rank_p05"], row["rank_p95"]

    html = popup_html("s1", row, colour=_colour)

    assert "intervall" not in html
    assert "Rang <b>3</b></div>" in html


def test_it_lists_the_worst_defects() -> None:
    html = popup_html("s1", _row(), colour=_colour)

    assert "<li>roof (hus A): <b>D</b></li><li>windows (hus B): <b>C</b></li>" in html


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"survey_coverage": 0.64}, "Enkät: 64 % har svarat"),
        ({"has_survey": True}, "Enkät: finns"),
        ({"has_survey": False}, "Enkät: saknas"),
    ],
)
def test_it_shows_survey_coverage(changes: dict[str, Any], text: str) -> None:
    html = popup_html("s1", _row(**changes), colour=_colour)

    assert f"<div>{text}</div>" in html


def test_it_marks_act_now() -> None:
    assert "Åtgärda nu" in popup_html("s1", _row(act_now=True), colour=_colour)
    assert "Åtgärda nu" not in popup_html("s1", _row(act_now=False), colour=_colour)


def test_it_links_to_the_site_page_with_the_code_quoted() -> None:
    html = popup_html("a b/c", _row(), colour=_colour, site_url="/planering/skolor/{code}/")

    assert '<a href="/planering/skolor/a%20b%2Fc/" target="_top">Öppna skolsidan</a>' in html


def test_it_escapes_text_from_the_data() -> None:
    row = _row(name="<img src=x onerror=alert(1)>", top_defects=[("<b>", "x", "D")])

    html = popup_html("s1", row, colour=_colour)

    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<li>&lt;b&gt; (x)" in html


def test_it_leaves_out_an_empty_location_of_a_defect() -> None:
    row = _row(top_defects=[("Tak", "", "D"), ("Fönster", "hus B", "C")])

    html = popup_html("s1", row, colour=_colour)

    assert "<li>Tak: <b>D</b></li>" in html
    assert "<li>Fönster (hus B): <b>C</b></li>" in html
