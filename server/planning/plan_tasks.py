"""The plan's tasks on the queue (server/celery.py finds them by this module's name): kept
apart from `tasks`, which the ranking's selectors queue from, because the plan's rest on
its services, a layer above them."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from server.planning.frontier import frontier_compute


@shared_task(name="planning.plan_frontier", ignore_result=True)
def plan_frontier(inputs: dict[str, Any], key: str) -> str:
    """A plan's equity frontier (`frontier.frontier_compute`), kept under `key`; returns
    its status."""
    return str(frontier_compute(inputs, key)["status"])
