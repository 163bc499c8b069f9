from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from server.inspections.models import Assignment
from server.schools.models import Site
from shared.catalogue import load_catalogue
from tests.server.factories import make_site, make_unit
from tests.server.inspections.conftest import Tablet

pytestmark = pytest.mark.django_db


def age_everything() -> None:
    """Make every row look written an hour ago, beyond the pull's overlap."""
    Site.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    from server.schools.models import SchoolUnit

    SchoolUnit.objects.update(updated_at=timezone.now() - timedelta(hours=1))


def test_it_sends_everything_on_the_first_pull_assigned_sites_first(
    tablet: Tablet, inspector: Any
) -> None:
    a = make_unit(name="Alfa F-6", site=make_site(name="Alfaskolan")).site
    z = make_unit(name="Zeta 7-9", site=make_site(name="Zetaskolan")).site
    Assignment.objects.create(inspector=inspector, site=z)

    response = tablet.pull()

    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body["sites"]] == [z.code, a.code]
    assert body["assignments"] == [z.code]
    assert body["sites"][0]["units"][0]["name"] == "Zeta 7-9"
    assert body["catalogue"]["version"] == load_catalogue().version
    assert len(body["catalogue"]["elements"]) == len(load_catalogue().elements)
    assert "|" in body["cursor"]


def test_it_sends_only_what_changed_since_the_cursor(tablet: Tablet) -> None:
    kept, changed, withdrawn = make_site(), make_site(), make_site()
    age_everything()
    cursor = tablet.pull().json()["cursor"]
    changed.name = "Nytt namn"
    changed.save()
    withdrawn.removed_at = timezone.now()
    withdrawn.save()

    body = tablet.pull(cursor).json()

    assert {s["code"]: s["removed"] for s in body["sites"]} == {
        changed.code: False,
        withdrawn.code: True,
    }
    assert kept.code not in {s["code"] for s in body["sites"]}
    assert body["catalogue"] is None  # same catalogue version as last time


def test_it_resends_a_site_whose_unit_changed(tablet: Tablet) -> None:
    unit = make_unit()
    age_everything()
    cursor = tablet.pull().json()["cursor"]
    unit.pupils = 999
    unit.save()

    body = tablet.pull(cursor).json()

    assert [(s["code"], s["units"][0]["pupils"]) for s in body["sites"]] == [(unit.site.code, 999)]


@pytest.mark.parametrize("cursor", ["yesterday", "2026-01-01T00:00:00|2026.1", "x|y"])
def test_it_rejects_a_cursor_it_did_not_give_out(tablet: Tablet, cursor: str) -> None:
    response = tablet.pull(cursor)

    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "cursor", "message": "not a cursor from this server"}
    ]


def test_it_refuses_a_pull_without_a_token(client: Any) -> None:
    response = client.get("/api/v1/sync/reference")

    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}
