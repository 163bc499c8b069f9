"""The joint plan over all years (server.planning.plan_joint via `plan`, method="joint"):
equal to brute force on small instances with mobilisation and carry-over, urgency 1 never
dropped, the optimality gap reported; carry-over in the yearly plan; HiGHS kept quiet.

Pure pandas, no database; the catalogue is the packaged 2026.1.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.plan import ITEM_COLUMNS, PlanSettings, costed_items, greedy_plan, plan
from server.planning.plan_settings import CostOverride, Exclusion, Pin
from server.planning.plan_solvers import _quiet_stdout
from shared.catalogue import load_catalogue

CATALOGUE = load_catalogue()
CODES = ("roof", "fire_safety", "furniture", "toilets", "play_equipment", "seating")
TOTAL_WEIGHT = sum(element.weight for element in CATALOGUE.elements)
KEY = ["site", "element", "location"]
FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def setup(budget: float, **changes: Any) -> PlanSettings:
    return PlanSettings(budget_per_year=budget, start_year=2027, method="joint", **changes)


@st.composite
def instances(
    draw: st.DrawFn, max_items: int = 6, safety: bool = False
) -> tuple[pd.DataFrame, int, float, float]:
    """Items at 1-3 schools, 2-3 years, and a budget a share of the backlog."""
    n_sites = draw(st.integers(1, 3))
    context = {
        f"S{s}": {
            "pupils": draw(st.integers(1, 600)),
            "experience_need": draw(st.one_of(st.none(), st.integers(0, 100))),
            "equity_need": draw(st.one_of(st.none(), st.integers(0, 100))),
        }
        for s in range(n_sites)
    }
    urgencies = [2, 3, 4, None, *([1, 1] if safety else [])]
    rows = []
    for i in range(draw(st.integers(4, max_items))):
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
    years = draw(st.integers(2, 3))
    total = float(costed_items(items, CATALOGUE, setup(1))["cost"].sum())
    budget = max(1.0, round(total * draw(st.floats(0.1, 0.6)) / years))
    mobilisation = draw(st.sampled_from([0.0, 2_000.0, 10_000.0]))
    return items, years, budget, mobilisation


def brute_force(items: pd.DataFrame, chosen: PlanSettings) -> float:
    """Most weighted pupil-years over every assignment of each item to a year or none,
    costed from `costed_items` (without the controls, which are applied here by hand)
    and valued here by the formula in the issue.

    Controls: a pinned item is done in its year, an excluded one never, an overridden
    one costs its override in every year. Pins are paid whatever the budget (with their
    schools' mobilisation); the rest of a year's work must fit what the budget leaves
    after them, or nothing if they overspend it (with carry-over: what the budgets up
    to each year leave after the pins up to it)."""
    years, horizon = chosen.years, chosen.horizon
    budget = math.floor(chosen.budget_per_year * 100)
    mobilisation = math.floor(chosen.mobilisation_sek * 100)
    plain = dataclasses.replace(chosen, pins=(), exclusions=(), cost_overrides=())
    cost = np.zeros((years, len(items)), dtype=np.int64)
    value = np.zeros((years, len(items)))
    for t in range(years):
        costed = costed_items(items, CATALOGUE, plain, years_ahead=t)
        cost[t] = np.rint(costed["cost"].to_numpy() * 100).astype(np.int64)
        weight = np.array([CATALOGUE.element(code).weight for code in costed["element"]])
        value[t] = (
            costed["pupils"].to_numpy()
            * weight
            / TOTAL_WEIGHT
            * costed["expected_severity"].to_numpy()
            / 100
            * (horizon - t)
            * costed["multiplier"].to_numpy()
        )
    keys = [tuple(key) for key in costed[KEY].values]
    for override in chosen.cost_overrides:
        cost[:, keys.index((override.site, override.element, override.location))] = round(
            override.cost_sek * 100
        )
    choices: list[list[int]] = [list(range(-1, years)) for _ in keys]
    pinned = np.zeros(len(keys), dtype=bool)
    for pin in chosen.pins:
        at = keys.index((pin.site, pin.element, pin.location))
        choices[at] = [pin.year - chosen.start_year]
        pinned[at] = True
    for exclusion in chosen.exclusions:
        choices[keys.index((exclusion.site, exclusion.element, exclusion.location))] = [-1]
    school = pd.get_dummies(costed["site"]).to_numpy(dtype=np.int64)  # item x school
    # Every assignment at once: row a gives each item's year, -1 for none.
    assignments = np.array(list(itertools.product(*choices)))
    spend = np.zeros((len(assignments), years), dtype=np.int64)
    forced = np.zeros(years, dtype=np.int64)
    total = np.zeros(len(assignments))
    for t in range(years):
        done = (assignments == t).astype(np.int64)
        projects = ((done @ school) > 0).sum(axis=1)
        spend[:, t] = done @ cost[t] + mobilisation * projects
        pins_now = done[0] * pinned  # pins are the same in every assignment
        forced[t] = pins_now @ cost[t] + mobilisation * int(((pins_now @ school) > 0).sum())
        total += done @ value[t]
    new = spend - forced
    if chosen.carry_over:
        allowed = np.maximum(np.cumsum(budget - forced), 0)
        fits = (np.cumsum(new, axis=1) <= allowed).all(axis=1)
    else:
        fits = (new <= np.maximum(budget - forced, 0)).all(axis=1)
    return float(total[fits].max())


@FAST
@given(instances(), st.booleans())
def test_it_equals_brute_force_with_mobilisation_and_carry_over(
    instance: tuple[pd.DataFrame, int, float, float], carry_over: bool
) -> None:
    items, years, budget, mobilisation = instance
    chosen = setup(
        budget, years=years, mobilisation_sek=mobilisation, carry_over=carry_over, mip_rel_gap=0.0
    )
    result = plan(items, CATALOGUE, chosen)
    assert result.total_benefit_pupil_years == pytest.approx(
        brute_force(items, chosen), rel=1e-6, abs=1e-9
    )
    assert result.mip_gap is not None and result.mip_gap <= 1e-6
    # What the plan says it spends is what its rows and projects cost, within budget.
    spent = result.chosen.groupby("year")["cost"].sum().reindex(result.totals["year"], fill_value=0)
    projects = result.chosen.groupby("year")["site"].nunique()
    projects = projects.reindex(result.totals["year"], fill_value=0)
    assert result.totals["spent"].to_numpy() == pytest.approx(
        (spent + projects * mobilisation).to_numpy()
    )
    allowed = budget * np.arange(1, years + 1) if carry_over else budget
    spend = np.cumsum(result.totals["spent"]) if carry_over else result.totals["spent"]
    assert (spend.to_numpy() <= allowed + 1e-6).all()


@st.composite
def controls(draw: st.DrawFn, items: pd.DataFrame, years: int) -> dict[str, Any]:
    """Up to two pins, one exclusion and two cost overrides on distinct items."""
    keys = [tuple(key) for key in items[KEY].values]
    picked = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    pins = tuple(Pin(s, 2027 + draw(st.integers(0, years - 1)), e, loc) for s, e, loc in picked[:2])
    exclusions = tuple(Exclusion(*key) for key in picked[2:])
    overridden = draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))
    overrides = tuple(CostOverride(*key, float(draw(st.integers(0, 40_000)))) for key in overridden)
    return {"pins": pins, "exclusions": exclusions, "cost_overrides": overrides}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans(), st.data())
def test_it_equals_brute_force_with_pins_exclusions_and_overrides(
    instance: tuple[pd.DataFrame, int, float, float], carry_over: bool, data: st.DataObject
) -> None:
    items, years, budget, mobilisation = instance
    chosen = setup(
        budget,
        years=years,
        mobilisation_sek=mobilisation,
        carry_over=carry_over,
        mip_rel_gap=0.0,
        **data.draw(controls(items, years)),
    )
    result = plan(items, CATALOGUE, chosen)
    assert result.total_benefit_pupil_years == pytest.approx(
        brute_force(items, chosen), rel=1e-6, abs=1e-9
    )
    done = {tuple(key): year for *key, year in result.chosen[[*KEY, "year"]].values}
    for pin in chosen.pins:
        assert done[(pin.site, pin.element, pin.location)] == pin.year
    for exclusion in chosen.exclusions:
        assert (exclusion.site, exclusion.element, exclusion.location) not in done
    costs = {tuple(key): cost for *key, cost in result.chosen[[*KEY, "cost"]].values}
    for override in chosen.cost_overrides:
        key = (override.site, override.element, override.location)
        assert key not in costs or costs[key] == override.cost_sek


@FAST
@given(instances(max_items=8, safety=True))
def test_it_never_drops_an_urgency_1_item(instance: tuple[pd.DataFrame, int, float, float]) -> None:
    items, years, budget, mobilisation = instance
    result = plan(items, CATALOGUE, setup(budget, years=years, mobilisation_sek=mobilisation))
    safety = set(map(tuple, items.loc[items["urgency"] == 1, KEY].values))
    funded = set(map(tuple, result.chosen.loc[result.chosen["safety"], KEY].values))
    last = result.unfunded_safety[result.unfunded_safety["year"] == 2027 + years - 1]
    never = set(map(tuple, last[KEY].values))
    assert funded | never == safety and not funded & never
    assert not result.chosen.duplicated(KEY).any()
    if mobilisation == 0:
        # An item no year funds did not fit beside the urgency-1 work of any year.
        for year in range(2027, 2027 + years):
            rows = result.chosen[result.chosen["year"] == year]
            left = budget - rows.loc[rows["safety"], "cost"].sum()
            unfunded = result.unfunded_safety[result.unfunded_safety["year"] == year]
            missing = unfunded.loc[
                np.array([key in never for key in map(tuple, unfunded[KEY].values)], dtype=bool)
            ]
            assert (missing["cost"] > left - 1e-6).all()


def test_it_funds_urgency_1_most_severe_first_in_the_earliest_year_it_fits() -> None:
    def item(location: str, grade: str, pupils: int, site: str = "S1") -> dict[str, Any]:
        return {
            "site": site,
            "element": "fire_safety",
            "location": location,
            "grade": grade,
            "urgency": 1,
            "quantity": 10,  # C: 2,000 SEK, D: 6,000 SEK
            "pupils": pupils,
            "experience_need": np.nan,
            "equity_need": np.nan,
        }

    items = pd.DataFrame(
        [item("C-many", "C", 600), item("D-few", "D", 10, "S2"), item("D-many", "D", 500, "S3")],
        columns=list(ITEM_COLUMNS),
    )
    result = plan(items, CATALOGUE, setup(7_000, years=3, mobilisation_sek=0, deterioration=False))
    year_of = result.chosen.set_index("location")["year"].to_dict()
    # D before C, then more pupils: D-many (6,000) takes 2027, D-few (6,000) fits first
    # in 2028, and C-many (2,000) fits beside neither (8,000 > 7,000): 2029.
    assert year_of == {"D-many": 2027, "D-few": 2028, "C-many": 2029}
    assert result.unfunded_safety.groupby("year").size().to_dict() == {2027: 2, 2028: 1}


def test_it_lists_an_urgency_1_item_no_year_can_afford_in_every_year() -> None:
    items = pd.DataFrame(
        [
            {
                "site": "S1",
                "element": "roof",
                "location": "Hus A",
                "grade": "D",
                "urgency": 1,
                "quantity": 1_000,  # 2.5 MSEK
                "pupils": 300,
                "experience_need": np.nan,
                "equity_need": np.nan,
            }
        ],
        columns=list(ITEM_COLUMNS),
    )
    result = plan(items, CATALOGUE, setup(1_000_000, years=2))
    assert result.chosen.empty
    assert result.unfunded_safety["year"].tolist() == [2027, 2028]
    assert "more than a whole year's budget" in result.unfunded_safety["reason"].iloc[0]


def test_it_reports_the_gap_it_reached() -> None:
    rng = np.random.default_rng(5)
    n, schools = 30, 6
    items = pd.DataFrame(
        {
            "site": [f"S{i % schools:02d}" for i in range(n)],
            "element": rng.choice(CODES, n),
            "location": [f"L{i}" for i in range(n)],
            "grade": rng.choice(["C", "D"], n),
            "urgency": rng.choice([2.0, 3.0, np.nan], n),
            "quantity": rng.integers(1, 80, n).astype(float),
            "pupils": np.tile(rng.integers(50, 700, schools), n // schools).astype(float),
            "experience_need": np.nan,
            "equity_need": np.tile(rng.uniform(0, 100, schools), n // schools),
        }
    )
    exact = plan(items, CATALOGUE, setup(60_000, years=3, mip_rel_gap=0.0, mobilisation_sek=20_000))
    assert exact.mip_gap is not None and exact.mip_gap <= 1e-9 and exact.proved_optimal
    loose = plan(
        items, CATALOGUE, setup(60_000, years=3, mip_rel_gap=0.05, mobilisation_sek=20_000)
    )
    # HiGHS stops once within 5 %; on this instance that is before proving optimality.
    assert loose.mip_gap is not None and 0 < loose.mip_gap <= 0.05
    assert not loose.proved_optimal
    assert loose.assumptions["mip_gap"] == loose.mip_gap
    assert loose.total_benefit_pupil_years >= exact.total_benefit_pupil_years * (1 - 0.05)
    assert loose.totals["solver_status"].iloc[0] == "within 5.00% of optimal"


def test_it_rolls_unspent_money_forward_with_carry_over() -> None:
    items = pd.DataFrame(
        [
            {
                "site": "S1",
                "element": "roof",
                "location": "Hus A",
                "grade": "C",
                "urgency": 2,
                "quantity": 100,  # 90,000 SEK
                "pupils": 300,
                "experience_need": np.nan,
                "equity_need": np.nan,
            }
        ],
        columns=list(ITEM_COLUMNS),
    )
    common = {
        "budget_per_year": 60_000,
        "start_year": 2027,
        "years": 2,
        "deterioration": False,
        "mobilisation_sek": 0,
    }
    for method in ("joint", "yearly", "greedy"):
        without = plan(items, CATALOGUE, PlanSettings(**common, method=method))
        assert without.chosen.empty, method
        planner = greedy_plan if method == "greedy" else plan
        rolled = planner(items, CATALOGUE, PlanSettings(**common, method=method, carry_over=True))
        assert rolled.chosen["year"].tolist() == [2028], method
        assert rolled.totals["carried_in"].tolist() == [0, 60_000], method
        assert rolled.totals["unspent"].tolist() == [60_000, 30_000], method


def test_it_earns_more_pupil_years_for_the_same_repair_done_earlier() -> None:
    items = pd.DataFrame(
        [
            {
                "site": "S1",
                "element": "roof",
                "location": "Hus A",
                "grade": "D",
                "urgency": 2,
                "quantity": 10,
                "pupils": 400,
                "experience_need": np.nan,
                "equity_need": np.nan,
            }
        ],
        columns=list(ITEM_COLUMNS),
    )
    result = plan(items, CATALOGUE, setup(1_000_000, years=3, mobilisation_sek=0))
    # D stays D: severity 100; weight share 3 / total; multiplier 0.5; 3 + 5 years left.
    expected = 400 * 3 / TOTAL_WEIGHT * 100 / 100 * 8 * 0.5
    assert result.chosen["year"].tolist() == [2027]
    assert result.total_benefit_pupil_years == pytest.approx(expected)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "milp"}, "method"),
        ({"mobilisation_sek": -1}, "mobilisation_sek"),
        ({"carry_over": 1}, "carry_over"),
        ({"horizon_years": 2, "years": 3}, "horizon_years"),
        ({"mip_rel_gap": 1.0}, "mip_rel_gap"),
    ],
)
def test_it_rejects_invalid_joint_settings(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        PlanSettings(budget_per_year=1, start_year=2027, **changes)


def test_it_keeps_the_c_printf_of_highs_off_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    with _quiet_stdout():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "after\n"
