"""The equity frontier of a plan (`plan_frontier`: the plan solved for alpha 0..5), made on
the task queue and kept in the shared cache by the data version and the plan's inputs.

A page asks with `frontier_peek` (never waits) and polls `GET /api/v1/plan/frontier`,
which asks with `frontier_request`: queued once per key; in the demo the queue runs tasks
in-process, so that request computes it. A worker that fails records why; nothing waits
for a task that was never sent (a broker down computes in the request, as the ranking).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from server.core.data_version import current_version
from server.planning.plan_frontier import equity_frontier
from server.planning.plan_inputs import PlanInputs
from shared.catalogue import load_catalogue

log = logging.getLogger(__name__)

KEY_PREFIX = "plan-frontier:v1"
CACHE_SECONDS = 24 * 3600
# A queued or running frontier no worker has finished in this long is queued again (a
# worker that died); a failed one is tried again after FAILED_SECONDS.
QUEUED_SECONDS = 600
FAILED_SECONDS = 60
# Made while the ranking was still the previous data's: asked for again after this long.
STALE_RETRY_SECONDS = 15


def frontier_inputs(inputs: PlanInputs) -> PlanInputs:
    """The inputs the frontier depends on: all but alpha, which it varies."""
    return {key: value for key, value in inputs.items() if key != "alpha"}


def frontier_key(inputs: PlanInputs) -> str:
    blob = json.dumps(frontier_inputs(inputs), sort_keys=True, default=str)
    digest = hashlib.sha256(blob.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{current_version().key}:{digest}"


def frontier_peek(inputs: PlanInputs) -> dict[str, Any]:
    """The frontier's state without asking for it: `status` "ready" (with `points`),
    "queued", "running" (with `progress`), "failed" (with `error`) or "not_requested"."""
    found = cache.get(frontier_key(inputs))
    if isinstance(found, dict):
        return found
    return {"status": "not_requested", "points": None}


def frontier_request(inputs: PlanInputs) -> dict[str, Any]:
    """The frontier's state, queueing it when nobody has (or a queued one went stale)."""
    key = frontier_key(inputs)
    found = cache.get(key)
    if isinstance(found, dict) and not _stale(found):
        return found
    queued = {"status": "queued", "points": None, "queued_at": timezone.now().isoformat()}
    if found is None and not cache.add(key, queued, CACHE_SECONDS):
        return cache.get(key) or queued  # another request queued it a moment ago
    cache.set(key, queued, CACHE_SECONDS)
    from server.planning.plan_tasks import plan_frontier

    try:
        plan_frontier.delay(frontier_inputs(inputs), key)
    except Exception:  # the broker is down: compute here rather than wait for nothing
        log.warning("plan.frontier_not_queued", exc_info=True)
        frontier_compute(frontier_inputs(inputs), key)
    found = cache.get(key)
    return found if isinstance(found, dict) else queued


def _stale(state: dict[str, Any]) -> bool:
    status = state.get("status")
    if status not in ("queued", "running", "failed"):
        return False
    try:
        since = datetime.fromisoformat(str(state.get("queued_at")))
    except ValueError:
        return True
    limit = FAILED_SECONDS if status == "failed" else QUEUED_SECONDS
    return (timezone.now() - since).total_seconds() > limit


def frontier_compute(inputs: PlanInputs, key: str) -> dict[str, Any]:
    """Solve the plan of `inputs` for each alpha and keep the points under `key`."""
    from server.planning import services  # services reads this module's state

    started = timezone.now().isoformat()

    def progress(done: int, total: int) -> None:
        state = {
            "status": "running",
            "points": None,
            "progress": round(done / total, 2),
            "queued_at": started,
        }
        cache.set(key, state, CACHE_SECONDS)

    progress(0, 1)
    try:
        basis = services.plan_basis({**inputs, "alpha": 0.0})
        if basis.ranking.stale:  # the previous data's numbers: not this version's frontier
            retry = timezone.now() - timedelta(seconds=QUEUED_SECONDS - STALE_RETRY_SECONDS)
            state = {"status": "queued", "points": None, "queued_at": retry.isoformat()}
            cache.set(key, state, CACHE_SECONDS)
            return state
        points = equity_frontier(
            basis.items,
            load_catalogue(),
            basis.settings,
            prices=basis.ranking.prices,
            progress=progress,
        )
    except Exception as exc:
        log.exception("plan.frontier_failed")
        state = {"status": "failed", "points": None, "error": str(exc)[:300], "queued_at": started}
    else:
        state = {
            "status": "ready",
            "points": [
                {
                    "alpha": point.alpha,
                    "total_benefit": point.total_benefit,
                    "top_quartile_spend_share": point.top_quartile_spend_share,
                    "top_quartile_benefit_share": point.top_quartile_benefit_share,
                }
                for point in points
            ],
            "computed_at": timezone.now().isoformat(),
        }
    cache.set(key, state, CACHE_SECONDS)
    return state
