from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from server.accounts.services import device_enroll, enrollment_code_create
from server.core.roles import INSPECTOR
from shared.catalogue import load_catalogue
from tests.server.factories import make_site

T0 = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)


def make_inspector(username: str = "inga") -> User:
    user = User.objects.create_user(username=username, password="x")
    user.groups.add(Group.objects.get_or_create(name=INSPECTOR)[0])
    return user


def enrolled_token(user: User, device_name: str = "Platta 1") -> str:
    _, code = enrollment_code_create(user=user)
    _, token = device_enroll(code=code, device_name=device_name)
    return token


def inspection_json(
    site: str,
    *,
    uuid: str | None = None,
    revision: int = 1,
    grade: str = "B",
    finished: bool = True,
    photos: list[str] | None = None,
    n_ratings: int | None = None,
) -> dict[str, Any]:
    """A wire-format inspection rating every catalogue element (or the first n)."""
    elements = load_catalogue().elements[: n_ratings or None]
    ratings = [
        {
            "element": e.code,
            "location": "",
            "grade": grade,
            "urgency": 2 if grade in {"C", "D"} else None,
            "note": f"{e.name_sv} {grade}",
            # A lump-sum element is the whole site (1), never ten of them.
            "quantity": 1.0 if e.unit == "site" else 10.0,
            "observed_at": (T0 + timedelta(minutes=n)).isoformat(),
            "position": {"lat": 57.7, "lon": 11.97, "accuracy_m": 5.0},
            "photos": photos if n == 0 and photos else [],
        }
        for n, e in enumerate(elements)
    ]
    return {
        "uuid": uuid or str(uuidlib.uuid4()),
        "revision": revision,
        "site": site,
        "catalogue_version": load_catalogue().version,
        "started_at": T0.isoformat(),
        "finished_at": (T0 + timedelta(hours=2)).isoformat() if finished else None,
        "ratings": ratings,
    }


class Tablet:
    """A test client that speaks to the sync API as an enrolled device."""

    def __init__(self, client: Client, token: str) -> None:
        self.client, self.token = client, token

    def push(self, *inspections: dict[str, Any]) -> Any:
        return self.client.post(
            "/api/v1/sync/inspections",
            data=json.dumps({"inspections": list(inspections)}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def pull(self, cursor: str | None = None) -> Any:
        params = {"cursor": cursor} if cursor else {}
        return self.client.get(
            "/api/v1/sync/reference", params, headers={"Authorization": f"Bearer {self.token}"}
        )


@pytest.fixture
def inspector(db: None) -> User:
    return make_inspector()


@pytest.fixture
def tablet(client: Client, inspector: User) -> Tablet:
    return Tablet(client, enrolled_token(inspector))


@pytest.fixture
def site(db: None) -> Any:
    return make_site(code="bergsjoskolan", name="Bergsjöskolan")
