"""How far ranks move when the weights vary (server/planning/ranking.py `stability`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from server.planning import ranking
from server.planning.ranking import PILLARS, Weights, rank, stability

NAN = math.nan


def random_pillars(n: int, seed: int, missing: float = 0.1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 100, size=(n, 3))
    values[rng.random((n, 3)) < missing] = NAN
    codes = [f"s{i:05d}" for i in rng.permutation(n)]  # not in code order
    return pd.DataFrame(values, columns=list(PILLARS), index=codes)


def reference(
    pillars: pd.DataFrame, weights: Weights, draws: int, spread: float, top_n: int, seed: int
) -> pd.DataFrame:
    """The whole draws x sites rank matrix, one draw at a time, then numpy's percentiles."""
    multipliers = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, size=(draws, 3))
    values = pillars[list(PILLARS)].to_numpy()
    codes = list(pillars.index)
    ranks = np.empty((draws, len(pillars)), dtype=int)
    for d in range(draws):
        w = weights.as_array() * multipliers[d]
        priority = []
        for row in values:
            known = ~np.isnan(row)
            total = (w * known).sum()
            priority.append((w[known] * row[known]).sum() / total if total > 0 else -math.inf)
        order = sorted(range(len(codes)), key=lambda i: (-priority[i], codes[i]))
        ranks[d, order] = np.arange(1, len(codes) + 1)
    return pd.DataFrame(
        {
            "rank_p05": np.percentile(ranks, 5, axis=0, method="lower").astype(int),
            "rank_p95": np.percentile(ranks, 95, axis=0, method="higher").astype(int),
            "p_top_n": (ranks <= top_n).mean(axis=0),
        },
        index=pillars.index,
    )


def test_it_keeps_a_clearly_dominant_site_first_in_every_draw() -> None:
    pillars = random_pillars(50, seed=1).clip(upper=90)
    pillars.loc["best"] = [100.0, 100.0, 100.0]

    result = stability(pillars, Weights(), draws=500, spread=0.2, top_n=1)

    assert result.loc["best"].to_dict() == {"rank_p05": 1, "rank_p95": 1, "p_top_n": 1.0}
    assert (result.drop(index="best")["p_top_n"] == 0).all()
    assert (result.drop(index="best")["rank_p05"] >= 2).all()


def test_it_matches_the_ranks_of_rank_when_the_weights_do_not_vary() -> None:
    sites = pd.DataFrame(
        {
            "name": ["a", "b", "c", "d"],
            "pupils": [100, 200, NAN, 50],
            "replacement_value_sek": NAN,
            "yard_area_m2": [1_000, 6_000, NAN, NAN],
            "socioeconomic_need": [10.0, 80.0, NAN, 80.0],
            "newly_arrived_share": [0.1, 0.2, NAN, 0.2],
            "district": "x",
            "school_forms": "grundskola",
        },
        index=["d4", "b2", "z0", "b1"],
    )
    ratings = pd.DataFrame(
        {
            "site": ["d4", "b2"],
            "element": ["roof", "roof"],
            "location": ["main", "main"],
            "grade": ["D", "B"],
            "urgency": [NAN, NAN],
            "estimated_cost_sek": [NAN, NAN],
        }
    )
    experience = pd.DataFrame({"site": ["b2"], "group": ["pupils"], "index_mean": [6.0]})
    ranked = rank(sites, ratings, experience, element_weights={"roof": 1.0})

    result = stability(ranked, Weights(), draws=20, spread=0.0, top_n=2)

    assert result["rank_p05"].to_dict() == ranked["rank"].to_dict()
    assert result["rank_p95"].to_dict() == ranked["rank"].to_dict()
    assert result["p_top_n"].to_dict() == (ranked["rank"] <= 2).astype(float).to_dict()


