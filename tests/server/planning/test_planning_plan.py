"""The action plan core (server.planning.plan): costs, benefits, safety first, budgets,
optimality against greedy and brute force, determinism, deterioration, validation.

Pure pandas, no database. Numbers by hand use the packaged catalogue 2026.1:
roof weight 3, rate C 900 / D 2500, C->D 0.12 a year; fire_safety weight 3, rate C 200 /
D 600; furniture weight 1, rate C 300 / D 800.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.plan import (
    CHOSEN_COLUMNS,
    ITEM_COLUMNS,
    PlanSettings,
    costed_items,
    greedy_plan,
    plan,
)
from server.planning.ranking import Weights
from shared.catalogue import load_catalogue
from shared.grades import SEVERITY, Grade
from tests.server.planning.plan_rows import frame, item

CATALOGUE = load_catalogue()
CODES = ("roof", "fire_safety", "furniture", "toilets", "play_equipment", "seating")


def setup(budget: float = 1_000_000, **changes: Any) -> PlanSettings:
    """The year-by-year exact plan (this file's subject; the default method is joint)."""
    return PlanSettings(budget_per_year=budget, start_year=2027, **{"method": "yearly", **changes})


def ore(values: pd.Series) -> int:
    """Costs are whole öre; summing them as integers is exact."""
    return int(np.rint(values.to_numpy() * 100).astype(np.int64).sum())


# ---------------------------------------------------------------------------------------
# Cost, benefit and multiplier by hand


def test_it_computes_cost_benefit_and_multiplier_by_hand() -> None:
    items = frame(
        item("S1", "roof", grade="C", quantity=100, pupils=200, experience_need=40, equity_need=80),
        item("S2", "fire_safety", grade="D", quantity=10, pupils=50, experience_need=100),
    )
    costed = costed_items(items, CATALOGUE, setup()).set_index("site")
    # multiplier = 0.5 + 0.25 x 40/100 + 1.0 x 0.25 x 80/100 = 0.8; S2: 0.5 + 0.25 = 0.75
    assert costed.loc["S1", "multiplier"] == pytest.approx(0.8)
    assert costed.loc["S2", "multiplier"] == pytest.approx(0.75)
    assert costed.loc["S1", "cost"] == 90_000  # 100 m2 x 900
    assert costed.loc["S2", "cost"] == 6_000  # 10 x 600
    assert costed.loc["S1", "benefit"] == pytest.approx(200 * 3 * 67 * 0.8)  # 32,160
    assert costed.loc["S2", "benefit"] == pytest.approx(50 * 3 * 100 * 0.75)  # 11,250
    assert costed.loc["S1", "benefit_per_ksek"] == pytest.approx(32_160 / 90)

    result = plan(items, CATALOGUE, setup(years=1))
    chosen = result.chosen.set_index("site")
    assert chosen.loc["S1", "cost"] == 90_000
    assert chosen.loc["S1", "benefit"] == pytest.approx(32_160)
    assert chosen.loc["S1", "condition_benefit"] == pytest.approx(200 * 3 * 67)
    assert result.totals.loc[0, "spent"] == 96_000


def test_it_scales_equity_by_alpha_and_ignores_the_scale_of_the_weights() -> None:
    items = frame(item(experience_need=40, equity_need=80))
    doubled = setup(weights=Weights(condition=1.0, experience=0.5, equity=0.5), alpha=2.0)
    # weights scaled to sum 1: 0.5 + 0.25 x 0.4 + 2 x 0.25 x 0.8 = 1.0
    assert costed_items(items, CATALOGUE, doubled)["multiplier"].iloc[0] == pytest.approx(1.0)
    no_equity = setup(alpha=0.0)
    assert costed_items(items, CATALOGUE, no_equity)["multiplier"].iloc[0] == pytest.approx(0.6)


def test_it_counts_missing_needs_as_zero_in_the_multiplier() -> None:
    items = frame(item())
    assert costed_items(items, CATALOGUE, setup())["multiplier"].iloc[0] == pytest.approx(0.5)


def test_it_follows_the_planners_weights() -> None:
    # Same roof at two sites: S1 has more pupils, S2 more equity need. Room for one.
    items = frame(
        item("S1", pupils=220, equity_need=0),
        item("S2", pupils=200, equity_need=100),
    )
    budget = 100_000  # one roof of 90,000
    by_equity = plan(items, CATALOGUE, setup(budget, years=1))
    by_condition = plan(items, CATALOGUE, setup(budget, years=1, alpha=0.0))
    assert by_equity.chosen["site"].tolist() == ["S2"]  # 200 x 0.75 > 220 x 0.5
    assert by_condition.chosen["site"].tolist() == ["S1"]


# ---------------------------------------------------------------------------------------
# Safety first


def test_it_funds_urgency_1_before_any_other() -> None:
    items = frame(
        # far better value, but not urgent
        item("S1", "furniture", quantity=10, pupils=500),
        # urgent, poor value, takes the whole budget
        item("S2", "roof", urgency=1, quantity=100, pupils=1),
    )
    result = plan(items, CATALOGUE, setup(90_000, years=1))
    assert result.chosen["site"].tolist() == ["S2"]
    assert result.chosen["reason"].iloc[0] == "urgency 1: safety"
    assert result.unfunded_safety.empty


def test_it_lists_safety_items_first_within_each_year() -> None:
    items = frame(
        item("S1", "furniture", quantity=10, pupils=500),
        item("S2", "roof", urgency=1, quantity=10, pupils=1),
        item("S3", "fire_safety", urgency=1, quantity=10, pupils=1),
    )
    chosen = plan(items, CATALOGUE, setup(years=1)).chosen
    assert chosen["safety"].tolist() == [True, True, False]
    assert chosen["cumulative_spend"].tolist() == [2_000, 11_000, 14_000]


def test_it_reports_unfunded_safety_items_and_carries_them_over() -> None:
    items = frame(
        item("S1", "roof", urgency=1, quantity=50, pupils=100),  # 45,000, ratio 0.45
        item("S2", "roof", urgency=1, quantity=50, pupils=300),  # 45,000, ratio 1.34
        item("S3", "roof", urgency=1, quantity=50, pupils=200),  # 45,000, ratio 0.89
        item("S4", "fire_safety", urgency=1, quantity=1000, pupils=900),  # 200,000
        item("S5", "furniture", quantity=10, pupils=500),  # 3,000, not urgent
    )
    result = plan(items, CATALOGUE, setup(100_000, years=3, deterioration=False))

    first = result.chosen[result.chosen["year"] == 2027]
    assert first["site"].tolist() == ["S2", "S3", "S5"]  # safety by benefit per krona
    unfunded_2027 = result.unfunded_safety[result.unfunded_safety["year"] == 2027]
    assert unfunded_2027["site"].tolist() == ["S4", "S1"]  # by benefit per krona
    reasons = dict(zip(unfunded_2027["site"], unfunded_2027["reason"], strict=True))
    assert reasons["S1"].startswith("does not fit: urgency-1 items with more benefit")
    assert reasons["S4"] == (
        "costs 200,000 SEK, more than a whole year's budget: needs a separate decision"
    )

    second = result.chosen[result.chosen["year"] == 2028]
    assert second["site"].tolist() == ["S1"]
    assert second["reason"].iloc[0] == "urgency 1: safety, carried over since 2027 (budget ran out)"
    # Never dropped: the one that can never fit is reported every year.
    assert result.unfunded_safety.groupby("year")["site"].agg(list).to_dict() == {
        2027: ["S4", "S1"],
        2028: ["S4"],
        2029: ["S4"],
    }
    assert result.totals["unfunded_safety"].tolist() == [2, 1, 1]


def test_it_funds_safety_items_even_when_they_are_worth_nothing() -> None:
    items = frame(
        item("S1", "roof", urgency=1, pupils=0),
        item("S2", "roof", urgency=2, pupils=0),
    )
    result = plan(items, CATALOGUE, setup(years=1))
    assert result.chosen["site"].tolist() == ["S1"]  # S2 would spend money for no benefit


# ---------------------------------------------------------------------------------------
# Random instances


@st.composite
def instances(
    draw: st.DrawFn, max_items: int = 25, safety: bool = True
) -> tuple[pd.DataFrame, float]:
    n_sites = draw(st.integers(1, 5))
    context = {
        f"S{s}": {
            "pupils": draw(st.integers(0, 600)),
            "experience_need": draw(st.one_of(st.none(), st.integers(0, 100))),
            "equity_need": draw(st.one_of(st.none(), st.integers(0, 100))),
        }
        for s in range(n_sites)
    }
    n = draw(st.integers(1, max_items))
    urgencies = [2, 3, 4, None, *([1] if safety else [])]
    rows = []
    for i in range(n):
        site = f"S{draw(st.integers(0, n_sites - 1))}"
        rows.append(
            {
                "site": site,
                "element": draw(st.sampled_from(CODES)),
                "location": f"L{i}",
                "grade": draw(st.sampled_from(["C", "D"])),
                "urgency": draw(st.sampled_from(urgencies)),
                "quantity": draw(st.integers(1, 60)),
                **context[site],
            }
        )
    items = pd.DataFrame(rows, columns=list(ITEM_COLUMNS)).astype(
        {"urgency": float, "experience_need": float, "equity_need": float}
    )
    total = float(costed_items(items, CATALOGUE, setup())["cost"].sum())
    budget = max(1.0, round(total * draw(st.floats(0.05, 0.9))))
    return items, budget


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(instances(), st.integers(1, 4), st.booleans())
def test_it_never_exceeds_a_years_budget(
    instance: tuple[pd.DataFrame, float], years: int, greedy: bool
) -> None:
    items, budget = instance
    planner = greedy_plan if greedy else plan
    result = planner(items, CATALOGUE, setup(budget, years=years))
    budget_ore = math.floor(budget * 100)
    for year, rows in result.chosen.groupby("year"):
        assert ore(rows["cost"]) <= budget_ore, year
        assert rows["cumulative_spend"].max() <= budget + 1e-6
    assert (result.totals["spent"] <= budget).all()
    assert not result.chosen.duplicated(["site", "element", "location"]).any()


@PROPERTY
@given(instances(), st.integers(1, 4))
def test_it_funds_urgency_1_first_and_reports_every_one_that_does_not_fit(
    instance: tuple[pd.DataFrame, float], years: int
) -> None:
    items, budget = instance
    result = plan(items, CATALOGUE, setup(budget, years=years))
    safety_keys = set(
        map(tuple, items.loc[items["urgency"] == 1, ["site", "element", "location"]].values)
    )
    funded_safety: set[tuple[Any, ...]] = set()
    for year in range(2027, 2027 + years):
        chosen = result.chosen[result.chosen["year"] == year]
        unfunded = result.unfunded_safety[result.unfunded_safety["year"] == year]
        flags = chosen["safety"].tolist()
        assert flags == sorted(flags, reverse=True)  # safety rows come first
        left = budget - chosen.loc[chosen["safety"], "cost"].sum()
        # An unfunded safety item could not have fitted in what the safety items left.
        assert (unfunded["cost"] > left - 1e-6).all()
        keys = set(map(tuple, chosen.loc[chosen["safety"], ["site", "element", "location"]].values))
        funded_safety |= keys
        open_safety = safety_keys - funded_safety
        assert set(map(tuple, unfunded[["site", "element", "location"]].values)) == open_safety


@PROPERTY
@given(instances(max_items=40))
def test_it_plans_at_least_as_much_benefit_as_greedy(instance: tuple[pd.DataFrame, float]) -> None:
    items, budget = instance
    exact = plan(items, CATALOGUE, setup(budget, years=1))
    greedy = greedy_plan(items, CATALOGUE, setup(budget, years=1))
    assert exact.total_benefit >= greedy.total_benefit * (1 - 1e-9)
    assert exact.proved_optimal


def brute_force(items: pd.DataFrame, budget: float) -> float:
    """Best benefit over all subsets, costed here by hand from the catalogue."""
    values, costs = [], []
    for row in items.itertuples():
        element = CATALOGUE.element(row.element)
        multiplier = (
            0.5
            + 0.25 * np.nan_to_num(row.experience_need) / 100
            + 0.25 * np.nan_to_num(row.equity_need) / 100
        )
        values.append(row.pupils * element.weight * SEVERITY[Grade(row.grade)] * multiplier)
        costs.append(row.quantity * element.repair_rate.for_grade(row.grade))
    best = 0.0
    for size in range(len(values) + 1):
        for subset in itertools.combinations(range(len(values)), size):
            if sum(costs[i] for i in subset) <= budget:
                best = max(best, sum(values[i] for i in subset))
    return best


@settings(max_examples=80, deadline=None)
@given(instances(max_items=12, safety=False))
def test_it_equals_brute_force_on_small_instances(instance: tuple[pd.DataFrame, float]) -> None:
    items, budget = instance
    result = plan(items, CATALOGUE, setup(budget, years=1))
    assert result.total_benefit == pytest.approx(brute_force(items, budget), rel=1e-9, abs=1e-9)


def test_it_gives_the_same_plan_for_the_same_inputs_in_any_row_order() -> None:
    rng = np.random.default_rng(7)
    n = 400
    items = pd.DataFrame(
        {
            "site": [f"S{i % 60:02d}" for i in range(n)],
            "element": rng.choice(CODES, n),
            "location": [f"L{i}" for i in range(n)],
            "grade": rng.choice(["C", "D"], n),
            "urgency": rng.choice([1, 2, 3, np.nan], n, p=[0.05, 0.3, 0.3, 0.35]),
            # Many equal items, so that ties must be broken the same way each time.
            "quantity": rng.choice([10, 20], n),
        }
    )
    per_site = pd.DataFrame(
        {
            "pupils": rng.choice([100, 200], 60),
            "experience_need": rng.choice([np.nan, 50], 60),
            "equity_need": rng.choice([0, 50], 60),
        },
        index=[f"S{i:02d}" for i in range(60)],
    )
    items = items.join(per_site, on="site")
    chosen_settings = setup(400_000, years=3)

    first = plan(items, CATALOGUE, chosen_settings)
    again = plan(items, CATALOGUE, chosen_settings)
    shuffled = plan(items.sample(frac=1, random_state=3), CATALOGUE, chosen_settings)
    for other in (again, shuffled):
        pd.testing.assert_frame_equal(first.chosen, other.chosen)
        pd.testing.assert_frame_equal(first.unfunded_safety, other.unfunded_safety)
        pd.testing.assert_frame_equal(
            first.totals.drop(columns="solve_seconds"), other.totals.drop(columns="solve_seconds")
        )
    assert first.proved_optimal


# ---------------------------------------------------------------------------------------
# Deterioration


def test_it_raises_later_year_expected_costs_when_items_deteriorate() -> None:
    items = frame(item("S1", "roof", grade="C"), item("S2", "roof", grade="D"))
    by_year = [
        costed_items(items, CATALOGUE, setup(), years_ahead=k).set_index("site") for k in range(3)
    ]
    # Roof C->D 0.12 a year: P(D) after k years = 1 - 0.88^k.
    assert [year.loc["S1", "p_grade_d"] for year in by_year] == pytest.approx([0, 0.12, 0.2256])
    assert [year.loc["S1", "cost"] for year in by_year] == pytest.approx(
        [90_000, 100 * (0.88 * 900 + 0.12 * 2500), 100 * (0.7744 * 900 + 0.2256 * 2500)]
    )
    assert by_year[1].loc["S1", "expected_severity"] == pytest.approx(0.88 * 67 + 0.12 * 100)
    assert [year.loc["S2", "cost"] for year in by_year] == [250_000] * 3  # D stays D

    steady = [
        costed_items(items, CATALOGUE, setup(deterioration=False), years_ahead=k) for k in (0, 2)
    ]
    assert steady[0]["cost"].tolist() == steady[1]["cost"].tolist()


def test_it_plans_later_years_on_expected_grades() -> None:
    # One roof a year fits; the second waits a year and may have worsened.
    items = frame(item("S1", "roof", pupils=300), item("S2", "roof", pupils=200))
    result = plan(items, CATALOGUE, setup(130_000, years=2))
    chosen = result.chosen.set_index("site")
    assert chosen.loc["S1", "year"] == 2027
    assert chosen.loc["S1", "cost"] == 90_000
    assert chosen.loc["S2", "year"] == 2028
    assert chosen.loc["S2", "cost"] == pytest.approx(109_200)  # 100 x (0.88 x 900 + 0.12 x 2500)
    assert chosen.loc["S2", "benefit"] == pytest.approx(200 * 3 * (0.88 * 67 + 12) * 0.5)
    assert chosen.loc["S2", "reason"].endswith("a 12% chance it has worsened to D")


# ---------------------------------------------------------------------------------------
# Result shape and explanations


def test_it_states_price_year_vat_and_the_other_assumptions() -> None:
    result = plan(frame(item()), CATALOGUE, setup(alpha=0.5))
    assumptions = result.assumptions
    assert assumptions["price_year"] == 2026
    assert assumptions["vat_included"] is True
    assert assumptions["currency"] == "SEK"
    assert assumptions["budget_per_year"] == 1_000_000
    assert assumptions["weights"] == {"condition": 0.5, "experience": 0.25, "equity": 0.25}
    assert assumptions["alpha"] == 0.5
    assert assumptions["deterioration"] is True
    assert assumptions["method"] == "yearly"  # the exact knapsack year by year (was "milp")


def test_it_explains_each_chosen_item() -> None:
    items = frame(item("S1", "roof"), item("S2", "furniture", quantity=10, urgency=1))
    result = plan(items, CATALOGUE, setup(years=1))
    assert list(result.chosen.columns) == list(CHOSEN_COLUMNS)
    assert result.chosen["reason"].tolist() == [
        "urgency 1: safety",
        "best benefit per krona within the 2027 budget (proved optimal set): "
        "223 benefit points per 1,000 SEK",
    ]
    assert result.totals["solver_status"].tolist() == ["all fit"]


def test_it_funds_everything_in_the_first_year_when_the_budget_covers_it() -> None:
    items = frame(item("S1"), item("S2", urgency=1), item("S3", pupils=0))
    result = plan(items, CATALOGUE, setup(1e17, years=2))
    assert result.chosen["site"].tolist() == ["S2", "S1"]  # S3 is worth nothing
    assert result.totals["spent"].tolist() == [180_000, 0]
    assert result.totals["solver_status"].tolist() == ["all fit", "nothing else to fund"]


def test_it_returns_an_empty_plan_for_no_items() -> None:
    result = plan(frame(), CATALOGUE, setup(years=2))
    assert result.chosen.empty
    assert list(result.chosen.columns) == list(CHOSEN_COLUMNS)
    assert result.totals["spent"].tolist() == [0, 0]
    assert result.proved_optimal


# ---------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"budget_per_year": 0}, "budget_per_year must be a positive number of SEK, got 0"),
        ({"budget_per_year": -5.0}, "budget_per_year must be a positive number of SEK"),
        ({"budget_per_year": float("nan")}, "budget_per_year must be a positive number"),
        ({"budget_per_year": "1000"}, "budget_per_year must be a positive number"),
        ({"budget_per_year": True}, "budget_per_year must be a positive number"),
        ({"years": 0}, "years must be a whole number from 1 to 10, got 0"),
        ({"years": 11}, "years must be a whole number from 1 to 10, got 11"),
        ({"years": 2.5}, "years must be a whole number from 1 to 10"),
        ({"start_year": 1999}, "start_year must be a whole year from 2000 to 2100"),
        ({"alpha": -0.1}, "alpha must be a finite number >= 0, got -0.1"),
        ({"alpha": float("inf")}, "alpha must be a finite number >= 0"),
        ({"time_limit_s": 0}, "time_limit_s must be a positive number of seconds"),
        ({"weights": (0.5, 0.25, 0.25)}, "weights must be a ranking.Weights"),
        ({"deterioration": "yes"}, "deterioration must be True or False"),
    ],
)
def test_it_rejects_invalid_settings(changes: dict[str, Any], message: str) -> None:
    given_settings = {"budget_per_year": 1_000_000, "start_year": 2027, **changes}
    with pytest.raises(ValueError, match=f"^{message}"):
        PlanSettings(**given_settings)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"experience": -0.25}, "weight 'experience' must not be negative"),
        ({"condition": 0, "experience": 0, "equity": 0}, "at least one pillar weight"),
        ({"equity": float("nan")}, "weight 'equity' must be finite"),
    ],
)
def test_it_rejects_invalid_weights(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        setup(weights=Weights(**weights))


def _drop(column: str) -> pd.DataFrame:
    return frame(item()).drop(columns=column)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (_drop("quantity"), "items is missing required columns: quantity"),
        (
            frame(item()).drop(columns=["pupils", "equity_need"]),
            "items is missing required columns: pupils, equity_need",
        ),
        (frame(item(grade="B")), "items.grade must be 'C' or 'D'"),
        (
            frame(item(element="chimney")),
            "items.element names codes not in catalogue 2026.1: chimney",
        ),
        (frame(item(urgency=5)), "items.urgency must be 1, 2, 3, 4 or missing"),
        (frame(item(quantity=0)), "items.quantity must be a positive number on every row"),
        (frame(item(pupils=np.nan)), "items.pupils must be a number >= 0 on every row"),
        (
            frame(item(equity_need=120)),
            "items.equity_need must be from 0 to 100 or missing, got 120",
        ),
        (
            frame(item(experience_need="high")),  # type: ignore[arg-type]
            "items.experience_need must hold numbers",
        ),
        (frame(item(), item()), r"items must hold one row per \(site, element, location\)"),
        (
            frame(item(location="A", pupils=10), item(location="B", pupils=20)),
            "items.pupils must be the same on every row of a site; differs for S1",
        ),
        (
            frame(item(site=None)),  # type: ignore[arg-type]
            "items.site, items.element and items.location must not be missing",
        ),
    ],
)
def test_it_rejects_invalid_items(items: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        plan(items, CATALOGUE, setup())


def test_it_leaves_the_callers_frame_alone() -> None:
    items = frame(item("S2"), item("S1"))
    before = items.copy()
    plan(items, CATALOGUE, setup())
    pd.testing.assert_frame_equal(items, before)


def test_it_keeps_settings_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setup().years = 3  # type: ignore[misc]
