"""Test data for the tablet store: each function adds one row and flushes it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from mobile.store import Inspection, InspectionState, Rating, Site

_numbers = itertools.count(1)
OBSERVED = datetime(2025, 5, 12, 9, 30, tzinfo=UTC)


def site_create(session: Session, **fields: Any) -> Site:
    number = next(_numbers)
    values: dict[str, Any] = {
        "code": f"SITE-{number:04d}",
        "name": f"Testskolan {number}",
        "district": "Centrum",
        "lat": 57.70,
        "lon": 11.97,
        "assigned": True,
    }
    site = Site(**(values | fields))
    session.add(site)
    session.flush()
    return site


def inspection_create(
    session: Session,
    *,
    site: Site | None = None,
    state: InspectionState = InspectionState.DRAFT,
    **fields: Any,
) -> Inspection:
    values: dict[str, Any] = {
        "site_code": (site or site_create(session)).code,
        "catalogue_version": "2025.1",
        "state": state,
        "started_at": OBSERVED,
        "finished_at": None if state is InspectionState.DRAFT else OBSERVED,
    }
    inspection = Inspection(**(values | fields))
    session.add(inspection)
    session.flush()
    return inspection


def rating_create(session: Session, *, inspection: Inspection, **fields: Any) -> Rating:
    values: dict[str, Any] = {
        "inspection_uuid": inspection.uuid,
        "element": "roof",
        "location": "",
        "grade": "B",
        "observed_at": OBSERVED,
    }
    rating = Rating(**(values | fields))
    session.add(rating)
    session.flush()
    return rating