@pytest.mark.parametrize(
    ("cells_per_chunk", "cells_per_buffer"), [(4_000_000, 25_000_000), (97, 400)]
)
def test_it_agrees_with_the_whole_rank_matrix_however_draws_are_chunked(
    monkeypatch: pytest.MonkeyPatch, cells_per_chunk: int, cells_per_buffer: int
) -> None:
    # 40 sites: the small budget ranks 2 draws at a time and compacts every 10 draws.
    monkeypatch.setattr(ranking, "_CELLS_PER_CHUNK", cells_per_chunk)
    monkeypatch.setattr(ranking, "_CELLS_PER_BUFFER", cells_per_buffer)
    pillars = random_pillars(40, seed=7, missing=0.3)
    pillars.iloc[:2] = NAN  # two sites with no pillar at all: always last, by code
    weights = Weights(0.4, 0.35, 0.25)

    result = stability(pillars, weights, draws=203, spread=0.5, top_n=5, seed=3)

    expected = reference(pillars, weights, draws=203, spread=0.5, top_n=5, seed=3)
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)
    assert (result["rank_p05"] <= result["rank_p95"]).all()
    assert (result["rank_p05"] < result["rank_p95"]).any()  # the weights did move ranks


def test_it_is_deterministic_for_a_seed() -> None:
    pillars = random_pillars(200, seed=2)

    first = stability(pillars, Weights(), draws=300, seed=11)
    again = stability(pillars, Weights(), draws=300, seed=11)

    pd.testing.assert_frame_equal(first, again)


def test_it_counts_the_share_of_draws_in_the_top_n() -> None:
    # a and b swap places as the condition and equity weights move; c is always third.
    pillars = pd.DataFrame(
        {"condition": [60.0, 50.0, 0.0], "experience": NAN, "equity": [40.0, 50.0, 0.0]},
        index=["a", "b", "c"],
    )

    result = stability(pillars, Weights(0.5, 0.25, 0.5), draws=2000, spread=0.2, top_n=1)

    # a leads when w_condition x 60 + w_equity x 40 > w_condition x 50 + w_equity x 50,
    # i.e. when w_condition > w_equity: half the draws, by symmetry.
    assert result.loc["a", "p_top_n"] == pytest.approx(0.5, abs=0.05)
    assert result.loc["a", "p_top_n"] + result.loc["b", "p_top_n"] == pytest.approx(1.0)
    assert result.loc["c"].to_dict() == {"rank_p05": 3, "rank_p95": 3, "p_top_n": 0.0}
    assert result.loc[["a", "b"], "rank_p05"].tolist() == [1, 1]
    assert result.loc[["a", "b"], "rank_p95"].tolist() == [2, 2]


def test_it_handles_no_sites() -> None:
    result = stability(random_pillars(0, seed=0), Weights())

    assert list(result.columns) == ["rank_p05", "rank_p95", "p_top_n"]
    assert len(result) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"draws": 0}, "draws must be a positive whole number, got 0"),
        ({"top_n": 0}, "top_n must be a positive whole number, got 0"),
        ({"spread": 1.0}, "spread must be a number from 0 up to"),
        ({"spread": -0.1}, "spread must be a number from 0 up to"),
    ],
)
def test_it_rejects_unusable_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stability(random_pillars(5, seed=0), Weights(), **options)


def test_it_rejects_pillars_off_the_scale() -> None:
    pillars = random_pillars(5, seed=0)
    pillars.iloc[0, 0] = 120.0

    with pytest.raises(ValueError, match=r"pillars must be in \[0, 100\]"):
        stability(pillars, Weights())


def test_it_names_a_missing_pillar_column() -> None:
    with pytest.raises(ValueError, match="pillars is missing required columns: equity"):
        stability(random_pillars(5, seed=0).drop(columns="equity"), Weights())


def test_it_ranks_five_thousand_sites_a_thousand_times() -> None:
    # Speed is measured in `make bench`; this checks the result at city scale.
    result = stability(random_pillars(5_000, seed=5), Weights(), draws=1_000)

    assert len(result) == 5_000
    assert (result["rank_p05"] <= result["rank_p95"]).all()
    assert result["rank_p05"].min() == 1 and result["rank_p95"].max() <= 5_000
    assert result["p_top_n"].between(0, 1).all()
