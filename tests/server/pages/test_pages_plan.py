"""The plan page's safety items: the unfunded list, the backlog, the budget message, each
year's safety share, and the last year as the plan's end."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOF = 25_000  # gamla's roof, urgency 1: 10 m² at 2,500 kr in grade D


def page(client: Client, **params: Any) -> str:
    html = client.get("/plan/", {"start_year": 2027, "tiles": "0", **params}).content.decode()
    return re.sub(r"[\xa0\u202f]", " ", html)


def section(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return html[at : html.index(end, at)]


def test_it_lists_every_unfunded_safety_item_with_its_name_years_and_cost(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=1000, years=2)

    rows = re.findall(r'<tr class="unfunded-item".*?</tr>', html, re.S)
    assert len(rows) == 1
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", rows[0])]
    assert cells == [
        "Gamla skolan",
        "Tak",
        "",
        "D",
        "2027, 2028",
        "25 000",
        "kostar mer än ett helt års budget",
    ]
    assert "roof" not in re.sub(r'data-element="roof"', "", rows[0])
    assert "Säkerhetsskuld vid planens slut: 25 000 kr (1 åtgärd)." in html


def test_it_lists_nothing_unfunded_when_the_budget_covers_the_safety_items(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=2_000_000, years=2)

    assert 'class="unfunded-item"' not in html
    assert 'id="safety-shortfall"' not in html


@pytest.mark.parametrize(("years", "more_years"), [(2, True), (10, False)])
def test_it_says_what_to_do_when_the_budget_cannot_cover_the_safety_items(
    planner: Client, city: dict[str, Any], years: int, more_years: bool
) -> None:
    html = page(planner, budget=1000, years=years)

    message = section(html, 'id="safety-shortfall"', "</section>")
    assert "Budgeten räcker inte till säkerhetsåtgärderna" in message
    assert "kostar sammanlagt 25 000 kr" in message
    assert "budgeten är 1 000 kr per år" in message
    assert "höj budgeten till minst 25 000 kr per år" in message
    assert ("sprid arbetet över fler år" in message) is more_years
    assert "planen innehåller inga åtgärder alls" in message
    assert "mer än ett helt års budget" in message


def test_it_says_how_much_of_each_year_the_safety_items_take(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=2_000_000, years=2)

    rows = section(html, '<table class="years">', "</table>")
    first = re.search(r"<tr><td>2027</td>(.*?)</tr>", rows).group(1)  # type: ignore[union-attr]
    # 25,000 of 2,000,000 is 1.25 %: shown with one decimal, rounded half up.
    assert re.findall(r"<td>(.*?)</td>", first)[2:5] == ["25 000", "1,3 %", "1 975 000"]
    year = section(html, 'id="year-2027"', "</table>")
    assert (
        "Säkerhetsåtgärderna tar" in year and "1 975 000 kr är kvar för det viktade urvalet" in year
    )
    assert "Säkerhetsåtgärderna tar" not in section(html, 'id="year-2028"', "</table>")


def test_it_words_the_last_year_as_the_end_of_the_plan(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=1000, years=2)

    first, last = (
        section(html, 'id="year-2027"', "</table>"),
        section(html, 'id="year-2028"', "</table>"),
    )
    assert "flyttas till nästa år" in first
    assert "flyttas till nästa år" not in last
    assert "1 säkerhetsåtgärd ryms inte inom planens år: planen slutar här." in last
    assert "Inga åtgärder ryms detta år." in last


def test_it_says_when_the_budget_buys_nothing_at_all(planner: Client, city: dict[str, Any]) -> None:
    # One krona buys nothing; the tables are empty, and the page still says why.
    html = page(planner, budget=1, years=1)

    assert 'id="safety-shortfall"' in html
    assert "Budgeten räcker inte ens till en enda säkerhetsåtgärd" in html
    assert "Inga åtgärder ryms detta år." in html


def test_it_speaks_english_about_the_safety_items_when_asked(
    planner: Client, city: dict[str, Any]
) -> None:
    planner.post("/i18n/setlang/", {"language": "en", "next": "/plan/"})

    html = page(planner, budget=1000, years=2)

    assert "The budget does not cover the safety items" in html
    assert "Roof" in section(html, 'class="unfunded-item"', "</tr>")
    assert "does not fit within the plan's years: the plan ends here." in html
