"""Uncertainty of published (imported) results: a published mean, count and spread scored
like our own answers, and intervals that cover the true means at least as often as they
claim, checked by simulation (seeded: the same numbers on every run)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from surveys.scoring import (
    AGGREGATE_COLUMNS,
    conservative_sd,
    published_aggregate,
    scale_sd_bound,
    score_indices,
)

NOMINAL = 0.95
UNITS = 1500


def _simulate(
    rng: np.random.Generator, units: int, n_range: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Units with known true means; each respondent answers four items 0..3 around their
    own tendency (beta-distributed around the unit's), scored 0-10 as our index is."""
    p = rng.uniform(0.3, 0.92, units)
    n = rng.integers(n_range[0], n_range[1] + 1, units)
    scores = []
    for unit_p, k in zip(p, n, strict=True):
        tendency = rng.beta(unit_p * 4, (1 - unit_p) * 4, k)
        items = rng.binomial(3, tendency[:, None], (k, 4))
        scores.append(items.mean(axis=1) * 10 / 3)
    return 10 * p, n, scores


def _coverage(
    rng: np.random.Generator,
    spread: Callable[[float, float], float],
    n_range: tuple[int, int] = (5, 120),
) -> tuple[float, float]:
    """(share of shown units whose 95 % interval holds the true mean, mean shrink weight),
    publishing each unit as a source does: mean to one decimal, spread to two."""
    truth, n, scores = _simulate(rng, UNITS, n_range)
    records = []
    for unit, (k, s) in enumerate(zip(n, scores, strict=True)):
        mean, sd = round(float(s.mean()), 1), round(float(s.std(ddof=1)), 2)
        sums = published_aggregate(mean, int(k), spread(mean, sd))
        records.append((unit, "pupils", "safety", int(k), *sums))
    scored = score_indices(pd.DataFrame.from_records(records, columns=list(AGGREGATE_COLUMNS)))
    shown = ~scored["suppressed"]
    true = pd.Series(truth)
    hit = (scored["ci_low"] <= true) & (true <= scored["ci_high"])
    return float(hit[shown].mean()), float(scored["shrink_weight"][shown].mean())


def _own_campaigns_spread(rng: np.random.Generator) -> float:
    """What our own campaigns' answers (40 units) give as the conservative spread."""
    _, _, scores = _simulate(rng, 40, (5, 120))
    squares = sum(float(((s - s.mean()) ** 2).sum()) for s in scores)
    df = sum(len(s) - 1 for s in scores)
    return conservative_sd(squares / df, df)


@pytest.mark.parametrize("n_range", [(5, 120), (5, 12)], ids=["any size", "small units"])
@pytest.mark.parametrize("source", ["reported", "own campaigns", "scale bound"])
def test_imported_intervals_cover_the_true_means_at_least_nominally(
    source: str, n_range: tuple[int, int]
) -> None:
    rng = np.random.default_rng(1402)
    own = _own_campaigns_spread(rng)
    spreads: dict[str, Callable[[float, float], float]] = {
        "reported": lambda mean, sd: sd,
        "own campaigns": lambda mean, sd: min(own, scale_sd_bound(mean)),
        "scale bound": lambda mean, sd: scale_sd_bound(mean),
    }

    coverage, weight = _coverage(rng, spreads[source], n_range)

    assert coverage >= NOMINAL
    assert 0 < weight < 1  # shrunk toward the city mean, not taken as certain


def test_the_old_rule_of_n_copies_of_the_mean_covers_nothing() -> None:
    # The simulation can fail: with no spread the intervals have no width and miss.
    coverage, weight = _coverage(np.random.default_rng(1402), lambda mean, sd: 0.0)

    assert coverage < 0.1
    assert weight == pytest.approx(1.0)


def test_a_published_result_scores_back_to_its_mean_and_spread() -> None:
    total, squares = published_aggregate(7.4, 48, 2.1)
    frame = pd.DataFrame(
        [(1, "pupils", "safety", 48, total, squares)], columns=list(AGGREGATE_COLUMNS)
    )

    scored = score_indices(frame).iloc[0]

    assert scored["mean"] == pytest.approx(7.4)
    assert scored["sd"] == pytest.approx(2.1)
    assert scored["ci_high"] - scored["ci_low"] > 1.0


@pytest.mark.parametrize(
    ("mean", "n", "sd", "expected_sd"),
    [
        (9.9, 10, 4.0, (10 * 9.9 * 0.1 / 9) ** 0.5),  # capped at what 0-10 allows
        (10.0, 10, 1.0, 0.0),
        (5.0, 30, 2.0, 2.0),
    ],
)
def test_the_spread_is_capped_so_the_sums_are_possible(
    mean: float, n: int, sd: float, expected_sd: float
) -> None:
    total, squares = published_aggregate(mean, n, sd)

    assert squares <= 100 * n + 1e-9
    assert ((squares - total * total / n) / (n - 1)) ** 0.5 == pytest.approx(expected_sd, abs=1e-9)


def test_the_scale_bound_is_largest_mid_scale_and_never_zero() -> None:
    assert scale_sd_bound(5.0) == pytest.approx(5.0)
    assert scale_sd_bound(7.4) == pytest.approx((7.35 * 2.65) ** 0.5)
    assert 0 < scale_sd_bound(10.0) < scale_sd_bound(9.0) < scale_sd_bound(7.0)


def test_the_own_campaigns_spread_errs_wide() -> None:
    assert conservative_sd(4.0, 100) > 2.0
    assert conservative_sd(4.0, 10_000) == pytest.approx(2.0, rel=0.05)
    assert np.isnan(conservative_sd(4.0, 0))
