"""The tablets' sync endpoints. Who may call: an enrolled device (Bearer token)."""

from __future__ import annotations

from typing import Any

import pydantic
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from server.accounts.auth import device_auth
from server.core.errors import ErrorOut
from server.inspections.reference import reference_pull
from server.inspections.services import Source, inspections_push_json
from shared.bounds import MAX_CURSOR_LENGTH, MAX_PUSH_BYTES
from shared.errors import PayloadTooLarge
from shared.sync import PushIn, PushOut, ReferenceOut

_REF = "#/components/schemas/{model}"
router = Router(tags=["sync"], auth=device_auth)


class ReferenceParams(Schema):
    cursor: str | None = NinjaField(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="The cursor of the last pull; none for everything.",
    )


@router.get("/sync/reference", response={200: ReferenceOut, 401: ErrorOut, 422: ErrorOut})
def pull_reference(request: HttpRequest, params: Query[ReferenceParams]) -> Any:
    """Sites, catalogue and assignments changed since the cursor (all of it on the first
    pull); the inspector's assigned sites come first; withdrawn sites are marked removed."""
    device = request.auth  # type: ignore[attr-defined]
    return reference_pull(inspector=device.user, cursor=params.cursor)


# The body is read here rather than by a `payload: PushIn` parameter: validating every
# record straight from the JSON bytes is several times faster than Ninja's json.loads
# followed by validating dicts (see parse_push). The OpenAPI document still shows PushIn.
_PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PushIn.model_json_schema(ref_template=_REF)}},
    }
}


@router.post(
    "/sync/inspections",
    response={200: PushOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    openapi_extra=_PUSH_BODY,
)
def push_inspections(request: HttpRequest) -> Any:
    """Store up to 200 inspections; one result per inspection, in order (statuses: created,
    unchanged, updated, stale, conflict, invalid). A malformed record never fails the batch;
    `missing_photos` lists photos to PUT to /photos/{sha256}. 413 over 8 MiB."""
    device = request.auth  # type: ignore[attr-defined]
    source = Source(inspector=device.user, device_name=device.name)
    # Read the stream, not request.body: that stops at DATA_UPLOAD_MAX_MEMORY_SIZE
    # (2.5 MiB, a 500 past it), under the protocol's MAX_PUSH_BYTES.
    body = request.read(MAX_PUSH_BYTES + 1)
    if len(body) > MAX_PUSH_BYTES:
        raise PayloadTooLarge(
            f"A push may be at most {MAX_PUSH_BYTES // (1024 * 1024)} MiB; "
            "send its inspections in smaller batches."
        )
    try:
        results = inspections_push_json(body=body, source=source)
    except pydantic.ValidationError as exc:
        raise ValidationError(list(exc.errors())) from None
    return PushOut(results=results)
