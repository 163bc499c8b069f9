"""The tablets' sync endpoints. Who may call: an enrolled device (Bearer token)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import pydantic
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from server.accounts.auth import device_auth
from server.core.errors import ErrorOut
from server.inspections.reference import reference_pull
from server.inspections.services import Source, inspections_push_json, push_check_size
from shared.bounds import MAX_CURSOR_LENGTH
from shared.errors import AppError
from shared.sync import PushIn, PushOut, ReferenceOut

_REF = "#/components/schemas/{model}"
router = Router(tags=["sync"], auth=device_auth)
# One line per push (`sync.push`): which device and inspector stored what, with counts
# only (the inspections themselves name their inspector and device and keep every revision).
logger = logging.getLogger("server.inspections.sync")


def _elapsed_ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


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
    start = time.perf_counter()
    device = request.auth  # type: ignore[attr-defined]
    answer = reference_pull(inspector=device.user, cursor=params.cursor)
    logger.info(
        "sync.reference",
        extra={
            "device_id": device.pk,
            "inspector_id": device.user_id,
            "cursor": params.cursor is not None,
            "sites": len(answer.sites),
            "removed": sum(site.removed for site in answer.sites),
            "assignments": len(answer.assignments),
            "catalogue": answer.catalogue is not None,
            "duration_ms": _elapsed_ms(start),
        },
    )
    return answer


# The body is read here rather than by a `payload: PushIn` parameter: validating every
# record straight from the JSON bytes is several times faster than Ninja's json.loads
# followed by validating dicts (see parse_push). The OpenAPI document still shows PushIn.
_PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PushIn.model_json_schema(ref_template=_REF)}},
    }
}


_CHUNK = 256 * 1024


def _push_body(request: HttpRequest) -> bytes:
    """The body, up to MAX_PUSH_BYTES: read from the stream, in chunks, because
    `request.body` stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, a cap meant for forms
    that other endpoints keep)."""
    declared = request.META.get("CONTENT_LENGTH")
    if declared and declared.isdigit():
        push_check_size(size=int(declared))  # 413 before reading anything
    chunks: list[bytes] = []
    size = 0
    while chunk := request.read(_CHUNK):
        size += len(chunk)
        push_check_size(size=size, exact=False)  # one byte over is enough to refuse
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/sync/inspections",
    response={200: PushOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    openapi_extra=_PUSH_BODY,
)
def push_inspections(request: HttpRequest) -> Any:
    """Store up to 200 inspections; one result per inspection, in order (statuses: created,
    unchanged, updated, stale, conflict, invalid). A malformed record never fails the batch;
    `missing_photos` lists photos to PUT to /photos/{sha256}. 413 for a body of more than
    8 MiB (MAX_PUSH_BYTES): split the batch."""
    start = time.perf_counter()
    device = request.auth  # type: ignore[attr-defined]
    source = Source(inspector=device.user, device_name=device.name, device=device)
    # Counts and sizes only: nothing an inspector wrote goes into the log.
    facts: dict[str, Any] = {"device_id": device.pk, "inspector_id": device.user_id}
    try:
        body = _push_body(request)
    except AppError as exc:
        logger.info(
            "sync.push",
            extra={**facts, "outcome": exc.code, "duration_ms": _elapsed_ms(start)},
        )
        raise
    facts["bytes"] = len(body)
    try:
        results = inspections_push_json(body=body, source=source)
    except pydantic.ValidationError as exc:
        logger.info(
            "sync.push",
            extra={**facts, "outcome": "malformed", "duration_ms": _elapsed_ms(start)},
        )
        raise ValidationError(list(exc.errors())) from None
    logger.info(
        "sync.push",
        extra={
            **facts,
            "outcome": "stored",
            "inspections": len(results),
            "statuses": dict(Counter(result.status for result in results)),
            "duration_ms": _elapsed_ms(start),
        },
    )
    return PushOut(results=results)
