"""Schemathesis against the API's own OpenAPI document: `make fuzz`, beside `make test`.

Every operation is called with generated requests, valid and invalid, through the real
WSGI application on the test database, seeded with a small city so path parameters can
name real rows: once as a signed-in planner (session cookie and CSRF token), once as an
enrolled tablet (`Authorization: Bearer`) on the tablets' endpoints. Each answer must be
no server error (5xx), have a status code the document declares, and match the declared
schema and content type.

Bounded: SKOLMILJO_FUZZ_EXAMPLES examples per operation and run (derandomized, so a run
repeats), and SKOLMILJO_FUZZ_SECONDS in all, after which the remaining operations are
skipped and say so. Marked `fuzz`: tests/conftest.py leaves it out of every other run.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.wsgi import application
from tests.fuzz.tally import CASES, SECONDS, STATUSES
from tests.server.small_city import SmallCity

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("SKOLMILJO_FUZZ_EXAMPLES", "25"))
BUDGET_SECONDS = float(os.environ.get("SKOLMILJO_FUZZ_SECONDS", "270"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Shrinking a failure is worth its time; explaining it is not.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)

_started = time.monotonic()


@pytest.fixture
def planner(city: SmallCity) -> dict[str, Any]:
    """A signed-in planner's session cookie, with a CSRF token for the unsafe methods."""
    client = Client()
    client.force_login(city.planner)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)
    return {
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: session,
            django_settings.CSRF_COOKIE_NAME: csrf,
        },
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def tablet(city: SmallCity) -> dict[str, Any]:
    return {"headers": {"Authorization": f"Bearer {city.device_token}"}}


def run_case(case: Any, run: str, credentials: dict[str, Any]) -> None:
    if time.monotonic() - _started > BUDGET_SECONDS:
        pytest.skip(f"The fuzz time budget ({BUDGET_SECONDS:.0f} s) is spent.")
    # Rate limits count in the cache: enrollment's 10 a minute would otherwise answer
    # (its documented) 429 to nearly every case and leave the body unfuzzed.
    cache.clear()
    label = f"{run} {case.operation.method.upper()} {case.operation.path}"
    CASES[label] += 1
    start = time.monotonic()
    response = case.call(**credentials)
    SECONDS[label] += time.monotonic() - start
    STATUSES[f"{run} {response.status_code}"] += 1
    case.validate_response(response, checks=CHECKS, headers=credentials["headers"])


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The planner run: everything but the tablets' own endpoints.
planner_schema = schema.exclude(tag="sync").exclude(path="/api/v1/photos/{sha256}", method="HEAD")
planner_schema = planner_schema.exclude(path="/api/v1/photos/{sha256}", method="PUT")
# The tablet run: the sync and photo endpoints.
device_schema = schema.include(tag="sync").include(tag="photos")


@planner_schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_as_a_planner(case: Any, planner: dict[str, Any]) -> None:
    run_case(case, "planner", planner)


@device_schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_as_a_tablet(case: Any, tablet: dict[str, Any]) -> None:
    run_case(case, "device", tablet)
