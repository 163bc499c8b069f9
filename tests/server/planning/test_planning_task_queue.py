"""The ranking's recompute on the real task queue: Celery on the machine's Redis, a worker
thread, and pages that answer from the previous numbers until the worker is done."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from server.celery import app
from server.core.data_version import current_version
from server.planning import precompute
from tests.server.planning.conftest import city, planner  # noqa: F401

# Not database 15, which other tests flush: another run of this suite (SQLite beside
# PostgreSQL) may share the Redis, so this test's keys and queue are its own and it
# deletes only those.
REDIS = "redis://127.0.0.1:6379/14"


def _forget_producers() -> None:
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None


@pytest.fixture
def queue_on_redis() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS} ({exc}): .ci/run starts it.")
        pytest.skip(f"Redis does not answer at {REDIS}: start it with redis-server.")
    name = f"test-{uuid.uuid4().hex[:12]}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": name,
        }
    }
    before = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=name)
    # A producer pool made before (an in-process task in an earlier test) is for the old
    # broker: dropped, so the next one connects to Redis.
    _forget_producers()
    try:
        with override_settings(CACHES=caches, CELERY_TASK_ALWAYS_EAGER=False):
            precompute.forget_all()
            yield name
    finally:
        app.conf.update(**before, task_default_queue="skolmiljo")
        _forget_producers()
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
        client.close()
        precompute.forget_all()


def _ranked(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/ranking")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.django_db(transaction=True)
def test_a_worker_recomputes_after_a_write_while_the_pages_answer_from_before(
    queue_on_redis: str,
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    from celery.contrib.testing.worker import start_worker

    first = _ranked(planner)  # no earlier numbers at all: computed in the request
    assert first["stale"] is False
    equity_before = {s["code"]: s["equity"] for s in first["sites"]}

    unit = city["old"].units.get()
    unit.socioeconomic_need = 100.0
    unit.save()  # queued on Redis; no worker yet

    waiting = _ranked(planner)
    assert waiting["stale"] is True  # the previous numbers, not a wait
    assert {s["code"]: s["equity"] for s in waiting["sites"]} == equity_before
    page = planner.get("/ranking/").content.decode()
    assert "data-status-url" in page  # the page follows the recompute's progress

    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue_on_redis]):
        deadline = time.monotonic() + 60
        while True:
            state = planner.get("/api/v1/ranking/status").json()
            if not state["running"] and state["computed_version"] == state["version"]:
                break
            assert time.monotonic() < deadline, f"the worker never finished: {state}"
            time.sleep(0.1)

    fresh = _ranked(planner)
    assert fresh["stale"] is False
    assert {s["code"]: s["equity"] for s in fresh["sites"]}["gamla"] > equity_before["gamla"]
    assert fresh["computed_at"] > first["computed_at"]
    assert "data-status-url" not in planner.get("/ranking/").content.decode()


@pytest.mark.django_db
def test_with_the_broker_down_a_write_succeeds_and_pages_compute_for_themselves(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from server.planning.tasks import recompute_rankings

    def broker_down() -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_rankings, "delay", broker_down)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        before = _ranked(planner)
        unit = city["old"].units.get()
        unit.socioeconomic_need = 100.0
        unit.save()  # queues nothing: the broker refuses

        after = _ranked(planner)

    assert after["stale"] is False
    gamla = {s["code"]: s["equity"] for s in after["sites"]}["gamla"]
    assert gamla > {s["code"]: s["equity"] for s in before["sites"]}["gamla"]
    assert "ranking.recompute_not_queued" in caplog.text


@pytest.mark.django_db
def test_a_recompute_the_queue_lost_does_not_keep_pages_stale(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.cache import cache

    from server.planning.tasks import recompute_rankings

    monkeypatch.setattr(recompute_rankings, "delay", lambda: None)  # queued, never run
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        _ranked(planner)
        city["old"].units.update(socioeconomic_need=100.0)
        city["old"].units.get().save()
        assert _ranked(planner)["stale"] is True  # queued a moment ago: the old numbers

        # Ten minutes later the worker has still not taken it: lost.
        key = f"{precompute.QUEUED_KEY}:{current_version().key}"
        cache.set(key, timezone.now() - timedelta(seconds=precompute.QUEUED_SECONDS + 1))

        assert _ranked(planner)["stale"] is False
