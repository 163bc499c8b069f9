"""Issue 15's goals on the demo city (138 schools), through the API as a signed-in
planner: a repeated ranking request (goal <= 10 times a plain site read) and a repeated
map popup (goal <= 5 times), each against GET /api/v1/sites/{code} in the same run.
Medians of REPEAT requests, after one that computes the ranking. Smaller is better.

The demo city is loaded into the bench database and, while measured, its schools are the
only active ones (the other benches' sites are set aside and restored).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from tests.bench.bench_ranking import cold, only_active
from tests.bench.common import Cost, Result, median_of

REPEAT = 30
CODES = 10


def run() -> list[Result]:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db.models import Q
    from django.test import Client

    from server.demo import reference
    from server.demo.services import demo_load

    started = time.perf_counter()
    demo_load(data_dir=settings.DEMO_DATA_DIR)
    load_s = time.perf_counter() - started
    demo_codes = sorted(s.code for s in reference.read_sites(settings.DEMO_DATA_DIR))
    client = Client()
    logging.disable(logging.INFO)  # the sign-in's audit line amid the results
    try:
        client.force_login(User.objects.get(username="planner"))
    finally:
        logging.disable(logging.NOTSET)
    results: list[Result] = []
    with only_active(Q(code__in=demo_codes)):
        cold()

        def get(url: str) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        started = time.perf_counter()
        get("/api/v1/ranking")
        first_s = time.perf_counter() - started
        codes = random.Random(2026).sample(demo_codes, CODES)

        def cycle(url: str) -> Callable[[], None]:
            clicks = iter(codes * (REPEAT // CODES + 1))
            return lambda: get(url.format(code=next(clicks)))

        site_s = median_of(cycle("/api/v1/sites/{code}"), REPEAT)
        ranking_s = median_of(lambda: get("/api/v1/ranking"), REPEAT)
        popup_s = median_of(cycle("/api/v1/sites/{code}/popup"), REPEAT)
        site_name = "a site read, GET /api/v1/sites/{code}"
        results.append(
            Cost(
                f"demo city ({len(demo_codes)} schools): repeated GET /api/v1/ranking",
                ranking_s,
                site_name,
                site_s,
                f"goal <= 10x a site read: {'met' if ranking_s <= 10 * site_s else 'NOT met'}; "
                f"median of {REPEAT}; the first request, which computes it, "
                f"{first_s * 1000:.0f} ms; loading the demo took {load_s:.0f} s",
                per="a site read",
            )
        )
        results.append(
            Cost(
                f"demo city ({len(demo_codes)} schools): repeated popup GET "
                "/api/v1/sites/{code}/popup",
                popup_s,
                site_name,
                site_s,
                f"goal <= 5x a site read: {'met' if popup_s <= 5 * site_s else 'NOT met'}; "
                f"median of {REPEAT}, {CODES} sites in turn",
                per="a site read",
            )
        )
        results.extend(_frontier())
    cold()
    return results


def _frontier() -> list[Result]:
    """Issue 16's goal: the equity frontier (ten plans, alpha 0..5) on the demo city in
    under 10 s, against one joint plan of the same inputs; at the page's default budget
    and at 60 million kr a year. Its shape is printed too."""
    from server.planning import services
    from server.planning.plan import plan
    from server.planning.plan_frontier import equity_frontier
    from server.planning.plan_inputs import plan_inputs
    from server.planning.ranking import Weights
    from shared.catalogue import load_catalogue

    catalogue = load_catalogue()
    weights = Weights(condition=0.5, experience=0.25, equity=0.25)
    results = []
    for budget in (20_000_000, 60_000_000):
        basis = services.plan_basis(
            plan_inputs(
                budget_per_year=budget, years=5, alpha=1.0, weights=weights, start_year=2027
            )
        )
        started = time.perf_counter()
        plan(basis.items, catalogue, basis.settings, prices=basis.ranking.prices)
        one_s = time.perf_counter() - started
        started = time.perf_counter()
        points = equity_frontier(
            basis.items, catalogue, basis.settings, prices=basis.ranking.prices
        )
        frontier_s = time.perf_counter() - started
        first, last = points[0], points[-1]
        results.append(
            Cost(
                f"demo city: equity frontier, {budget / 1e6:.0f} million kr a year x 5 years "
                f"({len(basis.items):,} candidate items)",
                frontier_s,
                "one joint plan, alpha 1",
                one_s,
                f"goal < 10 s: {'met' if frontier_s < 10 else 'NOT met'}; top need quartile's "
                f"share of spend {first.top_quartile_spend_share:.1%} at alpha 0, "
                f"{last.top_quartile_spend_share:.1%} at alpha 5; of benefit "
                f"{first.top_quartile_benefit_share:.1%} -> {last.top_quartile_benefit_share:.1%};"
                f" total benefit {first.total_benefit:,.0f} -> {last.total_benefit:,.0f} "
                "weighted pupil-years",
                per="one plan",
            )
        )
    return results
