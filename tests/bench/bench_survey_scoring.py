"""Survey scoring end to end: 5,000 school units and 1,000,000 answers, aggregated in the
database and scored in pandas (suppression, intervals, empirical-Bayes shrinkage), against
a naive per-school loop: one query per unit, Python arithmetic. The naive loop is timed on
a sample of units and extrapolated to all of them (stated in the result).

Smaller runs: BENCH_SURVEY_UNITS=500 BENCH_SURVEY_ANSWERS=100000 python -m tests.bench survey
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from datetime import date

import numpy as np

from tests.bench.common import Result, best_of

UNITS = int(os.environ.get("BENCH_SURVEY_UNITS", 5_000))
ANSWERS = int(os.environ.get("BENCH_SURVEY_ANSWERS", 1_000_000))
NAIVE_SAMPLE = 200


def _populate(units: int, answers: int) -> None:
    """`units` units, one pupils' campaign each, responses of 24 answers up to `answers`."""
    from django.db import transaction

    from server.campaigns.models import Answer, Campaign, Response
    from server.core.bulk import insert_rows
    from server.schools.models import District, SchoolUnit, Site
    from surveys.questionnaire import load_questionnaire

    code = f"bench-survey-{units}"
    if District.objects.filter(code=code).exists():
        return
    items = list(load_questionnaire("pupils").item_index().items())
    rng = np.random.default_rng(units)
    responses_total = answers // len(items)
    # Respondents per unit vary, so some groups fall below the suppression threshold.
    weights = rng.gamma(2.0, 1.0, size=units)
    per_unit = rng.multinomial(responses_total, weights / weights.sum())
    with transaction.atomic():
        district = District.objects.create(code=code, name=code, kind="district")
        sites = Site.objects.bulk_create(
            (
                Site(code=f"{code}-{k}", name=f"Skola {k}", district=district, lat=57.7, lon=11.9)
                for k in range(units)
            ),
            batch_size=5000,
        )
        unit_rows = SchoolUnit.objects.bulk_create(
            (
                SchoolUnit(
                    code=f"{code}-u{k}",
                    name=f"Enhet {k}",
                    school_form="grundskola",
                    years="4–9",
                    year_from=4,
                    year_to=9,
                    pupils=int(rng.integers(50, 800)),
                    site=site,
                )
                for k, site in enumerate(sites)
            ),
            batch_size=5000,
        )
        campaigns = Campaign.objects.bulk_create(
            (
                Campaign(
                    code=f"B{k:07d}",
                    questionnaire="pupils",
                    unit=unit,
                    respondent_group="pupils",
                    opens_on=date(2026, 10, 1),
                    closes_on=date(2026, 11, 1),
                )
                for k, unit in enumerate(unit_rows)
            ),
            batch_size=5000,
        )
        responses = Response.objects.bulk_create(
            (
                Response(campaign=campaign, submitted_on=date(2026, 10, 15), language="sv")
                for campaign, n in zip(campaigns, per_unit, strict=True)
                for _ in range(n)
            ),
            batch_size=5000,
        )
        school_mean = rng.uniform(0.8, 2.6, size=units).repeat(per_unit)
        values = np.clip(
            np.rint(rng.normal(school_mean[:, None], 0.9, (len(responses), len(items)))), 0, 3
        )
        dont_know = rng.random(values.shape) < 0.05
        insert_rows(
            Answer,
            (
                {
                    "response_id": response.pk,
                    "item": item,
                    "index": index,
                    "value": None if dont_know[r, i] else int(values[r, i]),
                }
                for r, response in enumerate(responses)
                for i, (item, index) in enumerate(items)
            ),
        )


def _fast() -> object:
    from server.campaigns.selectors import scored_results

    return scored_results()


def _naive(unit_ids: list[int]) -> None:
    """Per unit: its answers in one query, per-respondent index means and the unit's
    n, mean and spread per index in Python, then the same scoring (shrinkage)."""
    import pandas as pd

    from server.campaigns.models import Answer
    from surveys.scoring import score_indices

    rows = []
    for unit_id in unit_ids:
        per_response: dict[tuple[str, int], list[int]] = defaultdict(list)
        answers = Answer.objects.filter(
            response__campaign__unit_id=unit_id, value__isnull=False
        ).values_list("index", "response_id", "value")
        for index, response_id, value in answers:
            per_response[(index, response_id)].append(value)
        scores: dict[str, list[float]] = defaultdict(list)
        for (index, _), values in per_response.items():
            scores[index].append(sum(values) / len(values) * 10 / 3)
        for index, s in scores.items():
            rows.append(
                (unit_id, "pupils", index, len(s), math.fsum(s), math.fsum(x * x for x in s))
            )
    frame = pd.DataFrame(
        rows, columns=["unit", "group", "index", "respondents", "score_sum", "score_sumsq"]
    )
    score_indices(frame)


def run() -> list[Result]:
    from server.schools.models import SchoolUnit

    started = time.perf_counter()
    _populate(UNITS, ANSWERS)
    print(f"  data: {UNITS:,} units, {ANSWERS:,} answers in {time.perf_counter() - started:.1f} s")
    scored = _fast()
    shown = int((~scored["suppressed"]).sum())  # type: ignore[index]
    fast = best_of(_fast, repeat=3)
    unit_ids = list(
        SchoolUnit.objects.filter(code__startswith=f"bench-survey-{UNITS}-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    sample = unit_ids[:: max(1, len(unit_ids) // NAIVE_SAMPLE)][:NAIVE_SAMPLE]
    naive_sample = best_of(lambda: _naive(sample), repeat=1)
    naive = naive_sample * len(unit_ids) / len(sample)
    return [
        Result(
            name=f"survey scoring, {UNITS:,} units x {ANSWERS:,} answers (SQL + pandas)",
            seconds=fast,
            baseline_name=f"per-school loop, timed on {len(sample)} units and extrapolated",
            baseline_seconds=naive,
            note=f"{shown:,} unit-index results shown, the rest suppressed",
        )
    ]
