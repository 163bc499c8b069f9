"""The plan page: the unfunded safety items, the backlog, the budget message, each year's
safety share, the last year as the plan's end, the items per school project with their
reasons, and the equity frontier."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from server.pages.plan_page import plan_rules
from server.planning import services

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
    # The last cell says why (test_it_says_why_an_unfunded_safety_item_does_not_fit).
    assert cells[:6] == ["Gamla skolan", "Tak", "", "D", "2027, 2028", "25 000"]
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


def cell_texts(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_it_groups_each_years_items_per_school_with_a_subtotal(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=2_000_000, years=2)

    year = section(html, 'id="year-2027"', "</table>")
    projects = re.findall(r'<tbody class="project" data-site="([^"]+)">(.*?)</tbody>', year, re.S)
    assert [site for site, _ in projects] == ["gamla"]  # nya is all A: nothing to do there
    body = projects[0][1]
    head = cell_texts(re.search(r'<tr class="project-head">.*?</tr>', body, re.S).group(0))  # type: ignore[union-attr]
    costs = [float(c) for c in re.findall(r'data-cost="([^"]+)"', body)]
    assert head[0].startswith("Gamla skolan") and f"{len(costs)} åtgärder" in head[0]
    assert int(head[1].replace(" ", "")) == round(sum(costs))
    assert ROOF in costs


def test_it_gives_each_item_its_reason_in_words(planner: Client, city: dict[str, Any]) -> None:
    html = page(planner, budget=2_000_000, years=2)

    year = section(html, 'id="year-2027"', "</table>")
    roof = re.search(r'<tr class="plan-item"[^>]*data-element="roof".*?</tr>', year, re.S)
    assert roof is not None
    reason = cell_texts(roof.group(0))[-1]
    assert reason.startswith("Säkerhetsbrist (brådska 1): tak i mycket dåligt skick (D)")
    assert "300 elever" in reason and "görs 2027" in reason
    reasons = " ".join(re.findall(r'<td class="reason">(.*?)</td>', year, re.S))
    assert reasons and not re.search(r"\b(urgency|safety|chosen|benefit|the)\b", reasons)


def test_it_says_why_an_unfunded_safety_item_does_not_fit(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=1000, years=2)

    row = re.search(r'<tr class="unfunded-item".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    assert cell_texts(row)[-1] == (
        "Kostar 25 000 kr, mer än en hel årsbudget (1 000 kr): kräver ett eget beslut."
    )


def frontier(status: str = "ready", *, same: bool = False) -> dict[str, Any]:
    """Five points, α 0 to 5, fairness costing benefit; or (`same`) one plan for every α."""
    points = [
        {
            "alpha": a,
            "total_benefit": 20_000 - (0 if same else 300 * a),
            "top_quartile_spend_share": 0.09 + (0 if same else 0.05 * a),
            "top_quartile_benefit_share": 0.1 + (0 if same else 0.06 * a),
        }
        for a in (0, 0.5, 1, 2, 5)
    ]
    return {
        "status": status,
        "points": points if status == "ready" else None,
        "computed_at": None,
    }


@pytest.fixture
def with_frontier(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Makes the plan's payload carry the given frontier (None: none at all)."""

    def use(found: dict[str, Any] | None) -> None:
        made = services.plan_payload

        def payload(plan: services.Plan) -> dict[str, object]:
            result = made(plan)
            result.pop("equity_frontier", None)
            return result if found is None else {**result, "equity_frontier": found}

        monkeypatch.setattr(services, "plan_payload", payload)

    return use


def test_it_charts_the_equity_frontier_and_marks_the_plans_alpha(
    planner: Client, city: dict[str, Any], with_frontier: Any
) -> None:
    with_frontier(frontier())

    html = page(planner, budget=2_000_000, years=2, alpha=1)

    chart = section(html, 'id="frontier"', "</section>")
    circles = re.findall(r'<circle class="pt( current)?"[^>]*data-value="([^"]+)"', chart)
    assert [value for _, value in circles] == ["0", "0.5", "1", "2", "5"]
    assert [value for current, value in circles if current] == ["1"]
    labels = re.findall(r'<text class="pt-label"[^>]*>(.*?)</text>', chart)
    assert labels == ["α 0,0", "α 0,5", "α 1,0", "α 2,0", "α 5,0"]
    assert "Andel av utgifterna till kvartilen med störst behov (%)" in chart
    assert "Total nytta (viktade elevår)" in chart
    assert "Den röda punkten är den här planen (α 1,0)." in chart
    assert "alla värden på α samma plan" not in chart
    # The table beside the chart: α 1 puts 14 % of spend and 16 % of benefit on Q4.
    row = re.search(r'<tr class="current">.*?</tr>', chart, re.S).group(0)  # type: ignore[union-attr]
    assert cell_texts(row) == ["1,0", "14,0 %", "16,0 %", "19 700"]


