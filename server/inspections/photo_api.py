"""Photo upload and download (DESIGN section 4).

Who may call: tablets (device bearer token) check and upload photos; signed-in planners
download any photo, a tablet only those of its inspector's assigned sites and own
inspections.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router, Status

from server.accounts.auth import device_auth, planner_auth
from server.accounts.models import Device
from server.core.errors import ErrorOut
from server.inspections import photos, selectors
from shared.errors import NotFound
from shared.sync import PhotoOut

router = Router(tags=["photos"])

_IMAGE_TYPES: Final = ("image/jpeg", "image/png", "image/webp")
_BINARY: Final = {"schema": {"type": "string", "format": "binary"}}
# The bytes behind a hash never change, but only callers who signed in may see them.
_CACHE_CONTROL: Final = "private, max-age=31536000, immutable"


@router.api_operation(
    ["HEAD"], "/photos/{sha256}", auth=device_auth, response={200: None, 401: None, 404: None}
)
def head_photo(request: HttpRequest, sha256: str) -> HttpResponse:
    """Whether the server has the photo: 200 stored, 404 not (no body either way).

    Who may call: an enrolled tablet. A photo whose file was lost counts as not stored,
    so the tablet sends it again; a photo an administrator hid counts as stored, so it is
    not sent again. Any tablet may ask about any hash: the answer is worth
    nothing without the hash, and the hash (SHA-256 of the bytes) is known only to whoever
    already has the photo; PUT answers 200 or 201 the same way.
    """
    return HttpResponse(status=200 if photos.photo_exists(sha256=sha256) else 404)


@router.put(
    "/photos/{sha256}",
    auth=device_auth,
    response={
        200: PhotoOut,
        201: PhotoOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    openapi_extra={
        "requestBody": {"required": True, "content": dict.fromkeys(_IMAGE_TYPES, _BINARY)}
    },
)
def put_photo(request: HttpRequest, sha256: str) -> Status[PhotoOut]:
    """Upload a photo's bytes (the raw body, not a form) under their SHA-256.

    Who may call: an enrolled tablet. 201 stored, 200 already stored (nothing written
    again; also for a photo an administrator hid, whose bytes are never taken again),
    400 when the bytes hash to something else (cut off: send again), 413 over the size
    limit, 415 not a JPEG, PNG or WebP image that decodes. The image type is read from
    the bytes; the Content-Type header is not trusted.
    """
    declared = request.META.get("CONTENT_LENGTH")
    if declared and declared.isdigit():
        photos.photo_check_size(size=int(declared))  # 413 before reading anything
    # Read the stream, not request.body, whose cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is for
    # forms; one byte over the limit is enough to refuse.
    data = request.read(settings.PHOTO_MAX_BYTES + 1)
    photo, created = photos.photo_store(sha256=sha256, data=data)
    out = PhotoOut(sha256=photo.sha256, size=photo.size, content_type=photo.content_type)
    return Status(201 if created else 200, out)


@router.get(
    "/photos/{sha256}",
    auth=[device_auth, planner_auth],
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The photo's bytes",
                "content": dict.fromkeys(_IMAGE_TYPES, _BINARY),
            }
        }
    },
)
def get_photo(request: HttpRequest, sha256: str) -> Any:
    """Download a photo's bytes, cacheable for a year (they never change).

    Who may call: a signed-in planner or administrator, any photo (403 for other
    signed-in users); an enrolled tablet, photos that a rating of a site assigned to its
    inspector, or of its inspector's own inspection, names. Other photos answer 404 as if
    not stored, so a tablet learns nothing of them; that includes a photo the tablet has
    just uploaded until a rating of its inspector names it (photos keep no uploader).
    A photo an administrator hid answers 404 to everyone.
    """
    caller = request.auth  # type: ignore[attr-defined]
    if isinstance(caller, Device) and not selectors.photo_visible_to_inspector(
        sha256=sha256, inspector=caller.user
    ):
        raise NotFound(f"No photo with SHA-256 {sha256}.")  # as photo_open words it
    photo, file = photos.photo_open(sha256=sha256)
    response = FileResponse(file, content_type=photo.content_type)
    response["Cache-Control"] = _CACHE_CONTROL
    return response
