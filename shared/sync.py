"""Wire types of the tablet <-> server sync protocol (DESIGN section 4).

Field names are the protocol: change them only with a new API version. Inputs (what
the tablet sends) are `WireModel`s and refuse unknown fields; outputs (what the server
answers) are `WireOutModel`s and ignore them. The server is upgraded before the
tablets, so the server may answer with fields an old tablet has never heard of, but
a tablet never legitimately sends a field the server does not know: an unknown input
field is a bug or a misspelling and is better refused than silently dropped.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, get_args
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shared.bounds import (
    MAX_ACCURACY_M,
    MAX_CATALOGUE_VERSION_LENGTH,
    MAX_DEVICE_NAME_LENGTH,
    MAX_ELEMENT_CODE_LENGTH,
    MAX_ENROLLMENT_CODE_LENGTH,
    MAX_LOCATION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_QUANTITY,
    MAX_SITE_CODE_LENGTH,
)

# Re-exported (`X as X`): the protocol's size limits, long imported from this module.
from shared.bounds import MAX_PHOTOS_PER_RATING as MAX_PHOTOS_PER_RATING
from shared.bounds import MAX_PUSH_BATCH as MAX_PUSH_BATCH
from shared.bounds import MAX_PUSH_BYTES as MAX_PUSH_BYTES
from shared.bounds import MAX_RATINGS as MAX_RATINGS
from shared.bounds import MAX_REVISION as MAX_REVISION
from shared.errors import ErrorDetail
from shared.grades import Grade, Urgency

if TYPE_CHECKING:
    from shared.catalogue import Catalogue

_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")


def _require_time_zone(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "naive_datetime",
            "must include a time zone, for example 2026-03-01T09:30:00+01:00 or "
            "2026-03-01T08:30:00Z",
        )
    return value


def _require_sha256_hex(value: str) -> str:
    if not _SHA256_HEX.fullmatch(value):
        raise PydanticCustomError(
            "not_sha256", "must be a SHA-256 digest: 64 lowercase hexadecimal characters"
        )
    return value


def _require_storable_text(value: str) -> str:
    # PostgreSQL text refuses NUL, and UTF-8 cannot encode lone surrogates (which
    # json.loads lets through): refuse both here rather than fail later with a 500.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "invalid_unicode", "must be valid Unicode text (no lone surrogates)"
        ) from None
    return value


ZonedDatetime = Annotated[datetime, AfterValidator(_require_time_zone)]
"""A datetime that must carry a time zone (ISO 8601 with an offset or `Z`)."""
Sha256Hex = Annotated[str, AfterValidator(_require_sha256_hex)]
"""A photo's content address: the SHA-256 of its bytes, 64 lowercase hex characters."""


class WireModel(BaseModel):
    """Base of every request body the server reads: unknown fields are refused.

    See the module docstring for why inputs refuse and outputs ignore extra fields.
    """

    model_config = ConfigDict(extra="forbid")


class WireOutModel(WireModel):
    """Base of every answer the tablet reads: unknown fields are ignored.

    A newer server may add fields; an older tablet must keep working.
    """

    model_config = ConfigDict(extra="ignore")


class Position(WireModel):
    """Where the inspector stood (WGS 84 degrees) and how sure the device was (metres)."""

    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    accuracy_m: Annotated[float, Field(ge=0, le=MAX_ACCURACY_M, allow_inf_nan=False)] | None


class RatingIn(WireModel):
    """The grade of one catalogue element at one location during an inspection.

    `location` is a free label such as "Hus B plan 2" (may be empty); together with
    `element` it is unique within an inspection. `urgency` is optional, but refused
    for grade `N` (an element that is not there has no defect to date).
    """

    element: Annotated[
        str, Field(min_length=1, max_length=MAX_ELEMENT_CODE_LENGTH, pattern=r"^[a-z][a-z0-9_]*$")
    ]
    location: Annotated[
        str, Field(max_length=MAX_LOCATION_LENGTH), AfterValidator(_require_storable_text)
    ] = ""
    grade: Grade
    urgency: Urgency | None
    note: Annotated[
        str, Field(max_length=MAX_NOTE_LENGTH), AfterValidator(_require_storable_text)
    ] = ""
    # The largest of any unit; the server, which knows the element's unit, checks that too.
    quantity: Annotated[float, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)] | None
    observed_at: ZonedDatetime
    position: Position | None
    photos: Annotated[list[Sha256Hex], Field(max_length=MAX_PHOTOS_PER_RATING)] = Field(
        default_factory=list
    )

    @field_validator("location", mode="before")
    @classmethod
    def _strip_location(cls, value: object) -> object:
        # "Hus B " and "Hus B" are the same place; strip before the length check.
        return value.strip() if isinstance(value, str) else value

    @field_validator("urgency")
    @classmethod
    def _no_urgency_when_absent(
        cls, urgency: Urgency | None, info: ValidationInfo
    ) -> Urgency | None:
        if urgency is not None and info.data.get("grade") is Grade.N:
            raise PydanticCustomError(
                "urgency_for_absent", "must be null when grade is N (element not present)"
            )
        return urgency

    @field_validator("photos")
    @classmethod
    def _photos_once(cls, photos: list[str]) -> list[str]:
        seen: set[str] = set()
        for photo in photos:
            if photo in seen:
                raise PydanticCustomError(
                    "duplicate_photo", "photo {photo} is listed more than once", {"photo": photo}
                )
            seen.add(photo)
        return photos


