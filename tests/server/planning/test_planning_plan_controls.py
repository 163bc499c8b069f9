"""The planner's controls (server.planning.plan with PlanSettings pins, exclusions and
cost overrides): honoured by every method, reported with the items they touched, and
refused with a precise message when they name nothing or would drop safety work.

Pure pandas, no database; the catalogue is the packaged 2026.1 (roof 900 / 2,500 SEK a
m2 for C / D, fire_safety 200 / 600, furniture 300 / 800).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.plan import PlanSettings, greedy_plan, plan
from server.planning.plan_settings import CostOverride, Exclusion, Pin
from shared.catalogue import load_catalogue
from tests.server.planning.plan_rows import frame, item

CATALOGUE = load_catalogue()
METHODS = ("joint", "yearly", "greedy")
KEY = ["site", "element", "location"]


def run(items: pd.DataFrame, method: str, budget: float = 100_000, **changes: Any) -> Any:
    given = {"years": 3, "mobilisation_sek": 0, "deterioration": False, **changes}
    chosen = PlanSettings(budget_per_year=budget, start_year=2027, method=method, **given)
    return (greedy_plan if method == "greedy" else plan)(items, CATALOGUE, chosen)


def year_of(result: Any) -> dict[tuple[str, str, str], int]:
    return {tuple(key): year for *key, year in result.chosen[[*KEY, "year"]].values}


# Two roofs (90,000 SEK each), one fits a year; S1 has more pupils and goes first.
ROOFS = frame(item("S1", pupils=400), item("S2", pupils=100))


@pytest.mark.parametrize("method", METHODS)
def test_it_funds_a_pinned_item_in_its_year(method: str) -> None:
    assert year_of(run(ROOFS, method)) == {
        ("S1", "roof", "Hus A"): 2027,
        ("S2", "roof", "Hus A"): 2028,
    }
    result = run(ROOFS, method, pins=(Pin("S2", 2027, "roof", "Hus A"),))
    # The pin takes 2027; S1 waits for the next year's money.
    assert year_of(result) == {("S2", "roof", "Hus A"): 2027, ("S1", "roof", "Hus A"): 2028}
    pinned = result.chosen.set_index("site").loc["S2"]
    assert pinned["reason_code"] == "pinned"
    assert pinned["reason"] == "pinned to 2027 by the planner"
    assert result.controls == [
        {
            "kind": "pin",
            "site": "S2",
            "element": "roof",
            "location": "Hus A",
            "year": 2027,
            "cost_sek": None,
            "items": 1,
        }
    ]


@pytest.mark.parametrize("method", METHODS)
def test_it_funds_a_pin_over_the_budget_and_shows_the_overspend(method: str) -> None:
    items = frame(item("S1", pupils=400), item("S2", "roof", "Hus B", quantity=200))
    # S2's roof costs 180,000 SEK, more than the year's 100,000: funded, and overspent.
    result = run(items, method, pins=(Pin("S2", 2028, "roof", "Hus B"),))
    assert year_of(result)[("S2", "roof", "Hus B")] == 2028
    totals = result.totals.set_index("year")
    assert totals.loc[2028, "spent"] == 180_000
    assert totals.loc[2028, "unspent"] == -80_000
    assert year_of(result)[("S1", "roof", "Hus A")] == 2027


@pytest.mark.parametrize("method", METHODS)
def test_it_pins_a_whole_school_project_and_lets_a_narrower_pin_win(method: str) -> None:
    items = frame(
        item("S1", "roof", pupils=400),
        item("S2", "furniture", "Hus A", quantity=10, pupils=100),  # 3,000
        item("S2", "fire_safety", "Hus A", quantity=10, pupils=100),  # 2,000
        item("S2", "roof", "Hus B", quantity=10, pupils=100),  # 9,000
    )
    pins = (Pin("S2", 2029), Pin("S2", 2028, "roof"))
    result = run(items, method, pins=pins)
    years = year_of(result)
    assert years[("S2", "furniture", "Hus A")] == 2029
    assert years[("S2", "fire_safety", "Hus A")] == 2029
    assert years[("S2", "roof", "Hus B")] == 2028
    assert [control["items"] for control in result.controls] == [3, 1]


@pytest.mark.parametrize("method", METHODS)
def test_it_never_funds_an_excluded_item(method: str) -> None:
    result = run(ROOFS, method, budget=1_000_000, exclusions=(Exclusion("S1"),))
    assert year_of(result) == {("S2", "roof", "Hus A"): 2027}
    assert result.controls[0]["kind"] == "exclusion"
    assert result.controls[0]["items"] == 1


@pytest.mark.parametrize("method", METHODS)
def test_it_costs_an_item_at_the_planners_override_in_every_year(method: str) -> None:
    # At its own 10,000 SEK, S2's roof fits beside S1's in 2027.
    override = CostOverride("S2", "roof", "Hus A", 10_000)
    result = run(ROOFS, method, cost_overrides=(override,), deterioration=True)
    chosen = result.chosen.set_index("site")
    assert chosen.loc["S2", "cost"] == 10_000
    assert chosen.loc["S2", "year"] == 2027
    assert result.controls[0] == {
        "kind": "override",
        "site": "S2",
        "element": "roof",
        "location": "Hus A",
        "year": None,
        "cost_sek": 10_000,
        "items": 1,
    }


def test_an_override_stays_the_same_in_later_years() -> None:
    # A pin in the last year sees the override, not the deteriorated estimate.
    override = CostOverride("S2", "roof", "Hus A", 50_000)
    result = run(
        ROOFS,
        "yearly",
        cost_overrides=(override,),
        pins=(Pin("S2", 2029, "roof", "Hus A"),),
        deterioration=True,
    )
    chosen = result.chosen.set_index("site")
    assert chosen.loc["S2", "year"] == 2029
    assert chosen.loc["S2", "cost"] == 50_000
    assert chosen.loc["S2", "p_grade_d"] > 0  # the grade did worsen; the cost did not


@pytest.mark.parametrize("method", METHODS)
def test_it_keeps_a_school_exclusion_but_funds_the_item_pinned_inside_it(method: str) -> None:
    items = frame(item("S1", "roof"), item("S1", "furniture", quantity=10))
    result = run(
        items,
        method,
        exclusions=(Exclusion("S1"),),
        pins=(Pin("S1", 2028, "furniture", "Hus A"),),
    )
    assert year_of(result) == {("S1", "furniture", "Hus A"): 2028}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"pins": (Pin("S9", 2027, "roof", ""),)},
            "pin: no open item at site S9 element roof location ''",
        ),
        (
            {"exclusions": (Exclusion("S1", "toilets"),), "pins": (Pin("S7", 2028),)},
            "pin: no open item at site S7; exclusion: no open item at site S1 element toilets",
        ),
        (
            {"cost_overrides": (CostOverride("S1", "roof", "Hus Z", 5),)},
            "override: no open item at site S1 element roof location 'Hus Z'",
        ),
        (
            {"exclusions": (Exclusion("S3", "fire_safety", "Hus A"),)},
            "exclusion: urgency-1 \\(safety\\) items cannot be excluded: "
            "site S3 element fire_safety location 'Hus A'",
        ),
        (
            {"pins": (Pin("S1", 2027), Pin("S1", 2028))},
            "pins and exclusions disagree at the same level for site S1",
        ),
    ],
)
def test_it_refuses_controls_that_name_nothing_or_drop_safety_work(
    changes: dict[str, Any], message: str
) -> None:
    items = frame(*ROOFS.to_dict("records"), item("S3", "fire_safety", urgency=1))
    for method in METHODS:
        with pytest.raises(ValueError, match=f"^{message}"):
            run(items, method, **changes)


@pytest.mark.parametrize("method", METHODS)
def test_a_schools_pin_or_exclusion_leaves_its_safety_work_first(method: str) -> None:
    items = frame(item("S3", "fire_safety", urgency=1), item("S3", "furniture"))

    pinned = run(items, method, budget=10_000_000, pins=(Pin("S3", 2029),))
    excluded = run(items, method, budget=10_000_000, exclusions=(Exclusion("S3"),))

    assert year_of(pinned) == {
        ("S3", "fire_safety", "Hus A"): 2027,
        ("S3", "furniture", "Hus A"): 2029,
    }
    assert year_of(excluded) == {("S3", "fire_safety", "Hus A"): 2027}
    assert [c["items"] for c in excluded.controls] == [1]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: {"pins": (Pin("S1", 2030),)}, "pin: year 2030 for site S1 is outside the plan"),
        (lambda: {"pins": (Pin("S1", 2027, None, "Hus A"),)}, "pin: a location needs an element"),
        (lambda: {"pins": [Pin("S1", 2027)]}, "pins must be a tuple of Pin"),
        (
            lambda: {"cost_overrides": (CostOverride("S1", "roof", "A", -1),)},
            "override: cost_sek must be from 0 to 1e9 SEK",
        ),
        (
            lambda: {
                "cost_overrides": (
                    CostOverride("S1", "roof", "A", 1),
                    CostOverride("S1", "roof", "A", 2),
                )
            },
            "override: more than one cost for site S1 element roof location 'A'",
        ),
        (lambda: {"exclusions": (Exclusion(""),)}, "exclusion: site must be a non-empty string"),
    ],
)
def test_it_rejects_invalid_controls(make: Callable[[], dict[str, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        PlanSettings(budget_per_year=1, start_year=2027, years=3, **make())


# ---------------------------------------------------------------------------------------
# Urgency 1 is never dropped, whatever the controls


@st.composite
def controlled(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, Any]]:
    n_sites = draw(st.integers(1, 4))
    pupils = [draw(st.integers(1, 600)) for _ in range(n_sites)]
    rows = []
    for i in range(draw(st.integers(2, 12))):
        s = draw(st.integers(0, n_sites - 1))
        rows.append(
            item(
                f"S{s}",
                draw(st.sampled_from(["roof", "fire_safety", "furniture", "toilets"])),
                f"L{i}",
                grade=draw(st.sampled_from(["C", "D"])),
                urgency=draw(st.sampled_from([1.0, 2.0, 3.0, np.nan])),
                quantity=draw(st.integers(1, 60)),
                pupils=pupils[s],
            )
        )
    items = frame(*rows)
    keys = [tuple(key) for key in items[KEY].values]
    safety = set(map(tuple, items.loc[items["urgency"] == 1, KEY].values))
    others = [key for key in keys if key not in safety]
    picked = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    pins = tuple(Pin(s, 2027 + draw(st.integers(0, 2)), e, loc) for s, e, loc in picked)
    excluded = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
    exclusions = tuple(Exclusion(*key) for key in excluded if key not in picked)
    overridden = draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))
    overrides = tuple(CostOverride(*key, float(draw(st.integers(0, 50_000)))) for key in overridden)
    return items, {"pins": pins, "exclusions": exclusions, "cost_overrides": overrides}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controlled(), st.sampled_from(METHODS), st.integers(5_000, 120_000))
def test_it_never_drops_an_urgency_1_item_under_controls(
    case: tuple[pd.DataFrame, dict[str, Any]], method: str, budget: int
) -> None:
    items, controls = case
    result = run(items, method, budget=budget, **controls)
    safety = set(map(tuple, items.loc[items["urgency"] == 1, KEY].values))
    funded = set(map(tuple, result.chosen.loc[result.chosen["safety"], KEY].values))
    last = result.unfunded_safety[result.unfunded_safety["year"] == 2029]
    never = set(map(tuple, last[KEY].values))
    assert funded | never == safety and not funded & never
    # Every pin is done in its year, no exclusion is done at all.
    years = year_of(result)
    for pin in controls["pins"]:
        assert years[(pin.site, pin.element, pin.location)] == pin.year
    for exclusion in controls["exclusions"]:
        assert (exclusion.site, exclusion.element, exclusion.location) not in years
    assert not result.chosen.duplicated(KEY).any()


@pytest.mark.parametrize("method", METHODS)
def test_a_pins_overspend_rolls_forward_as_debt_with_carry_over(method: str) -> None:
    items = frame(item("S1", pupils=400), item("S2", "roof", "Hus B", quantity=200))
    result = run(items, method, carry_over=True, pins=(Pin("S2", 2027, "roof", "Hus B"),))
    # 2027 spends 180,000 of 100,000: 80,000 owed. 2028 has 20,000, too little for S1's
    # 90,000 roof; 2029 has 120,000.
    assert year_of(result) == {("S2", "roof", "Hus B"): 2027, ("S1", "roof", "Hus A"): 2029}
    assert result.totals["unspent"].tolist() == [-80_000, 20_000, 30_000]
