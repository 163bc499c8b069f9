"""Reasons as data (server.planning.plan): every chosen and unfunded row carries a
`reason_code` and a JSON-ready `reason_data` with the documented keys, in every method;
the last year's "no room" says it is the end of the plan.

Pure pandas, no database; the catalogue is the packaged 2026.1.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.plan import (
    CHOSEN_COLUMNS,
    ITEM_COLUMNS,
    UNFUNDED_COLUMNS,
    PlanSettings,
    costed_items,
    greedy_plan,
    plan,
)
from server.planning.plan_settings import (
    CHOSEN_REASON_CODES,
    CHOSEN_REASON_KEYS,
    UNFUNDED_REASON_KEYS,
    Pin,
)
from shared.catalogue import load_catalogue
from tests.server.planning.plan_rows import frame, item

CATALOGUE = load_catalogue()
METHODS = ("joint", "yearly", "greedy")


def run(items: pd.DataFrame, method: str, budget: float, **changes: Any) -> Any:
    given = {"years": 2, "mobilisation_sek": 0, **changes}
    chosen = PlanSettings(budget_per_year=budget, start_year=2027, method=method, **given)
    return (greedy_plan if method == "greedy" else plan)(items, CATALOGUE, chosen)


ITEMS = pd.DataFrame(
    [
        # 2027: two urgency-1 roofs of 90,000 SEK; only one fits a 100,000 budget.
        item("S1", urgency=1, pupils=640, equity_need=80),
        item("S2", urgency=1, pupils=100, equity_need=40),
        # S1's facade and furniture go with its roof, or later.
        item("S1", "facade", quantity=5, pupils=640, equity_need=80),
        item("S1", "furniture", quantity=10, pupils=640, equity_need=80),
        # Never fits: 2,500,000 SEK of urgency 1.
        item("S3", urgency=1, grade="D", quantity=1000, pupils=300, equity_need=10),
        item("S4", "furniture", pupils=50),  # 30,000 SEK, pinned to 2028
    ],
    columns=list(ITEM_COLUMNS),
)


@pytest.mark.parametrize("method", METHODS)
def test_every_row_carries_a_code_and_its_numbers(method: str) -> None:
    pins = (Pin("S4", 2028, "furniture", "Hus A"),)
    result = run(ITEMS, method, 100_000, pins=pins, deterioration=False)
    assert list(result.chosen.columns) == list(CHOSEN_COLUMNS)
    assert list(result.unfunded_safety.columns) == list(UNFUNDED_COLUMNS)
    codes = dict(
        zip(
            result.chosen["element"] + "@" + result.chosen["site"],
            result.chosen["reason_code"],
            strict=True,
        )
    )
    assert codes["roof@S1"] == "safety"
    assert codes["roof@S2"] == "safety_late"
    assert codes["furniture@S4"] == "pinned"
    assert set(codes.values()) <= set(CHOSEN_REASON_CODES)
    for data in result.chosen["reason_data"]:
        assert tuple(data) == CHOSEN_REASON_KEYS
        json.dumps(data)  # JSON-ready: plain Python values only
    for code, data in zip(
        result.unfunded_safety["reason_code"], result.unfunded_safety["reason_data"], strict=True
    ):
        assert tuple(data) == UNFUNDED_REASON_KEYS[code]
        json.dumps(data)
    over = result.unfunded_safety[result.unfunded_safety["site"] == "S3"]
    assert over["reason_code"].tolist() == ["over_budget", "over_budget"]
    assert over["reason_data"].iloc[0] == {
        "cost": 2_500_000.0,
        "budget": 100_000.0,
        "mobilisation": 0.0,
    }
    no_room = result.unfunded_safety[result.unfunded_safety["site"] == "S2"]
    assert no_room["reason_code"].tolist() == ["no_room"]
    assert no_room["reason_data"].iloc[0] == {"year": 2027, "last_year": False}


def test_the_data_holds_the_numbers_the_reason_is_made_of() -> None:
    result = run(ITEMS, "joint", 100_000, years=1)
    roof = result.chosen.set_index(["site", "element"]).loc[("S1", "roof")]
    data = roof["reason_data"]
    assert data["year"] == 2027
    assert data["element"] == "roof"
    assert data["grade"] == "C"
    assert data["pupils"] == 640
    assert data["need"] == "high"
    assert data["pupil_years"] == pytest.approx(roof["pupil_years"])
    assert data["benefit_per_ksek"] == pytest.approx(roof["benefit_per_ksek"])
    assert data["p_grade_d"] == 0.0 and data["worsened"] is False
    assert data["first_year"] == 2027
    assert data["method"] == "joint"
    # The facade and the furniture fit beside the roof: one project at S1.
    assert data["with_elements"] == sorted(
        set(result.chosen.loc[result.chosen["site"] == "S1", "element"]) - {"roof"}
    )
    assert data["with_elements"]


@pytest.mark.parametrize(
    ("need", "level"), [(67, "high"), (66.9, "medium"), (33, "medium"), (32, "low"), (None, None)]
)
def test_it_names_the_need_level(need: float | None, level: str | None) -> None:
    items = pd.DataFrame(
        [item("S1", equity_need=np.nan if need is None else need)], columns=list(ITEM_COLUMNS)
    )
    result = run(items, "yearly", 1_000_000, years=1)
    assert result.chosen["reason_data"].iloc[0]["need"] == level


def test_a_repair_that_costs_nothing_is_free() -> None:
    from server.planning.plan_settings import CostOverride

    items = pd.DataFrame([item("S1")], columns=list(ITEM_COLUMNS))
    result = run(
        items, "yearly", 1_000, years=1, cost_overrides=(CostOverride("S1", "roof", "Hus A", 0),)
    )
    assert result.chosen["reason_code"].tolist() == ["free"]
    assert result.chosen["reason_data"].iloc[0]["benefit_per_ksek"] is None


@pytest.mark.parametrize("method", METHODS)
def test_the_last_year_is_worded_as_the_end_of_the_plan(method: str) -> None:
    result = run(ITEMS.iloc[:2], method, 100_000, years=1)
    last = result.unfunded_safety.set_index("site").loc["S2"]
    assert last["reason"] == "does not fit the 2027 budget, the last year of the plan"
    assert last["reason_code"] == "no_room"
    assert last["reason_data"] == {"year": 2027, "last_year": True}


@pytest.mark.parametrize("method", METHODS)
def test_a_worsened_item_says_so(method: str) -> None:
    # One roof a year: the second waits and may have worsened (roof C->D 12 % a year).
    items = pd.DataFrame(
        [item("S1", pupils=300), item("S2", pupils=200)], columns=list(ITEM_COLUMNS)
    )
    result = run(items, method, 130_000)
    later = result.chosen.set_index("site").loc["S2"]
    assert later["year"] == 2028
    assert later["reason_code"] == "chosen"
    assert later["reason_data"]["worsened"] is True
    assert later["reason_data"]["p_grade_d"] == pytest.approx(0.12)


CODES = ("roof", "fire_safety", "furniture", "toilets")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(CODES),
            st.sampled_from(["C", "D"]),
            st.sampled_from([1.0, 2.0, np.nan]),
            st.integers(1, 80),
        ),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(METHODS),
    st.integers(1_000, 150_000),
    st.integers(1, 3),
)
def test_every_row_has_a_documented_code_and_keys(
    rows: list[tuple[int, str, str, float, int]], method: str, budget: int, years: int
) -> None:
    items = pd.DataFrame(
        [
            item(
                f"S{s}",
                code,
                f"L{i}",
                grade=grade,
                urgency=urgency,
                quantity=quantity,
                pupils=100 * (s + 1),
                equity_need=25.0 * s,
            )
            for i, (s, code, grade, urgency, quantity) in enumerate(rows)
        ],
        columns=list(ITEM_COLUMNS),
    )
    result = run(items, method, budget, years=years, mobilisation_sek=5_000)
    for code, data in zip(result.chosen["reason_code"], result.chosen["reason_data"], strict=True):
        assert code in CHOSEN_REASON_CODES
        assert tuple(data) == CHOSEN_REASON_KEYS
    for code, data, year in zip(
        result.unfunded_safety["reason_code"],
        result.unfunded_safety["reason_data"],
        result.unfunded_safety["year"],
        strict=True,
    ):
        assert tuple(data) == UNFUNDED_REASON_KEYS[code]
        if code == "no_room":
            assert data["last_year"] == (year == 2027 + years - 1)


def test_a_safety_item_its_schools_mobilisation_puts_over_the_budget_says_so() -> None:
    # 2 m2 of fire safety in D costs less than the budget, but not with the 50,000 kr a
    # school's project costs to start: no year can fund it, and "next year" would be untrue.
    items = frame(item("S1", "fire_safety", grade="D", urgency=1, quantity=2))
    cost = float(
        costed_items(items, CATALOGUE, PlanSettings(budget_per_year=1, start_year=2027))[
            "cost"
        ].iloc[0]
    )
    budget = cost + 10_000
    result = run(items, "joint", budget, mobilisation_sek=50_000)

    assert result.chosen.empty
    assert set(result.unfunded_safety["reason_code"]) == {"over_budget"}
    assert result.unfunded_safety["reason_data"].iloc[0] == {
        "cost": pytest.approx(cost + 50_000),
        "budget": budget,
        "mobilisation": 50_000.0,
    }
