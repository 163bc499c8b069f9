"""Log events of the sync endpoints (sync.push, sync.reference): counts, sizes and
times, and nothing an inspector wrote."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import User

from server.accounts.models import Device
from tests.server.inspections.conftest import Tablet, inspection_json
from tests.server.log_records import events, every_line

pytestmark = pytest.mark.django_db

NOTE = "Fuktfläck i Annas klassrum"


@pytest.fixture(autouse=True)
def _info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def test_it_logs_a_push_with_counts_per_status_bytes_and_time(
    tablet: Tablet, site: Any, inspector: User, caplog: pytest.LogCaptureFixture
) -> None:
    good = inspection_json(site.code)
    good["ratings"][0]["note"] = NOTE
    unknown_site = inspection_json("no-such-site")
    tablet.push(good)
    caplog.clear()

    batch = [good, inspection_json(site.code), unknown_site]
    response = tablet.push(*batch)

    assert response.status_code == 200
    (logged,) = events(caplog, "sync.push")
    assert logged == {
        "device_id": Device.objects.get().pk,
        "inspector_id": inspector.pk,
        "bytes": len(json.dumps({"inspections": batch}).encode()),  # as Tablet.push sends it
        "outcome": "stored",
        "inspections": 3,
        "statuses": {"unchanged": 1, "created": 1, "invalid": 1},
        "duration_ms": logged["duration_ms"],
    }
    assert isinstance(logged["duration_ms"], int) and logged["duration_ms"] >= 0
    lines = every_line(caplog)
    assert NOTE not in lines and good["uuid"] not in lines and site.code not in lines


def test_it_logs_a_malformed_push(tablet: Tablet, caplog: pytest.LogCaptureFixture) -> None:
    response = tablet.client.post(
        "/api/v1/sync/inspections",
        data=b'{"inspections": "nej"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {tablet.token}"},
    )

    assert response.status_code == 422
    (logged,) = events(caplog, "sync.push")
    assert (logged["outcome"], logged["bytes"]) == ("malformed", 22)
    assert "statuses" not in logged


def test_it_logs_a_reference_pull(
    tablet: Tablet, site: Any, inspector: User, caplog: pytest.LogCaptureFixture
) -> None:
    first = tablet.pull()
    tablet.pull(first.json()["cursor"])

    device = Device.objects.get()
    first_log, second_log = events(caplog, "sync.reference")
    assert {**first_log, "duration_ms": 0} == {
        "device_id": device.pk,
        "inspector_id": inspector.pk,
        "cursor": False,
        "sites": 1,
        "removed": 0,
        "assignments": 0,
        "catalogue": True,
        "duration_ms": 0,
    }
    assert (second_log["cursor"], second_log["catalogue"]) == (True, False)
    assert site.name not in every_line(caplog)