def test_it_says_what_fairness_costs_in_english(
    planner: Client, city: dict[str, Any], with_frontier: Any
) -> None:
    with_frontier(frontier())
    planner.post("/i18n/setlang/", {"language": "en", "next": "/plan/"})

    html = page(planner, budget=2_000_000, years=2, alpha=2)

    chart = section(html, 'id="frontier"', "</section>")
    assert "What fairness costs" in chart
    assert "Share of spend to the highest-need quartile (%)" in chart
    assert "The red point is this plan (α 2.0)." in chart
    assert "α 0.5" in chart


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("queued", "Fronten räknas fram"),
        ("running", "Fronten räknas fram"),
        ("failed", "Fronten kunde inte räknas fram"),
    ],
)
def test_it_says_when_the_frontier_is_not_ready(
    planner: Client, city: dict[str, Any], with_frontier: Any, status: str, shown: str
) -> None:
    with_frontier(frontier(status))

    html = page(planner, budget=2_000_000, years=2)

    found = section(html, 'id="frontier"', "</section>")
    assert shown in found
    assert "<circle" not in found
    assert ('data-frontier-url="/api/v1/plan/frontier?' in found) is (status != "failed")


def test_it_omits_the_frontier_when_the_plan_has_none(
    planner: Client, city: dict[str, Any], with_frontier: Any
) -> None:
    with_frontier(None)

    response = planner.get("/plan/", {"start_year": 2027, "budget": 2_000_000, "years": 2})

    assert response.status_code == 200
    assert 'id="frontier"' not in response.content.decode()


def test_it_draws_alphas_that_give_the_same_plan_as_one_point(
    planner: Client, city: dict[str, Any], with_frontier: Any
) -> None:
    with_frontier(frontier(same=True))

    html = page(planner, budget=2_000_000, years=2, alpha=1)

    chart = section(html, 'id="frontier"', "</section>")
    circles = re.findall(r'<circle class="pt( current)?"[^>]*data-value="([^"]+)"', chart)
    assert circles == [(" current", "0 0.5 1 2 5")]
    assert re.findall(r'<text class="pt-label"[^>]*>(.*?)</text>', chart) == ["α 0,0–5,0"]
    assert "Med den här budgeten ger alla värden på α samma plan" in chart
    assert chart.count('<tr class="current">') == 1  # the table keeps every α


def test_it_explains_each_of_the_plans_rules_beside_its_control(
    planner: Client, city: dict[str, Any]
) -> None:
    html = page(planner, budget=2_000_000, years=2)

    rules = section(html, '<fieldset class="rules">', "</fieldset>")
    for name in ("method", "floor", "mobilisation", "carry_over"):
        label = re.search(rf'<label[^>]*>(?:(?!</label>).)*id="id_{name}".*?</label>', rules, re.S)
        assert label is not None, name
        assert re.search(r'<small class="help">\w.{20,}</small>', label.group(0), re.S), name


@pytest.mark.parametrize(
    ("given", "rules"),
    [
        ({}, {}),
        ({"method": "", "floor": None, "mobilisation": None, "carry_over": False}, {}),
        (
            {"method": "yearly", "floor": 25.0, "mobilisation": 0.0, "carry_over": True},
            {"method": "yearly", "floor": 25.0, "mobilisation": 0.0, "carry_over": True},
        ),
    ],
)
def test_it_passes_on_only_the_rules_the_planner_set(
    given: dict[str, Any], rules: dict[str, Any]
) -> None:
    assert plan_rules(given) == rules


def test_it_plans_with_the_rules_the_planner_set(planner: Client, city: dict[str, Any]) -> None:
    html = page(planner, budget=2_000_000, years=2, method="joint", carry_over="on", floor=10)

    assert 'id="year-2027"' in html
    assert 'value="joint" selected' in html
    assert "carry_over=True" in html  # kept in the export links


def test_a_floor_with_a_yearly_method_says_what_to_change(
    planner: Client, city: dict[str, Any]
) -> None:
    response = planner.get(
        "/plan/", {"budget": 2_000_000, "years": 2, "method": "yearly", "floor": 10}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "bara att hålla med metoden exakt över alla år" in html
    mobilised = planner.get(
        "/plan/", {"budget": 2_000_000, "years": 2, "method": "greedy", "mobilisation": 1}
    )
    assert mobilised.status_code == 400
    assert "räknas bara med metoden exakt över alla år" in mobilised.content.decode()


def test_the_page_says_whether_the_floor_held(planner: Client, city: dict[str, Any]) -> None:
    html = page(planner, budget=2_000_000, years=2, floor=100)

    floor = section(html, '<p class="floor"', "</p>")
    assert "Golvet på 100 % kunde inte hållas, så planen gjordes utan det" in floor
