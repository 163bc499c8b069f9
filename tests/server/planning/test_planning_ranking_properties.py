"""Properties of the ranking that must hold for any city (hypothesis)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.planning.ranking import PILLARS, Weights, rank, rerank, stability

NAN = math.nan
ELEMENT_WEIGHTS = {"facade": 1.5, "roof": 2.0, "windows": 1.0, "yard_surface": 0.5}
LOCATIONS = ("main", "annex")
WORSE = {"A": "BCD", "B": "CD", "C": "D"}
DEFAULT = Weights()
SETTINGS = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class City:
    sites: pd.DataFrame
    ratings: pd.DataFrame
    experience: pd.DataFrame

    def ranked(self, weights: Weights = DEFAULT, method: Any = "weighted_sum") -> pd.DataFrame:
        return rank(
            self.sites,
            self.ratings,
            self.experience,
            weights,
            method=method,
            element_weights=ELEMENT_WEIGHTS,
        )


def maybe(strategy: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    return st.one_of(st.just(NAN), strategy)


@st.composite
def site_rows(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": "Skola",
        "pupils": draw(maybe(st.integers(1, 2_000).map(float))),
        "replacement_value_sek": draw(maybe(st.floats(1e6, 5e8))),
        "yard_area_m2": draw(maybe(st.floats(0, 100_000))),
        "socioeconomic_need": draw(maybe(st.floats(0, 100))),
        "newly_arrived_share": draw(maybe(st.floats(0, 1))),
        "district": "Centrum",
        "school_forms": "grundskola",
    }


@st.composite
def cities(draw: st.DrawFn, min_sites: int = 1, max_sites: int = 8) -> City:
    codes = draw(
        st.lists(
            st.text("abcxyz0123", min_size=1, max_size=3),
            min_size=min_sites,
            max_size=max_sites,
            unique=True,
        )
    )
    sites = pd.DataFrame.from_dict({code: draw(site_rows()) for code in codes}, orient="index")
    ratings = []
    for code in codes:
        places = draw(
            st.lists(
                st.tuples(st.sampled_from(sorted(ELEMENT_WEIGHTS)), st.sampled_from(LOCATIONS)),
                unique=True,
                max_size=6,
            )
        )
        for element, location in places:
            ratings.append(
                {
                    "site": code,
                    "element": element,
                    "location": location,
                    "grade": draw(st.sampled_from("ABCDN")),
                    "urgency": draw(st.sampled_from([NAN, 1.0, 2.0, 3.0, 4.0])),
                    "estimated_cost_sek": draw(maybe(st.floats(0, 2e8))),
                }
            )
    experience = [
        {"site": code, "group": group, "index_mean": draw(st.floats(0, 10)), "respondents": 10}
        for code in codes
        for group in ("pupils", "parents")
        if draw(st.booleans())
    ]
    return City(
        sites=sites,
        ratings=pd.DataFrame(
            ratings,
            columns=["site", "element", "location", "grade", "urgency", "estimated_cost_sek"],
        ),
        experience=pd.DataFrame(experience, columns=["site", "group", "index_mean", "respondents"]),
    )


weights_strategy = (
    st.tuples(st.floats(0, 10), st.floats(0, 10), st.floats(0, 10))
    .filter(lambda values: sum(values) > 0)
    .map(lambda values: Weights(*values))
)


@SETTINGS
@given(city=cities(), weights=weights_strategy, data=st.data())
def test_it_never_lowers_a_sites_need_when_a_grade_worsens(
    city: City, weights: Weights, data: st.DataObject
) -> None:
    worsenable = city.ratings.index[city.ratings["grade"].isin(list(WORSE))]
    if len(worsenable) == 0:
        return
    row = data.draw(st.sampled_from(list(worsenable)))
    before = city.ratings.loc[row, "grade"]
    worse = city.ratings.copy()
    worse.loc[row, "grade"] = data.draw(st.sampled_from(WORSE[before]))
    site = city.ratings.loc[row, "site"]

    old = city.ranked(weights).loc[site]
    new = City(city.sites, worse, city.experience).ranked(weights).loc[site]

    assert new["condition"] >= old["condition"] - 1e-9
    if not np.isnan(old["priority"]):
        assert new["priority"] >= old["priority"] - 1e-9


@SETTINGS
@given(city=cities(), newcomer=site_rows(), data=st.data())
def test_it_never_reorders_the_others_when_a_school_is_added(
    city: City, newcomer: dict[str, Any], data: st.DataObject
) -> None:
    code = data.draw(
        st.text("abcxyz0123", min_size=1, max_size=4).filter(lambda c: c not in city.sites.index)
    )
    grade = data.draw(st.sampled_from("ABCD"))
    sites = city.sites.copy()
    sites.loc[code] = pd.Series(newcomer)
    ratings = city.ratings.copy()
    ratings.loc[len(ratings)] = [code, "roof", "main", grade, NAN, 1e6]
    bigger = City(sites, ratings, city.experience)

    before = list(city.ranked().index)
    after = [site for site in bigger.ranked().index if site != code]

    assert after == before


@SETTINGS
@given(city=cities(), weights=weights_strategy, method=st.sampled_from(["weighted_sum", "topsis"]))
def test_it_keeps_every_pillar_and_priority_between_0_and_100(
    city: City, weights: Weights, method: str
) -> None:
    ranked = city.ranked(weights, method)

    scores = ranked[[*PILLARS, "priority"]].to_numpy(dtype=float)
    known = scores[~np.isnan(scores)]
    assert ((known >= 0) & (known <= 100 + 1e-9)).all()
    assert sorted(ranked["rank"]) == list(range(1, len(ranked) + 1))
    contributions = ranked[[f"contrib_{pillar}" for pillar in PILLARS]].sum(axis=1, min_count=1)
    has_priority = ranked["priority"].notna()
    assert np.allclose(contributions[has_priority], ranked.loc[has_priority, "priority"])


@SETTINGS
@given(
    others=st.lists(
        st.tuples(*[maybe(st.floats(0, 99)) for _ in PILLARS]), min_size=1, max_size=30
    ),
    weights=weights_strategy,
    spread=st.floats(0, 0.9),
)
def test_it_gives_a_dominant_site_the_rank_interval_one_to_one(
    others: list[tuple[float, float, float]], weights: Weights, spread: float
) -> None:
    pillars = pd.DataFrame(
        [(100.0, 100.0, 100.0), *others],
        columns=list(PILLARS),
        index=["dominant", *[f"s{i}" for i in range(len(others))]],
    )

    result = stability(pillars, weights, draws=200, spread=spread, top_n=1)

    assert result.loc["dominant"].to_dict() == {"rank_p05": 1, "rank_p95": 1, "p_top_n": 1.0}


@SETTINGS
@given(city=cities(), weights=weights_strategy, method=st.sampled_from(["weighted_sum", "topsis"]))
def test_ranking_again_with_other_weights_is_ranking_with_them(
    city: City, weights: Weights, method: str
) -> None:
    # The cached pillar matrix is `rank` at the default weights; every other ranking is
    # `rerank` over it, and must be exactly what `rank` gives.
    direct = city.ranked(weights, method)
    again = rerank(city.ranked(Weights(), "weighted_sum"), weights, method=method)  # type: ignore[arg-type]

    pd.testing.assert_frame_equal(again[direct.columns], direct)
