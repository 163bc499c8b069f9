"""Ranking with stability from the database, for 5,000 and 100,000 sites, against the naive
way: per-site queries and Python loops (timed on a sample and extrapolated, as it would
run for hours on 100,000)."""

from __future__ import annotations

import time
import uuid as uuidlib
from datetime import UTC, datetime

import numpy as np

from tests.bench.common import Result

SIZES = (5_000, 100_000)
NAIVE_SAMPLE = 200
NAIVE_DRAWS = 20
DRAWS = 1000
T0 = datetime(2026, 9, 1, 8, tzinfo=UTC)


def _populate(n: int) -> None:
    """n sites in district bench-rank-n, one unit and one finished 25-rating inspection each."""
    from django.db import transaction

    from server.core.bulk import insert_rows
    from server.inspections.models import Inspection, Rating
    from server.schools.models import District, SchoolUnit, Site
    from shared.catalogue import load_catalogue

    code = f"bench-rank-{n}"
    if Site.objects.filter(district__code=code).count() >= n:
        return
    rng = np.random.default_rng(n)
    codes = load_catalogue().codes
    with transaction.atomic():
        district = District.objects.create(code=code, name=code, kind="district")
        sites = Site.objects.bulk_create(
            (
                Site(
                    code=f"{code}-{k}",
                    name=f"Skola {k}",
                    district=district,
                    lat=57.7,
                    lon=11.9,
                    floor_area_m2=4000,
                    yard_area_m2=float(rng.uniform(2000, 20000)),
                    replacement_value_sek=150_000_000,
                )
                for k in range(n)
            ),
            batch_size=5000,
        )
        SchoolUnit.objects.bulk_create(
            (
                SchoolUnit(
                    code=f"{code}-u{k}",
                    name=f"Enhet {k}",
                    school_form="grundskola",
                    years="F–6",
                    year_from=0,
                    year_to=6,
                    pupils=int(rng.integers(50, 800)),
                    site=site,
                    socioeconomic_need=float(rng.uniform(0, 100)),
                    newly_arrived_share=float(rng.uniform(0, 0.3)),
                )
                for k, site in enumerate(sites)
            ),
            batch_size=5000,
        )
        inspections = Inspection.objects.bulk_create(
            (
                Inspection(
                    uuid=uuidlib.uuid4(),
                    revision=1,
                    site=site,
                    catalogue_version="2026.1",
                    started_at=T0,
                    finished_at=T0,
                    content_hash="0" * 64,
                )
                for site in sites
            ),
            batch_size=5000,
        )
        grades = rng.choice(list("ABCD"), size=(n, len(codes)), p=[0.35, 0.35, 0.2, 0.1])
        insert_rows(
            Rating,
            (
                {
                    "inspection_id": insp.pk,
                    "site_id": insp.site_id,
                    "element": element,
                    "location": "",
                    "grade": grades[k, j],
                    "urgency": 1 if grades[k, j] == "D" and j == 0 else None,
                    "note": "",
                    "quantity": 10.0,
                    "estimated_cost_sek": 10_000.0 * "ABCD".index(grades[k, j]),
                    "observed_at": T0,
                    "lat": None,
                    "lon": None,
                    "accuracy_m": None,
                    "photos": [],
                }
                for k, insp in enumerate(inspections)
                for j, element in enumerate(codes)
            ),
        )


def _naive_site(
    site_id: int, weights: dict[str, float], element_weights: dict[str, float]
) -> float:
    """One site the naive way: its own queries, Python arithmetic."""
    from server.inspections.models import Rating
    from server.schools.models import SchoolUnit, Site

    site = Site.objects.get(pk=site_id)
    units = list(SchoolUnit.objects.filter(site=site))
    newest: dict[tuple[str, str], Rating] = {}
    for rating in Rating.objects.filter(site=site, inspection__finished_at__isnull=False):
        key = (rating.element, rating.location)
        if key not in newest or rating.observed_at > newest[key].observed_at:
            newest[key] = rating
    severity = {"A": 0, "B": 33, "C": 67, "D": 100}
    total = sum(element_weights[r.element] for r in newest.values() if r.grade in severity)
    sev = sum(
        element_weights[r.element] * severity[r.grade]
        for r in newest.values()
        if r.grade in severity
    )
    cost = sum(r.estimated_cost_sek or 0 for r in newest.values())
    condition = 0.5 * sev / total + 0.5 * min(100.0, cost / site.replacement_value_sek / 0.3 * 100)
    pupils = sum(u.pupils or 0 for u in units)
    need = sum((u.socioeconomic_need or 0) * (u.pupils or 0) for u in units) / pupils
    equity = (need + max(0.0, 1 - site.yard_area_m2 / pupils / 30) * 100) / 2
    return (weights["condition"] * condition + weights["equity"] * equity) / (
        weights["condition"] + weights["equity"]
    )


def run() -> list[Result]:
    from server.planning.services import ranking_compute, weights_from
    from server.schools.models import Site
    from shared.catalogue import load_catalogue

    element_weights = {e.code: e.weight for e in load_catalogue().elements}
    weights = {"condition": 0.5, "experience": 0.25, "equity": 0.25}
    results = []
    for n in SIZES:
        started = time.perf_counter()
        _populate(n)
        populate_s = time.perf_counter() - started
        code = f"bench-rank-{n}"

        started = time.perf_counter()
        ranking = ranking_compute(weights=weights_from(**weights), district=code, draws=DRAWS)
        fast_s = time.perf_counter() - started
        assert len(ranking.frame) == n

        ids = list(
            Site.objects.filter(district__code=code).values_list("id", flat=True)[:NAIVE_SAMPLE]
        )
        started = time.perf_counter()
        priorities = [_naive_site(i, weights, element_weights) for i in ids]
        per_site_s = (time.perf_counter() - started) / len(ids)
        # Naive stability: for each draw, perturb, recompute every priority and sort.
        rng = np.random.default_rng(0)
        sample = priorities * (n // len(priorities))
        started = time.perf_counter()
        for _ in range(NAIVE_DRAWS):
            factor = rng.uniform(0.8, 1.2)
            sorted(((p * factor, k) for k, p in enumerate(sample)), reverse=True)
        per_draw_s = (time.perf_counter() - started) / NAIVE_DRAWS
        naive_s = per_site_s * n + per_draw_s * DRAWS
        results.append(
            Result(
                f"ranking with stability ({DRAWS} draws), {n:,} sites from the database",
                fast_s,
                "per-site queries and loops",
                naive_s,
                f"baseline timed on {NAIVE_SAMPLE} sites and {NAIVE_DRAWS} draws, extrapolated; "
                f"loading the bench data took {populate_s:.0f} s",
            )
        )
    return results
