"""Pushing inspections through the sync endpoint against two ways of writing the same rows:
(a) one by one with the ORM, (b) a raw bulk insert (the server-side limit)."""

from __future__ import annotations

import json
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.bench.common import Result

N_INSPECTIONS = 400
BATCH = 200
T0 = datetime(2026, 9, 1, 8, tzinfo=UTC)


def _records(
    site_code: str, version: str, codes: list[str], lump_sums: set[str]
) -> list[dict[str, Any]]:
    """`lump_sums` are the codes whose unit is the whole site: their quantity is 1."""
    return [
        {
            "uuid": str(uuidlib.uuid4()),
            "revision": 1,
            "site": site_code,
            "catalogue_version": version,
            "started_at": T0.isoformat(),
            "finished_at": (T0 + timedelta(hours=2)).isoformat(),
            "ratings": [
                {
                    "element": code,
                    "location": "",
                    "grade": "BCDA"[(n + k) % 4],
                    "urgency": None,
                    "note": "Bench",
                    "quantity": 1.0 if code in lump_sums else 12.0,
                    "observed_at": (T0 + timedelta(minutes=k)).isoformat(),
                    "position": {"lat": 57.7, "lon": 11.9, "accuracy_m": 5.0},
                    "photos": [],
                }
                for k, code in enumerate(codes)
            ],
        }
        for n in range(N_INSPECTIONS)
    ]


def bulk_insert(records: list[dict[str, Any]], *, site: Any, user: Any) -> None:
    """The server-side limit: the rows of `records` bulk-inserted, unvalidated.

    Under the same paused collector as the endpoint's push, so that a ratio compares the
    work done, not when Python's collector happens to run. Also used by bench_mobile.
    """
    from django.db import transaction

    from server.core.bulk import insert_rows
    from server.core.memory import collector_paused
    from server.inspections.models import Inspection, Rating

    with collector_paused(), transaction.atomic():
        rows = Inspection.objects.bulk_create(
            Inspection(
                uuid=rec["uuid"],
                revision=1,
                site=site,
                inspector=user,
                catalogue_version=rec["catalogue_version"],
                started_at=rec["started_at"],
                finished_at=rec["finished_at"],
                content_hash="0" * 64,
            )
            for rec in records
        )
        insert_rows(
            Rating,
            (
                {
                    "inspection_id": row.pk,
                    "site_id": site.pk,
                    "element": r["element"],
                    "location": "",
                    "grade": r["grade"],
                    "urgency": None,
                    "note": r["note"],
                    "quantity": r["quantity"],
                    "estimated_cost_sek": 0.0,
                    "cost_quantity": r["quantity"],
                    "observed_at": datetime.fromisoformat(r["observed_at"]),
                    "lat": 57.7,
                    "lon": 11.9,
                    "accuracy_m": 5.0,
                    "photos": r["photos"],
                }
                for rec, row in zip(records, rows, strict=True)
                for r in rec["ratings"]
            ),
        )


def _timed(fn: Any) -> float:
    from server.inspections.models import Inspection

    Inspection.objects.all().delete()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    Inspection.objects.all().delete()
    return elapsed


def run() -> list[Result]:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from server.accounts.services import device_enroll, enrollment_code_create
    from server.inspections.models import Inspection, Rating
    from server.schools.models import District, Site
    from shared.catalogue import load_catalogue

    catalogue = load_catalogue()
    codes = catalogue.codes
    district, _ = District.objects.get_or_create(code="bench-sync", name="Bench", kind="district")
    site, _ = Site.objects.get_or_create(
        code="bench-sync-site",
        defaults={"name": "Bench", "district": district, "lat": 57.7, "lon": 11.9},
    )
    user, _ = User.objects.get_or_create(username="bench-inspector")
    user.groups.add(Group.objects.get_or_create(name="inspector")[0])
    _, code = enrollment_code_create(user=user)
    _, token = device_enroll(code=code, device_name="Bench")
    client = Client()
    lump_sums = {e.code for e in catalogue.elements if e.unit == "site"}
    records = _records(site.code, catalogue.version, codes, lump_sums)
    n_ratings = N_INSPECTIONS * len(codes)

    # The tablet encodes its batches; the server's work starts with the bytes.
    bodies = [
        json.dumps({"inspections": records[start : start + BATCH]})
        for start in range(0, len(records), BATCH)
    ]

    def endpoint() -> None:
        for body in bodies:
            response = client.post(
                "/api/v1/sync/inspections",
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200
            assert {r["status"] for r in response.json()["results"]} == {"created"}

    def one_by_one() -> None:
        # The naive way: each row saved on its own, each save its own transaction.
        for rec in records:
            row = Inspection.objects.create(
                uuid=rec["uuid"],
                revision=1,
                site=site,
                inspector=user,
                catalogue_version=rec["catalogue_version"],
                started_at=rec["started_at"],
                finished_at=rec["finished_at"],
                content_hash="0" * 64,
            )
            for r in rec["ratings"]:
                Rating.objects.create(
                    inspection=row,
                    site=site,
                    element=r["element"],
                    location="",
                    grade=r["grade"],
                    note=r["note"],
                    quantity=r["quantity"],
                    observed_at=r["observed_at"],
                    lat=57.7,
                    lon=11.9,
                    accuracy_m=5.0,
                )

    def raw_bulk() -> None:
        bulk_insert(records, site=site, user=user)

    # Alternate the two fast ones so both see the same machine; keep each one's best.
    _timed(endpoint)  # warm-up: the first request builds URL and schema caches
    pairs = [(_timed(endpoint), _timed(raw_bulk)) for _ in range(7)]
    endpoint_s, bulk_s = min(p[0] for p in pairs), min(p[1] for p in pairs)
    orm_s = _timed(one_by_one)
    rate = f"{n_ratings / endpoint_s:,.0f} ratings/s through the endpoint"
    return [
        Result(
            f"sync push, {N_INSPECTIONS} x {len(codes)} ratings in batches of {BATCH}",
            endpoint_s,
            "ORM one by one, each save committed",
            orm_s,
            rate,
        ),
        Result(
            f"sync push, {N_INSPECTIONS} x {len(codes)} ratings in batches of {BATCH}",
            endpoint_s,
            "the same rows bulk-inserted unvalidated (the limit)",
            bulk_s,
            "a ratio below 1 means slower than the limit",
        ),
    ]