class InspectionIn(WireModel):
    """One visit of one inspector to one site, as the tablet sends it.

    `uuid` is made by the tablet; `revision` counts its edits from 1. Only an
    inspection with `finished_at` counts for ranking. `site` is the site's stable
    code from the reference pull.
    """

    uuid: UUID
    revision: Annotated[int, Field(ge=1, le=MAX_REVISION)]
    site: Annotated[
        str,
        Field(min_length=1, max_length=MAX_SITE_CODE_LENGTH),
        AfterValidator(_require_storable_text),
    ]
    catalogue_version: Annotated[
        str,
        Field(min_length=1, max_length=MAX_CATALOGUE_VERSION_LENGTH),
        AfterValidator(_require_storable_text),
    ]
    started_at: ZonedDatetime
    finished_at: ZonedDatetime | None
    ratings: Annotated[list[RatingIn], Field(max_length=MAX_RATINGS)]

    @field_validator("finished_at")
    @classmethod
    def _finished_after_start(
        cls, finished_at: datetime | None, info: ValidationInfo
    ) -> datetime | None:
        started_at = info.data.get("started_at")
        if finished_at is not None and started_at is not None and finished_at < started_at:
            raise PydanticCustomError(
                "finished_before_start",
                "must not be before started_at ({started_at})",
                {"started_at": started_at.isoformat()},
            )
        return finished_at

    @field_validator("ratings")
    @classmethod
    def _one_rating_per_place(cls, ratings: list[RatingIn]) -> list[RatingIn]:
        first_seen: dict[tuple[str, str], int] = {}
        duplicates: list[tuple[int, int, str, str]] = []
        for index, rating in enumerate(ratings):
            key = (rating.element, rating.location)
            if key in first_seen:
                duplicates.append((first_seen[key], index, *key))
            else:
                first_seen[key] = index
        if duplicates:
            # One error for the list (a validator cannot point into it); the
            # context lets parse_inspection report each duplicate at its own path.
            described = "; ".join(
                f"ratings.{index} repeats element '{element}' at location '{location}' "
                f"of ratings.{first}"
                for first, index, element, location in duplicates
            )
            raise PydanticCustomError(
                "duplicate_rating",
                "{described}",
                {"described": described, "duplicates": duplicates},
            )
        return ratings


class PushIn(WireModel):
    """Body of `POST /api/v1/sync/inspections`.

    The inspections stay raw dicts so that one bad record cannot fail the whole
    batch: the server validates them with `parse_push` and answers one
    `PushResult` per record, in order.
    """

    # Any JSON value: a record that is not even an object is judged "invalid" on its own.
    inspections: Annotated[list[Any], Field(max_length=MAX_PUSH_BATCH)]


def parse_inspection(raw: dict[str, Any]) -> InspectionIn | list[ErrorDetail]:
    """Validate one raw inspection of a push batch.

    Returns the inspection, or every error found, each with a dotted path into the
    record (`ratings.3.grade`; empty for the record as a whole) and a message.
    Cross-field checks (one rating per element and location, finish after start)
    run only on fields that are otherwise valid.
    """
    try:
        return InspectionIn.model_validate(raw)
    except ValidationError as exc:
        details: list[ErrorDetail] = []
        for error in exc.errors():
            if error["type"] == "duplicate_rating":
                for first, index, element, location in error["ctx"]["duplicates"]:
                    details.append(
                        ErrorDetail(
                            field=f"ratings.{index}",
                            message=f"element '{element}' at location '{location}' is "
                            f"already rated in ratings.{first}",
                        )
                    )
            else:
                field = ".".join(str(part) for part in error["loc"])
                details.append(ErrorDetail(field=field, message=error["msg"]))
        return details


PushStatus = Literal["created", "unchanged", "updated", "stale", "conflict", "invalid"]
"""Every verdict the server gives a pushed inspection (DESIGN section 4)."""
PUSH_STATUSES: Final[frozenset[str]] = frozenset(get_args(PushStatus))

NOT_OWNER_MESSAGE: Final = "belongs to another inspector"
"""The error on field `uuid` of a `conflict`: another inspector created this inspection.

Exact text: it is the protocol's (tablets recognise it to send the record again once
enrolled for its inspector), like the field name.
"""


class PushResult(WireOutModel):
    """The server's verdict on one pushed inspection (DESIGN section 4 lists the statuses).

    `uuid` echoes what was sent (possibly not a valid UUID when `invalid`).
    `missing_photos` names photo hashes the server does not have yet: the tablet
    keeps uploading until the list is empty.
    """

    uuid: str
    status: PushStatus
    errors: list[ErrorDetail] = Field(default_factory=list)
    missing_photos: list[str] = Field(default_factory=list)


