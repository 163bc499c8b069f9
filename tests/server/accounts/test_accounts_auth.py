"""DeviceAuth (tablets' bearer tokens) and PlannerAuth (planners' sessions).

A small API of its own, with the project's error handlers, shows the answers callers
get; endpoint tests of the real sync and planner API belong to those endpoints.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.testing import TestClient

from server.accounts.auth import device_auth, planner_auth
from server.accounts.models import Device
from server.accounts.services import device_for_token, device_revoke
from server.core.errors import install_error_handlers
from server.core.roles import INSPECTOR
from shared.errors import Forbidden, Unauthorized
from tests.server.accounts.accounts_factories import (
    make_device,
    make_inspector,
    make_planner,
    make_user,
)

pytestmark = pytest.mark.django_db

api = NinjaAPI(urls_namespace="test-accounts-auth")
install_error_handlers(api)


@api.get("/device", auth=device_auth)
def device_endpoint(request: HttpRequest) -> dict[str, Any]:
    return {"device": request.auth.name}  # type: ignore[attr-defined]


@api.get("/planner", auth=planner_auth)
def planner_endpoint(request: HttpRequest) -> dict[str, Any]:
    return {"user": request.auth.username}  # type: ignore[attr-defined]


client = TestClient(api)

NO_CREDENTIALS = {
    "code": "unauthorized",
    "message": "Sign in, or send a valid device token, to use this endpoint.",
    "details": [],
}
UNKNOWN_TOKEN = {
    "code": "unauthorized",
    "message": "Unknown or revoked device token: enroll the tablet again.",
    "details": [],
}
INACTIVE_INSPECTOR = {
    "code": "unauthorized",
    "message": "The inspector account of this device is not active; ask an administrator.",
    "details": [],
}


def test_it_lets_a_device_in_with_its_token() -> None:
    device, token = make_device(name="Annas platta")

    response = client.get("/device", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {"device": "Annas platta"}
    device.refresh_from_db()
    assert device.last_seen_at is not None


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "  Bearer"])
def test_it_reads_the_bearer_scheme_in_any_case(scheme: str) -> None:
    _, token = make_device()

    response = client.get("/device", headers={"Authorization": f"{scheme}  {token} "})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "body"),
    [
        pytest.param(None, NO_CREDENTIALS, id="no header"),
        pytest.param("", NO_CREDENTIALS, id="empty header"),
        pytest.param("Basic YW5uYTpzZWNyZXQ=", NO_CREDENTIALS, id="other scheme"),
        pytest.param("garbage", NO_CREDENTIALS, id="garbage"),
        pytest.param("Bearer", UNKNOWN_TOKEN, id="bearer without token"),
        pytest.param("Bearer not-a-token", UNKNOWN_TOKEN, id="unknown token"),
    ],
)
def test_it_answers_401_without_a_known_token(header: str | None, body: dict[str, Any]) -> None:
    make_device()
    headers = {} if header is None else {"Authorization": header}

    response = client.get("/device", headers=headers)

    assert response.status_code == 401
    assert response.json() == body


def test_it_answers_401_for_a_revoked_device() -> None:
    device, token = make_device()
    device_revoke(device=device)

    response = client.get("/device", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json() == UNKNOWN_TOKEN


def test_it_revokes_only_the_one_device() -> None:
    inspector = make_inspector()
    revoked, revoked_token = make_device(user=inspector)
    _, kept_token = make_device(user=inspector)
    device_revoke(device=revoked)

    with pytest.raises(Unauthorized):
        device_for_token(token=revoked_token)
    assert device_for_token(token=kept_token).user == inspector


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda user: User.objects.filter(pk=user.pk).update(is_active=False), id="deactivated"
        ),
        pytest.param(
            lambda user: user.groups.remove(Group.objects.get(name=INSPECTOR)), id="role removed"
        ),
    ],
)
def test_it_answers_401_when_the_inspector_may_no_longer_inspect(change: Any) -> None:
    inspector = make_inspector()
    _, token = make_device(user=inspector)
    change(inspector)

    response = client.get("/device", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json() == INACTIVE_INSPECTOR


def test_it_finds_a_device_in_one_query_and_notes_it_seen_at_most_once_a_minute() -> None:
    device, token = make_device()
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - timedelta(seconds=30))
    seen = Device.objects.get(pk=device.pk).last_seen_at

    with CaptureQueriesContext(connection) as recent:
        assert device_for_token(token=token) == device
    assert len(recent.captured_queries) == 1
    assert Device.objects.get(pk=device.pk).last_seen_at == seen

    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as stale:
        found = device_for_token(token=token)

    assert len(stale.captured_queries) == 2
    assert Device.objects.get(pk=device.pk).last_seen_at == found.last_seen_at
    assert timezone.now() - found.last_seen_at < timedelta(seconds=5)  # type: ignore[operator]


def signed_in(user: User | None, method: str = "get") -> HttpRequest:
    request = getattr(RequestFactory(), method)("/api/v1/ranking")
    request.user = user or AnonymousUser()
    return request


def test_it_turns_away_anonymous_callers_with_401() -> None:
    assert planner_auth(signed_in(None)) is None

    response = client.get("/planner")

    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS


def test_it_turns_away_an_inspector_with_403() -> None:
    inspector = make_inspector()

    with pytest.raises(Forbidden):
        planner_auth(signed_in(inspector))
    response = client.get("/planner", user=inspector)

    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "This is for planners and administrators; ask an administrator for the "
        "planner role.",
        "details": [],
    }


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: make_planner(username="pia"), id="planner"),
        pytest.param(lambda: make_user(username="pia", is_superuser=True), id="administrator"),
    ],
)
def test_it_lets_planners_and_administrators_in(who: Any) -> None:
    user = who()

    assert planner_auth(signed_in(user)) == user
    response = client.get("/planner", user=user)

    assert response.status_code == 200
    assert response.json() == {"user": "pia"}


def test_it_turns_away_a_deactivated_planner_as_not_signed_in() -> None:
    assert planner_auth(signed_in(make_planner(is_active=False))) is None


def test_it_checks_the_csrf_token_on_unsafe_methods() -> None:
    with pytest.raises(HttpError) as raised:
        planner_auth(signed_in(make_planner(), method="post"))

    assert raised.value.status_code == 403
