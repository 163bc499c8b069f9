"""The planning app's tasks on the queue (server/celery.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from server.planning import precompute
from server.planning.frontier import frontier_compute
from server.planning.selectors import default_ranking_compute


@shared_task(name="planning.recompute_rankings", ignore_result=True)
def recompute_rankings() -> str:
    """After data change: the pillar matrix and the default ranking with its rank
    intervals, for the current data version. Returns that version."""
    return precompute.recompute(on_done=default_ranking_compute)


@shared_task(name="planning.plan_frontier", ignore_result=True)
def plan_frontier(inputs: dict[str, Any], key: str) -> str:
    """A plan's equity frontier (`frontier.frontier_compute`), kept under `key`; returns
    its status."""
    return str(frontier_compute(inputs, key)["status"])