class ReceivedPushResult(WireOutModel):
    """A `PushResult` as the tablet reads it: any status string.

    Tablets in the field outlive server upgrades: a status this tablet does not know
    (one of `PUSH_STATUSES` or not) must neither fail the whole batch's answer nor be
    taken for acceptance. The tablet treats it as refused and keeps the record.
    """

    uuid: str
    status: str
    errors: list[ErrorDetail] = Field(default_factory=list)
    missing_photos: list[str] = Field(default_factory=list)

    @property
    def known(self) -> bool:
        """Whether this tablet knows the status."""
        return self.status in PUSH_STATUSES


class ReceivedPushOut(WireOutModel):
    """A push's answer as the tablet reads it (see `ReceivedPushResult`)."""

    results: list[ReceivedPushResult]


class _ValidPushIn(WireModel):
    """A push body whose every record is valid: the common case, checked in one pass."""

    inspections: Annotated[list[InspectionIn], Field(max_length=MAX_PUSH_BATCH)]


def parse_push(body: bytes | str) -> list[InspectionIn | PushResult]:
    """Validate the JSON body of a push: each record becomes its inspection, or its
    `invalid` verdict with every error, in order.

    Raises pydantic's ValidationError only when the body itself is malformed (not
    JSON, no `inspections` list, more than MAX_PUSH_BATCH records). A batch of valid
    records is validated straight from the JSON bytes, which is several times faster
    than validating parsed dicts one by one; any error sends the batch down the
    record-by-record path that reports each record on its own.
    """
    try:
        return list(_ValidPushIn.model_validate_json(body).inspections)
    except ValidationError:
        pass
    return [parse_push_record(raw) for raw in PushIn.model_validate_json(body).inspections]


def parse_push_record(raw: Any) -> InspectionIn | PushResult:
    """One raw record of a push: its inspection, or its `invalid` verdict."""
    if not isinstance(raw, dict):
        errors = [ErrorDetail(field="", message="an inspection must be a JSON object")]
        return PushResult(uuid="", status="invalid", errors=errors)
    parsed = parse_inspection(raw)
    if isinstance(parsed, InspectionIn):
        return parsed
    uuid = raw.get("uuid")
    return PushResult(uuid="" if uuid is None else str(uuid), status="invalid", errors=parsed)


class PushOut(WireOutModel):
    """Answer to a push: one result per inspection, in the order they were sent."""

    results: list[PushResult]


class PhotoOut(WireOutModel):
    """A stored photo, as `PUT /photos/{sha256}` answers it."""

    sha256: str
    size: int
    content_type: str


class EnrollIn(WireModel):
    """Body of `POST /api/v1/devices/enroll`: the one-time code from the QR code."""

    code: Annotated[str, Field(min_length=1, max_length=MAX_ENROLLMENT_CODE_LENGTH)]
    device_name: Annotated[
        str,
        Field(min_length=1, max_length=MAX_DEVICE_NAME_LENGTH),
        AfterValidator(_require_storable_text),
    ]


class EnrollOut(WireOutModel):
    """Answer to enrolment: the device's bearer token (shown once), who it acts for."""

    token: str
    inspector: str
    server_time: ZonedDatetime


class UnitRef(WireOutModel):
    """A school unit using a site, as the tablet shows it."""

    code: str
    name: str
    school_form: str
    years: str
    pupils: int


class SiteRef(WireOutModel):
    """A site in the reference pull; `removed` is true when it has been withdrawn."""

    code: str
    name: str
    district: str
    lat: float
    lon: float
    units: list[UnitRef]
    removed: bool = False


class CatalogueElementRef(WireOutModel):
    """What the tablet needs to know of a catalogue element to offer it for grading."""

    code: str
    group: Literal["building", "yard"]
    name_sv: str
    name_en: str
    weight: float
    unit: Literal["m2", "st", "m", "site"]


class CatalogueRef(WireOutModel):
    """The server's current catalogue, sent when it differs from what the tablet has."""

    version: str
    elements: list[CatalogueElementRef]

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> CatalogueRef:
        """The wire form of a loaded catalogue."""
        return cls(
            version=catalogue.version,
            elements=[
                CatalogueElementRef(
                    code=element.code,
                    group=element.group,
                    name_sv=element.name_sv,
                    name_en=element.name_en,
                    weight=element.weight,
                    unit=element.unit,
                )
                for element in catalogue.elements
            ],
        )


class ReferenceOut(WireOutModel):
    """Answer to `GET /api/v1/sync/reference?cursor=C`: what changed since `C`.

    Everything on the first pull (no cursor). `catalogue` is null when unchanged;
    `assignments` are the codes of the sites this inspector is assigned to.
    """

    cursor: str
    sites: list[SiteRef]
    catalogue: CatalogueRef | None
    assignments: list[str]
