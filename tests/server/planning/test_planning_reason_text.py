"""A plan row's reason in words, for every reason code, in Swedish and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from server.planning.plan_report import unfunded_safety_items
from server.planning.reason_text import REASON_CODES, reason_text, with_reason_text


def chosen(code: str, **data: Any) -> dict[str, Any]:
    return {
        "year": 2027,
        "site": "1234",
        "site_name": "Gamla skolan",
        "element": "roof",
        "location": "",
        "grade": "D",
        "cost": 250_000.0,
        "reason": "an English reason a plan of old kept",
        "reason_code": code,
        "reason_data": {
            "year": 2027,
            "element": "roof",
            "grade": "D",
            "pupils": 640,
            "need": "high",
            "pupil_years": 1234.5,
            "benefit_per_ksek": 4.9,
            "p_grade_d": 0.0,
            "worsened": False,
            "with_elements": ["facade"],
            "first_year": 2027,
            "method": "joint",
            **data,
        },
    }


def unfunded(code: str, **data: Any) -> dict[str, Any]:
    return {
        "year": 2028,
        "site": "1234",
        "site_name": "Gamla skolan",
        "element": "fire_safety",
        "location": "",
        "grade": "D",
        "cost": 2_300_000.0,
        "reason": "an English reason",
        "reason_code": code,
        "reason_data": data,
    }


def said(row: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return re.sub(r"[\xa0\u202f]", " ", reason_text(row))


ROWS = {
    "chosen": chosen("chosen"),
    "free": chosen("free", pupil_years=0.0),
    "pinned": chosen("pinned", year=2028),
    "safety": chosen("safety"),
    "safety_late": chosen("safety_late", year=2029),
    "over_budget": unfunded("over_budget", cost=2_300_000.0, budget=1_000_000.0),
    "no_room": unfunded("no_room", year=2028, last_year=False),
}

# What each code's sentence must state, in each language.
FACTS = {
    "chosen": (
        ["Tak", "mycket dåligt skick (D)", "640 elever", "stort socioekonomiskt behov",
         "görs 2027", "tillsammans med fasad", "1 235 viktade elevår"],
        ["Roof", "bad condition (D)", "640 pupils", "high socioeconomic need", "done in 2027",
         "together with the facade", "1,235 weighted pupil-years"],
    ),
    "free": (
        ["Kostar inget", "tak", "mycket dåligt skick (D)", "640 elever", "görs 2027"],
        ["Costs nothing", "roof", "bad condition (D)", "640 pupils", "done in 2027"],
    ),
    "pinned": (
        ["Lagd till 2028 av planeraren", "tak", "mycket dåligt skick (D)", "640 elever"],
        ["Added to 2028 by the planner", "roof", "bad condition (D)", "640 pupils"],
    ),
    "safety": (
        ["Säkerhetsbrist (brådska 1)", "tak", "mycket dåligt skick (D)", "640 elever", "görs 2027"],
        ["Safety defect (urgency 1)", "roof", "bad condition (D)", "640 pupils", "done in 2027"],
    ),
    "safety_late": (
        ["Säkerhetsbrist (brådska 1)", "tak", "görs 2029",
         "flyttad från 2027 eftersom budgeten inte räckte", "640 elever"],
        ["Safety defect (urgency 1)", "roof", "done in 2029",
         "moved from 2027 because the budget ran out", "640 pupils"],
    ),
    "over_budget": (
        ["Kostar 2 300 000 kr, mer än en hel årsbudget (1 000 000 kr): kräver ett eget beslut."],
        ["Costs 2,300,000 SEK, more than a whole year's budget (1,000,000 SEK)"],
    ),
    "no_room": (
        ["Ryms inte i budgeten för 2028; först i kön nästa år."],
        ["Does not fit the 2028 budget; first in line next year."],
    ),
}  # fmt: skip

# English words and raw codes that must never show in a Swedish sentence.
NOT_SWEDISH = re.compile(
    r"\b(the|and|with|school|pupils?|budget ran|safety|urgency|roof|facade|done|cost|"
    r"chosen|pinned|free|safety_late|over_budget|no_room|high|need|None)\b"
)


def test_every_code_has_facts_to_check() -> None:
    assert set(REASON_CODES) == set(ROWS) == set(FACTS)


@pytest.mark.parametrize("code", REASON_CODES)
def test_it_says_each_reason_with_its_facts_in_swedish(code: str) -> None:
    text = said(ROWS[code], "sv")

    for fact in FACTS[code][0]:
        assert fact in text, (fact, text)
    assert not NOT_SWEDISH.search(text), text
    assert "%" not in text.replace(" %", "")
    assert text[0].isupper() and text.endswith(".")


@pytest.mark.parametrize("code", REASON_CODES)
def test_it_says_each_reason_with_its_facts_in_english(code: str) -> None:
    text = said(ROWS[code], "en")

    for fact in FACTS[code][1]:
        assert fact in text, (fact, text)
    assert not re.search(r"skick|elever|görs|kr\b|år\b|brådska", text), text
    assert text[0].isupper() and text.endswith(".")


def test_it_gives_the_example_of_the_issue() -> None:
    row = chosen("chosen", pupil_years=None)

    assert said(row, "sv") == (
        "Tak i mycket dåligt skick (D) på en skola med 640 elever och stort socioekonomiskt "
        "behov; görs 2027 tillsammans med fasad."
    )
    assert said(row, "en") == (
        "Roof in bad condition (D) at a school with 640 pupils and high socioeconomic need; "
        "done in 2027 together with the facade."
    )


def test_it_states_the_risk_that_the_grade_worsened_to_d() -> None:
    row = chosen("chosen", grade="C", p_grade_d=0.35, worsened=True)

    assert "i dåligt skick (C)" in said(row, "sv")
    assert said(row, "sv").endswith("; kostnaden räknar med 35 % risk att skicket hunnit bli D.")
    assert said(row, "en").endswith("; the cost allows for a 35% chance it has worsened to D.")
    assert "risk" not in said(chosen("chosen", p_grade_d=0.35, worsened=False), "sv")


def test_it_words_the_plans_last_year_as_its_end() -> None:
    row = unfunded("no_room", year=2031, last_year=True)

    assert said(row, "sv") == "Ryms inte i budgeten för 2031, planens sista år."
    assert said(row, "en") == "Does not fit the 2031 budget, the plan's last year."


def test_it_names_every_element_done_at_the_school_that_year() -> None:
    row = chosen("safety", with_elements=["facade", "windows_doors", "ventilation"])

    assert "tillsammans med fasad, fönster och dörrar samt ventilation och inomhusluft." in said(
        row, "sv"
    )
    assert (
        "together with the facade, the windows and doors and the ventilation and indoor air."
        in said(row, "en")
    )


@pytest.mark.parametrize(
    ("data", "swedish"),
    [
        ({"pupils": 1, "need": None}, "Tak i mycket dåligt skick (D) på en skola med 1 elev; "),
        ({"pupils": 0, "need": "low"}, "Tak i mycket dåligt skick (D) på en skola med litet "),
        ({"pupils": None, "need": None, "grade": None}, "Tak i mycket dåligt skick (D); görs"),
        ({"pupils": None, "need": None, "element": None}, "Tak i mycket dåligt skick (D); görs"),
    ],
)
def test_it_says_only_what_it_knows(data: dict[str, Any], swedish: str) -> None:
    # A missing grade or element in the data falls back to the row's own.
    assert said(chosen("chosen", pupil_years=None, **data), "sv").startswith(swedish)


def test_it_keeps_the_english_reason_of_a_plan_saved_before_the_codes() -> None:
    old = {"element": "roof", "reason": "urgency 1: safety", "year": 2027}
    newer = {**old, "reason_code": "a code of a later plan", "reason_data": {}}

    assert said(old, "sv") == "urgency 1: safety"
    assert said(newer, "sv") == "urgency 1: safety"


def test_it_puts_the_words_into_the_rows_an_export_writes() -> None:
    rows = [chosen("safety"), {"reason": "kept as it was"}]

    with translation.override("en"):
        written = with_reason_text(rows)

    assert written[0]["reason"].startswith("Safety defect (urgency 1): roof")
    assert written[1] == {"reason": "kept as it was"}
    assert rows[0]["reason"] == "an English reason a plan of old kept"  # a copy, not changed


def test_an_unfunded_item_listed_once_keeps_the_reason_of_its_last_year() -> None:
    roof = {"site": "a", "site_name": "A-skolan", "element": "roof", "location": "", "grade": "D"}
    payload = {
        "years": [{"year": y, "budget": 100.0} for y in (2027, 2028)],
        "items": [],
        "unfunded_safety": [
            {**roof, "year": y, "cost": 80.0, "reason_code": "no_room",
             "reason_data": {"year": y, "last_year": y == 2028}, "reason": f"English {y}"}
            for y in (2027, 2028)
        ],
    }  # fmt: skip

    (row,) = unfunded_safety_items(payload)

    assert (row["reason_code"], row["reason"]) == ("no_room", "English 2028")
    assert said(row, "sv") == "Ryms inte i budgeten för 2028, planens sista år."
