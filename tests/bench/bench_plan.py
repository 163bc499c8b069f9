"""A 5-year action plan for 5,000 sites (exact knapsack per year, deterioration, safety
first) against a naive baseline: the same rules as plain Python loops, greedy by
benefit per krona. Then issue 16's comparison: the joint plan over all years against
yearly greedy and yearly exact, same rules (no mobilisation, which only the joint plan
models; the joint plan with it is shown apart), on a demo-sized city (138 schools, the
demo's count) and 5,000 sites, over 5 and 10 years: weighted pupil-years, time, gap."""

from __future__ import annotations

import time

from tests.bench.common import Result

SITES = 5_000
YEARS = 5
DEMO_SITES = 138


def _naive(items: object, catalogue: object, budget: float) -> float:
    """Per item, per year: Python loops over dict rows, greedy choice."""
    from shared.grades import SEVERITY

    rows = items.to_dict("records")  # type: ignore[attr-defined]
    open_items = list(range(len(rows)))
    weight = {e.code: e.weight for e in catalogue.elements}  # type: ignore[attr-defined]
    rate = {e.code: e.repair_rate for e in catalogue.elements}  # type: ignore[attr-defined]
    worsen = {e.code: e.deterioration.C for e in catalogue.elements}  # type: ignore[attr-defined]
    p_d = {n: 1.0 if rows[n]["grade"] == "D" else 0.0 for n in open_items}
    total = 0.0
    for _ in range(YEARS):
        scored = []
        for n in open_items:
            r = rows[n]
            cost = r["quantity"] * (
                (1 - p_d[n]) * rate[r["element"]].C + p_d[n] * rate[r["element"]].D
            )
            severity = (1 - p_d[n]) * SEVERITY["C"] + p_d[n] * SEVERITY["D"]
            benefit = r["pupils"] * weight[r["element"]] * severity
            safety = r["urgency"] == 1
            scored.append((not safety, -benefit / cost if cost else 0.0, n, cost, benefit))
        scored.sort()
        left, funded = budget, set()
        for _, _, n, cost, benefit in scored:
            if cost <= left:
                left -= cost
                funded.add(n)
                total += benefit
        open_items = [n for n in open_items if n not in funded]
        for n in open_items:
            p_d[n] = p_d[n] + (1 - p_d[n]) * worsen[rows[n]["element"]]
    return total


def run() -> list[Result]:
    from server.planning.plan import PlanSettings, costed_items, greedy_plan, plan
    from shared.catalogue import load_catalogue
    from tests.bench.plan_city import synthetic_city

    catalogue = load_catalogue()
    items = synthetic_city(SITES)
    backlog = costed_items(items, catalogue, PlanSettings(budget_per_year=1, start_year=2027))
    budget = round(backlog["cost"].sum() / 10)  # a tenth of the backlog a year
    settings = PlanSettings(budget_per_year=budget, start_year=2027, years=YEARS, method="yearly")

    started = time.perf_counter()
    result = plan(items, catalogue, settings)
    exact_s = time.perf_counter() - started
    greedy = greedy_plan(items, catalogue, settings)
    started = time.perf_counter()
    _naive(items, catalogue, budget)
    naive_s = time.perf_counter() - started
    return [
        *_joint_against_yearly(),
        Result(
            f"{YEARS}-year plan, {SITES:,} sites ({len(items):,} candidate items)",
            exact_s,
            "Python loops, greedy",
            naive_s,
            f"every year proved optimal: {bool(result.proved_optimal)}; benefit "
            f"{result.total_benefit / greedy.total_benefit - 1:+.4%} against greedy with the "
            "same rules; a ratio below 1 is the time an exact plan costs",
        ),
    ]


def _joint_against_yearly() -> list[Result]:
    import dataclasses

    from server.planning.plan import PlanSettings, costed_items, greedy_plan, plan
    from shared.catalogue import load_catalogue
    from tests.bench.plan_city import synthetic_city

    catalogue = load_catalogue()
    results = []
    for sites, years in ((DEMO_SITES, 5), (DEMO_SITES, 10), (SITES, 5), (SITES, 10)):
        items = synthetic_city(sites)
        backlog = costed_items(items, catalogue, PlanSettings(budget_per_year=1, start_year=2027))
        settings = PlanSettings(
            budget_per_year=round(backlog["cost"].sum() / 10),  # a tenth of the backlog
            start_year=2027,
            years=years,
            mobilisation_sek=0,
            time_limit_s=60,
            mip_rel_gap=0.01,
        )
        timed = {}
        for method in ("greedy", "yearly", "joint"):
            chosen = dataclasses.replace(settings, method=method)
            started = time.perf_counter()
            result = (greedy_plan if method == "greedy" else plan)(items, catalogue, chosen)
            timed[method] = (time.perf_counter() - started, result)
        with_projects = plan(
            items, catalogue, dataclasses.replace(settings, method="joint", mobilisation_sek=50_000)
        )
        joint_s, joint = timed["joint"]
        greedy_s, greedy = timed["greedy"]
        exact_s, exact = timed["yearly"]
        py = {m: r.total_benefit_pupil_years for m, (_, r) in timed.items()}

        def projects(result: object) -> int:
            chosen = result.chosen  # type: ignore[attr-defined]
            return int(chosen.groupby("year")["site"].nunique().sum())

        results.append(
            Result(
                f"joint plan, {sites:,} sites x {years} years ({len(items):,} items)",
                joint_s,
                "yearly greedy",
                greedy_s,
                f"weighted pupil-years {py['joint']:,.0f}: {py['joint'] / py['greedy'] - 1:+.3%} "
                f"against yearly greedy, {py['joint'] / py['yearly'] - 1:+.3%} against yearly "
                f"exact ({exact_s:.1f} s); gap {joint.mip_gap:.3%} "
                f"({joint.totals['solver_status'][0]}); "
                f"school-year projects: joint {projects(joint)}, greedy {projects(greedy)}, "
                f"exact {projects(exact)}, joint with 50,000 kr mobilisation "
                f"{projects(with_projects)} ({with_projects.total_benefit_pupil_years:,.0f} "
                "pupil-years after paying for them)",
            )
        )
    return results
