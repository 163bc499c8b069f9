"""Ranking frames like the one `rank()` returns (plus coordinates), and readers that pull
what a test checks out of a map's rendered HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
GOTHENBURG = REPO / "data" / "goteborg"
_WORDS = ("Björk", "Ek", "Sjö", "Berg", "Hag", "Lund", "Ängs", "Kvarn", "Strand", "Vik")


def gothenburg_districts() -> dict[str, Any]:
    """The 36 statistical districts of the demo data (property `NAMN`)."""
    return json.loads((GOTHENBURG / "mellanomraden.geojson").read_text(encoding="utf-8"))


def ranking_create(
    n: int,
    *,
    seed: int = 0,
    districts: list[str] | None = None,
    act_now_share: float = 0.1,
    spread: float = 0.06,
) -> pd.DataFrame:
    """`n` schools around Gothenburg (57.7 N, 11.97 E), ranked by priority.

    Names and codes are as long as real ones ("Björkekskolan 12", "skolhus-000012").
    """
    rng = np.random.default_rng(seed)
    names = [
        f"{_WORDS[i % len(_WORDS)]}{_WORDS[(i // len(_WORDS)) % len(_WORDS)].lower()}skolan {i}"
        for i in range(n)
    ]
    pillars = rng.uniform(0, 100, size=(n, 3))
    pillars[rng.random(n) < 0.15, 1] = np.nan  # no survey yet
    priority = np.nanmean(pillars, axis=1)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-priority, kind="stable")] = np.arange(1, n + 1)
    spread_ranks = rng.integers(0, 6, size=(n, 2))
    frame = pd.DataFrame(
        {
            "name": names,
            "district": rng.choice(districts or ["Centrum", "Backa", "Askim"], n),
            "school_forms": "Grundskola",
            "pupils": rng.integers(40, 1100, n),
            "rank": rank,
            "priority": priority,
            "condition": pillars[:, 0],
            "experience": pillars[:, 1],
            "equity": pillars[:, 2],
            "missing": [["experience"] if np.isnan(e) else [] for e in pillars[:, 1]],
            "act_now": rng.random(n) < act_now_share,
            "has_survey": ~np.isnan(pillars[:, 1]),
            "top_defects": [[("roof", "huvudbyggnad", "D"), ("windows", "hus B", "C")]] * n,
            "lat": 57.70 + rng.normal(0, spread, n),
            "lon": 11.97 + rng.normal(0, spread * 1.8, n),
            "rank_p05": np.maximum(rank - spread_ranks[:, 0], 1),
            "rank_p95": np.minimum(rank + spread_ranks[:, 1], n),
            "p_top_n": rng.random(n),
        },
        index=pd.Index([f"skolhus-{i:06d}" for i in range(n)], name="code"),
    )
    return frame


def plan_years_create(ranking: pd.DataFrame, years: dict[int, int]) -> pd.DataFrame:
    """Funded items: for each year, that many sites (two items each), in ranking order."""
    rows, start = [], 0
    for year, count in years.items():
        for code in ranking.index[start : start + count]:
            rows += [{"site": code, "year": year, "element": e} for e in ("roof", "windows")]
        start += count
    return pd.DataFrame(rows)


def school_data(html: str) -> dict[str, Any]:
    """The column data `SchoolData` wrote into the page."""
    found = re.search(r"^\s*\}\)\((\{\"code\":.*\})\);$", html, re.MULTILINE)
    assert found, "no school data in the HTML"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def overlay_names(html: str) -> list[str]:
    """The overlay names of the page's LayerControl, in order."""
    found = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.DOTALL)
    assert found, "no LayerControl in the HTML"
    return [json.loads(key) for key in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', found.group(1))]
