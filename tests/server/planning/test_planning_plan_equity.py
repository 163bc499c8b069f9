"""The equity report (server.planning.equity): spending and benefit by quartile of
socioeconomic need, beside the same budget planned with the equity weight at zero."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.equity import REPORT_COLUMNS, equity_report, site_quartiles
from server.planning.plan import ITEM_COLUMNS, PlanSettings, plan
from server.planning.plan_frontier import pupil_quartiles
from shared.catalogue import load_catalogue

CATALOGUE = load_catalogue()
SETTINGS = PlanSettings(budget_per_year=400_000, start_year=2027, years=1, method="yearly")


def city(needs: list[float | None], pupils: list[int]) -> pd.DataFrame:
    """One roof in grade C (100 m2, 90,000 SEK) per site; equity need = socioeconomic need."""
    rows: list[dict[str, Any]] = [
        {
            "site": f"S{n}",
            "element": "roof",
            "location": "Hus A",
            "grade": "C",
            "urgency": np.nan,
            "quantity": 100,
            "pupils": count,
            "experience_need": np.nan,
            "equity_need": need,
            "socioeconomic_need": need,
        }
        for n, (need, count) in enumerate(zip(needs, pupils, strict=True))
    ]
    return pd.DataFrame(rows, columns=[*ITEM_COLUMNS, "socioeconomic_need"])


# Low-need sites have a few more pupils, so without the equity lens they win.
ITEMS = city([10, 20, 30, 40, 60, 70, 80, 90], [215, 215, 215, 215, 200, 200, 200, 200])


def test_it_sums_each_share_to_one_and_shows_the_zero_equity_plan() -> None:
    report = equity_report(ITEMS, CATALOGUE, SETTINGS)
    assert list(report.columns) == list(REPORT_COLUMNS)
    assert report["quartile"].tolist() == ["Q1", "Q2", "Q3", "Q4"]
    for column in (
        "spend_share",
        "benefit_share",
        "spend_share_no_equity",
        "benefit_share_no_equity",
    ):
        assert report[column].sum() == pytest.approx(1.0)


def test_it_shows_what_the_equity_lens_moves_and_to_whom() -> None:
    # Budget for four roofs: with equity, the four neediest (Q3, Q4); without, Q1, Q2.
    report = equity_report(ITEMS, CATALOGUE, SETTINGS).set_index("quartile")
    assert report["sites"].tolist() == [2, 2, 2, 2]
    assert report["spend"].tolist() == [0, 0, 180_000, 180_000]
    assert report["spend_share"].tolist() == [0, 0, 0.5, 0.5]
    assert report["spend_share_no_equity"].tolist() == [0.5, 0.5, 0, 0]
    # Benefit on one yardstick (no multiplier): 2 roofs x 200 pupils x 3 x 67.
    assert report.loc["Q4", "benefit"] == pytest.approx(2 * 200 * 3 * 67)
    assert report.loc["Q1", "benefit_no_equity"] == pytest.approx(2 * 215 * 3 * 67)
    assert report.loc["Q1", "need_from"] == 10
    assert report.loc["Q4", "need_to"] == 90


def test_it_reports_sites_without_a_need_apart() -> None:
    items = city([10, 20, None, 40, 50], [100] * 5)
    quartiles = site_quartiles(items)
    assert quartiles["quartile"].to_dict() == {
        "S0": "Q1",
        "S1": "Q2",
        "S2": "unknown",
        "S3": "Q3",
        "S4": "Q4",
    }
    report = equity_report(items, CATALOGUE, SETTINGS)
    assert report["quartile"].tolist() == ["Q1", "Q2", "Q3", "Q4", "unknown"]
    assert report["spend_share"].sum() == pytest.approx(1.0)


def test_it_splits_sites_into_equal_quartiles_ties_by_site() -> None:
    items = city([50] * 8, [100] * 8)
    assert site_quartiles(items)["quartile"].tolist() == ["Q1", "Q1", "Q2", "Q2"] + [
        "Q3",
        "Q3",
        "Q4",
        "Q4",
    ]


def test_it_uses_a_given_plan_instead_of_planning_again() -> None:
    planned = plan(ITEMS, CATALOGUE, SETTINGS)
    # Drop the plan's first choice: the report must show the plan it was given.
    trimmed = type(planned)(
        chosen=planned.chosen.iloc[1:],
        totals=planned.totals,
        unfunded_safety=planned.unfunded_safety,
        assumptions=planned.assumptions,
        method=planned.method,
    )
    report = equity_report(ITEMS, CATALOGUE, SETTINGS, planned=trimmed)
    assert report["spend"].sum() == planned.chosen["cost"].iloc[1:].sum()


def test_it_gives_no_shares_when_nothing_is_funded() -> None:
    tight = PlanSettings(budget_per_year=1_000, start_year=2027, years=1, method="yearly")
    report = equity_report(ITEMS, CATALOGUE, tight)
    assert report["spend_share"].isna().all()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (ITEMS.drop(columns="socioeconomic_need"), "items is missing required columns: "),
        (ITEMS.assign(socioeconomic_need=150), "items.socioeconomic_need must be from 0 to 100"),
        (
            pd.concat([ITEMS.iloc[:1], ITEMS.iloc[:1].assign(location="B", socioeconomic_need=5)]),
            "items.socioeconomic_need must be the same on every row of a site",
        ),
    ],
)
def test_it_rejects_invalid_needs(items: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        equity_report(items, CATALOGUE, SETTINGS)


# ---------------------------------------------------------------------------------------
# Quartiles by pupils


def test_it_splits_quartiles_by_pupils_not_by_sites() -> None:
    # 1,200 pupils: the two neediest schools hold half of them, so they make up the top
    # half of the pupils; a site falls where its middle pupil does.
    items = city([10, 20, 30, 40, 50, 60, 70, 80], [100] * 6 + [300, 300])
    expected = ["Q1", "Q1", "Q1", "Q2", "Q2", "Q2", "Q3", "Q4"]
    assert pupil_quartiles(items).tolist() == expected
    assert site_quartiles(items)["quartile"].tolist() == expected
    report = equity_report(items, CATALOGUE, SETTINGS)
    assert report["sites"].tolist() == [3, 3, 1, 1]


def test_it_counts_each_site_once_when_no_site_has_pupils() -> None:
    items = city([10, 20, 30, 40], [0, 0, 0, 0])
    assert pupil_quartiles(items).tolist() == ["Q1", "Q2", "Q3", "Q4"]


# ---------------------------------------------------------------------------------------
# The equity floor (joint plan)


def joint(**changes: Any) -> PlanSettings:
    given = {
        "budget_per_year": 400_000,
        "years": 1,
        "mobilisation_sek": 0,
        "alpha": 0.0,
        "mip_rel_gap": 0.0,
        **changes,
    }
    return PlanSettings(start_year=2027, method="joint", **given)


def top_spend_share(result: Any, items: pd.DataFrame, mobilisation: float = 0.0) -> float:
    quartile = pupil_quartiles(items)
    chosen = result.chosen
    projects = chosen[["year", "site"]].drop_duplicates()
    top = chosen["site"].map(quartile) == "Q4"
    top_projects = (projects["site"].map(quartile) == "Q4").sum()
    spend = chosen["cost"].sum() + len(projects) * mobilisation
    return float((chosen.loc[top, "cost"].sum() + top_projects * mobilisation) / spend)


def test_it_holds_the_floor_when_it_can() -> None:
    # Four roofs fit; by condition alone the four largest schools (low need) get them.
    without = plan(ITEMS, CATALOGUE, joint())
    assert top_spend_share(without, ITEMS) == 0
    assert without.floor is None
    held = plan(ITEMS, CATALOGUE, joint(equity_floor=0.5))
    assert held.floor == {"share": 0.5, "reached": 0.5, "status": "met", "reason": None}
    assert top_spend_share(held, ITEMS) == 0.5
    assert {"S6", "S7"} <= set(held.chosen["site"])
    # The floor costs benefit: the plan gives up some pupil-years for it.
    assert held.total_benefit_pupil_years < without.total_benefit_pupil_years


def test_it_reports_a_floor_the_safety_spend_makes_impossible() -> None:
    # A 300,000 SEK urgency-1 roof at a low-need school leaves 100,000 of the 400,000:
    # the top quartile can get at most a quarter of the spend.
    items = ITEMS.astype({"quantity": float})
    items.loc[0, ["urgency", "quantity"]] = [1, 1000 / 3]
    result = plan(items, CATALOGUE, joint(equity_floor=0.5))
    assert result.floor is not None
    assert result.floor["status"] == "infeasible"
    assert result.floor["reason"] == (
        "the floor of 50% of the spend cannot hold: urgency-1 and pinned work already "
        "costs 300,000 SEK, 0 SEK of it in the top need quartile; the top quartile's other "
        "open work costs at most 180,000 SEK and the budgets leave 100,000 SEK, so its "
        "share of the spend can reach at most 25.0%"
    )
    # Planned without the floor: the same as no floor at all, and `reached` says so.
    plain = plan(items, CATALOGUE, joint())
    pd.testing.assert_frame_equal(result.chosen, plain.chosen)
    assert result.floor["reached"] == pytest.approx(top_spend_share(plain, items))


def test_it_reports_a_floor_no_plan_reaches_after_searching() -> None:
    # The quick bound allows 42 % (mobilisation counted each year), but the one top-
    # quartile item with its one project reaches 60,000 / 210,000 = 28.6 %.
    items = city([10, 20, 90], [300, 300, 200]).astype({"quantity": float})
    items.loc[0, ["urgency", "quantity"]] = [1, 1000 / 9]  # 100,000 SEK, safety
    items.loc[2, "quantity"] = 100 / 9  # 10,000 SEK
    chosen = joint(equity_floor=0.35, years=2, mobilisation_sek=50_000)
    result = plan(items, CATALOGUE, dataclasses.replace(chosen, budget_per_year=200_000))
    assert result.floor["reached"] < 0.35
    assert result.floor is not None and result.floor["status"] == "infeasible"
    assert str(result.floor["reason"]).startswith(
        "no plan within the budgets and the time limit reaches the floor of 35%"
    )


def test_it_needs_socioeconomic_need_for_a_floor() -> None:
    items = ITEMS.drop(columns="socioeconomic_need")
    result = plan(items, CATALOGUE, joint(equity_floor=0.3))
    assert result.floor is not None and result.floor["status"] == "infeasible"
    assert "no site has a known socioeconomic need" in str(result.floor["reason"])


@pytest.mark.parametrize("method", ["yearly", "greedy"])
def test_it_asks_for_the_joint_plan_for_a_floor(method: str) -> None:
    with pytest.raises(ValueError, match="^the equity floor needs method joint"):
        PlanSettings(budget_per_year=1, start_year=2027, method=method, equity_floor=0.2)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 100), st.integers(1, 500), st.booleans()), min_size=2, max_size=6
    ),
    st.floats(0.0, 1.0),
    st.sampled_from([0.0, 20_000.0]),
    st.integers(50_000, 400_000),
)
def test_the_floor_holds_or_is_reported_infeasible(
    sites: list[tuple[int, int, bool]], share: float, mobilisation: float, budget: int
) -> None:
    items = city([need for need, _, _ in sites], [pupils for _, pupils, _ in sites])
    items["urgency"] = [1.0 if safety else np.nan for _, _, safety in sites]
    items["quantity"] = [40 + 10 * n for n in range(len(sites))]
    chosen = joint(
        equity_floor=share, years=2, mobilisation_sek=mobilisation, budget_per_year=budget
    )
    result = plan(items, CATALOGUE, chosen)
    assert result.floor is not None
    if result.chosen.empty:
        return
    reached = top_spend_share(result, items, mobilisation)
    assert result.floor["reached"] == pytest.approx(reached)
    if result.floor["status"] == "met":
        assert reached >= share - 1e-6
        assert result.floor["reason"] is None
    else:
        assert result.floor["reason"]


def test_its_reference_plan_drops_equity_and_the_floor_and_takes_less_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import server.planning.equity as equity

    asked: list[PlanSettings] = []

    def recorded(items: pd.DataFrame, catalogue: Any, chosen: PlanSettings, **kw: Any) -> Any:
        asked.append(chosen)
        return plan(items, catalogue, chosen, **kw)

    monkeypatch.setattr(equity, "plan", recorded)
    given = dataclasses.replace(SETTINGS, method="joint", time_limit_s=10.0, equity_floor=0.1)
    equity_report(ITEMS, CATALOGUE, given, planned=plan(ITEMS, CATALOGUE, given))

    [reference] = asked
    assert (reference.alpha, reference.equity_floor) == (0.0, None)
    assert reference.time_limit_s == equity.REFERENCE_TIME_LIMIT_S < given.time_limit_s
