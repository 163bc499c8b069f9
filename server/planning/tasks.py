"""The planning app's tasks on the queue (server/celery.py)."""

from __future__ import annotations

from celery import shared_task

from server.planning import precompute
from server.planning.selectors import default_ranking_compute


@shared_task(name="planning.recompute_rankings", ignore_result=True)
def recompute_rankings() -> str:
    """After data change: the pillar matrix and the default ranking with its rank
    intervals, for the current data version. Returns that version."""
    return precompute.recompute(on_done=default_ranking_compute)
