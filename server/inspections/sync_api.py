"""The tablets' sync endpoints. Who may call: an enrolled device (Bearer token)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from server.accounts.auth import device_auth
from server.core.errors import ErrorOut
from server.inspections.reference import reference_pull
from server.inspections.services import Source, inspections_push
from shared.sync import PushIn, PushOut, ReferenceOut

router = Router(tags=["sync"], auth=device_auth)


class ReferenceParams(Schema):
    cursor: str | None = NinjaField(
        None, max_length=100, description="The cursor of the last pull; none for everything."
    )


@router.get("/sync/reference", response={200: ReferenceOut, 401: ErrorOut, 422: ErrorOut})
def pull_reference(request: HttpRequest, params: Query[ReferenceParams]) -> Any:
    """Sites, catalogue and assignments changed since the cursor (all of it on the first
    pull); the inspector's assigned sites come first; withdrawn sites are marked removed."""
    device = request.auth  # type: ignore[attr-defined]
    return reference_pull(inspector=device.user, cursor=params.cursor)


@router.post("/sync/inspections", response={200: PushOut, 401: ErrorOut, 422: ErrorOut})
def push_inspections(request: HttpRequest, payload: PushIn) -> Any:
    """Store up to 200 inspections; one result per inspection, in order (statuses: created,
    unchanged, updated, stale, conflict, invalid). A malformed record never fails the batch;
    `missing_photos` lists photos to PUT to /photos/{sha256}."""
    device = request.auth  # type: ignore[attr-defined]
    source = Source(inspector=device.user, device_name=device.name)
    return PushOut(results=inspections_push(raws=payload.inspections, source=source))
