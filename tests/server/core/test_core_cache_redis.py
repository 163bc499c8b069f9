"""SKOLMILJO_REDIS_URL: one cache, and so one count per rate limit, for all server processes.

The server processes are real ones: each test counts in this process and in a separate
Python process built from the same settings, and the second sees what the first counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[3]
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"


def in_another_server_process(code: str, tmp_path: Path, **env: str) -> Any:
    """Run `code` in a fresh Python process with the test settings; what it prints, as JSON."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SKOLMILJO_")}
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "server.settings_test",
            "SKOLMILJO_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_uses_redis_as_the_cache_when_a_url_is_set(
    load_settings: Callable[..., dict[str, Any]],
) -> None:
    settings = load_settings(SKOLMILJO_REDIS_URL="redis://cache.internal:6379/2")

    assert settings["REDIS_URL"] == "redis://cache.internal:6379/2"
    assert settings["CACHES"] == {
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": "redis://cache.internal:6379/2",
            "KEY_PREFIX": "skolmiljo",
        }
    }


@pytest.mark.parametrize("value", [None, ""])
def test_it_keeps_a_local_memory_cache_without_a_url(
    load_settings: Callable[..., dict[str, Any]], value: str | None
) -> None:
    settings = load_settings(**({} if value is None else {"SKOLMILJO_REDIS_URL": value}))

    assert settings["CACHES"] == {"default": {"BACKEND": LOCMEM_CACHE}}


@pytest.mark.parametrize("value", ["127.0.0.1:6379", "http://cache.internal/", "redis"])
def test_it_refuses_a_redis_url_that_is_no_redis_url(
    load_settings: Callable[..., dict[str, Any]], value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match="SKOLMILJO_REDIS_URL"):
        load_settings(SKOLMILJO_REDIS_URL=value)


@pytest.fixture
def redis_caches(redis_url: str, load_settings: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """CACHES exactly as server/settings.py makes them for the test Redis."""
    return load_settings(SKOLMILJO_REDIS_URL=redis_url)["CACHES"]


@pytest.mark.parametrize(
    "backend", [pytest.param("redis", marks=pytest.mark.redis), "local memory"]
)
def test_it_counts_with_add_and_incr_the_way_the_survey_limiter_expects(
    backend: str, request: pytest.FixtureRequest
) -> None:
    configured = (
        request.getfixturevalue("redis_caches")
        if backend == "redis"
        else {"default": {"BACKEND": LOCMEM_CACHE}}
    )
    with override_settings(CACHES=configured):
        cache = caches["default"]
        with pytest.raises(ValueError):
            cache.incr("never-added")  # the limiter's "expired between add and incr"
        assert cache.add("count", 0, timeout=60) is True
        assert cache.add("count", 0, timeout=60) is False  # a second add keeps the count
        assert [cache.incr("count") for _ in range(3)] == [1, 2, 3]


@pytest.mark.redis
def test_it_counts_survey_submissions_across_server_processes(
    redis_url: str, tmp_path: Path
) -> None:
    count_two = """
        import json
        from django.test import RequestFactory
        from server.campaigns.models import Campaign
        from server.campaigns.ratelimit import submission_allowed

        request = RequestFactory().post("/s/ENKAT6", REMOTE_ADDR="10.9.9.9")
        campaign = Campaign(code="ENKAT6")  # an explicit rate needs no row
        print(json.dumps([submission_allowed(request, campaign) for _ in range(2)]))
    """
    env = {"SKOLMILJO_REDIS_URL": redis_url, "SKOLMILJO_SURVEY_SUBMIT_RATE": "3/d"}

    first = in_another_server_process(count_two, tmp_path, **env)
    second = in_another_server_process(count_two, tmp_path, **env)

    assert (first, second) == ([True, True], [True, False])


@pytest.mark.redis
@pytest.mark.django_db
def test_it_counts_enrollment_attempts_in_redis_for_every_server_process(
    redis_url: str, redis_caches: dict[str, Any], tmp_path: Path
) -> None:
    with override_settings(CACHES=redis_caches):
        statuses = [
            Client(REMOTE_ADDR="10.1.2.3")
            .post(
                "/api/v1/devices/enroll",
                {"code": f"WRONG{n:03d}", "device_name": "Annas platta"},
                content_type="application/json",
            )
            .status_code
            for n in range(10)
        ]
    allowed_elsewhere = """
        import json
        from django.test import RequestFactory
        from server.accounts.api import EnrollThrottle

        throttle = EnrollThrottle()
        print(json.dumps([
            throttle.allow_request(RequestFactory().post("/", REMOTE_ADDR=address))
            for address in ("10.1.2.3", "10.1.2.4")
        ]))
    """

    elsewhere = in_another_server_process(
        allowed_elsewhere, tmp_path, SKOLMILJO_REDIS_URL=redis_url
    )

    # The 11th attempt from 10.1.2.3 is refused by a process that saw none of the first 10.
    assert (statuses, elsewhere) == ([401] * 10, [False, True])
