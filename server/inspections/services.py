"""Storing inspections from tablets: idempotent, race-safe, one verdict per record; and
hiding photos of people, whose files are deleted after a retention period.

Idempotency rests on the database's unique constraints (inspection UUID; inspection,
element and location), never on check-then-insert: a record whose insert loses a race
is re-read under a row lock and judged like any repeat.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from server.accounts.models import Device
from server.core.bulk import insert_rows
from server.core.data_version import bump
from server.core.memory import collector_paused
from server.inspections.catalogues import accepted_catalogues
from server.inspections.models import Inspection, InspectionRevision, Photo, Rating
from server.prices.selectors import prices_for_plan
from server.prices.table import PriceTable
from server.schools.models import Site
from shared.bounds import MAX_FIRST_REVISION, MAX_PUSH_BYTES, MAX_REVISION_STEP, quantity_bound
from shared.canonical import content_hash
from shared.catalogue import Catalogue
from shared.errors import ErrorDetail, PayloadTooLarge
from shared.sync import (
    NOT_OWNER_MESSAGE,
    InspectionIn,
    PushResult,
    parse_push,
    parse_push_record,
)


@dataclass(frozen=True)
class Source:
    """Who sent the records: the inspector, the device (none for demo data) and its name,
    and whether it is demo data. The inspector owns what it creates."""

    inspector: User | None
    device_name: str = ""
    synthetic: bool = False
    device: Device | None = None

    @property
    def inspector_id(self) -> int | None:
        return None if self.inspector is None else self.inspector.pk


# An inspection is its creator's: another inspector's push of its UUID changes nothing.
# "conflict", not a new status: tablets in the field know a fixed list of statuses.
NOT_YOURS: Final = ErrorDetail(field="uuid", message=NOT_OWNER_MESSAGE)


def push_check_size(*, size: int, exact: bool = True) -> None:
    """Refuse a push body of more than MAX_PUSH_BYTES; `exact` False when only a part was
    read (`size` bytes and more)."""
    if size <= MAX_PUSH_BYTES:
        return
    told = f"{size} bytes" if exact else f"more than {MAX_PUSH_BYTES} bytes"
    raise PayloadTooLarge(
        f"The body is {told}; the limit is {MAX_PUSH_BYTES} bytes "
        f"({MAX_PUSH_BYTES // (1024 * 1024)} MiB). Send fewer inspections per batch."
    )


def inspections_push(*, raws: list[Any], source: Source) -> list[PushResult]:
    """Judge and store a batch of raw inspections; one bad record never fails the others."""
    return _push_parsed([parse_push_record(raw) for raw in raws], source)


def inspections_push_json(*, body: bytes, source: Source) -> list[PushResult]:
    """`inspections_push` for a push's JSON body, validated straight from the bytes.

    Raises pydantic's ValidationError when the body itself is malformed.
    """
    with collector_paused():
        return _push_parsed(parse_push(body), source)


def _push_parsed(parsed: list[InspectionIn | PushResult], source: Source) -> list[PushResult]:
    valid = [p for p in parsed if isinstance(p, InspectionIn)]
    stored = iter(inspections_store(inspections=valid, source=source, now=timezone.now()))
    return [next(stored) if isinstance(p, InspectionIn) else p for p in parsed]


@transaction.atomic
def inspections_store(
    *, inspections: list[InspectionIn], source: Source, now: datetime | None = None
) -> list[PushResult]:
    """Store validated inspections; the answer lists one PushResult per inspection, in order."""
    now = now or timezone.now()
    sites = {
        s.code: s
        for s in Site.objects.filter(code__in={i.site for i in inspections}).only(
            "id", "code", "floor_area_m2", "yard_area_m2"
        )
    }
    catalogues = accepted_catalogues()
    errors = [_server_errors(i, sites, catalogues, now) for i in inspections]
    results: list[PushResult | None] = [
        PushResult(uuid=str(i.uuid), status="invalid", errors=e) if e else None
        for i, e in zip(inspections, errors, strict=True)
    ]
    todo = [n for n, r in enumerate(results) if r is None]
    # Only a batch with something to store pays for reading the price list.
    prices = prices_for_plan() if todo else None
    # The fast path: new UUIDs, each once in the batch, go in with two bulk inserts.
    repeats = Counter(inspections[n].uuid for n in todo)
    known = set(
        Inspection.objects.filter(uuid__in=[inspections[n].uuid for n in todo]).values_list(
            "uuid", flat=True
        )
    )
    fresh = [
        n for n in todo if repeats[inspections[n].uuid] == 1 and inspections[n].uuid not in known
    ]
    for n in fresh:
        too_high = _first_revision_error(inspections[n])
        if too_high is not None:
            results[n] = PushResult(
                uuid=str(inspections[n].uuid), status="invalid", errors=[too_high]
            )
    fresh = [n for n in fresh if results[n] is None]
    if fresh and _create_many([inspections[n] for n in fresh], sites, catalogues, prices, source):
        for n in fresh:
            results[n] = PushResult(uuid=str(inspections[n].uuid), status="created")
    for n in todo:
        if results[n] is None:
            results[n] = _store_one(inspections[n], sites, catalogues, prices, source)
    _add_missing_photos(inspections, results)
    return [r for r in results if r is not None]


def _server_errors(
    insp: InspectionIn, sites: dict[str, Site], catalogues: dict[str, Catalogue], now: datetime
) -> list[ErrorDetail]:
    """What only the server can judge: its sites, its catalogues (an element's unit bounds
    its quantity), its clock."""
    errors = []
    if insp.site not in sites:
        errors.append(ErrorDetail(field="site", message=f"unknown site '{insp.site}'"))
    catalogue = catalogues.get(insp.catalogue_version)
    if catalogue is None:
        errors.append(
            ErrorDetail(
                field="catalogue_version",
                message=f"catalogue version '{insp.catalogue_version}' is not accepted "
                f"(accepted: {', '.join(sorted(catalogues))}); pull the reference data again",
            )
        )
    latest = now + timedelta(seconds=settings.SYNC_CLOCK_TOLERANCE_SECONDS)
    for field in ("started_at", "finished_at"):
        value = getattr(insp, field)
        if value is not None and value > latest:
            errors.append(ErrorDetail(field=field, message="is in the future: check the clock"))
    for n, rating in enumerate(insp.ratings):
        element = None if catalogue is None else catalogue.elements_by_code.get(rating.element)
        if catalogue is not None and element is None:
            errors.append(
                ErrorDetail(
                    field=f"ratings.{n}.element",
                    message=f"unknown element '{rating.element}' in catalogue {catalogue.version}",
                )
            )
        if element is not None and rating.quantity is not None:
            bound = quantity_bound(element.unit)
            if rating.quantity > bound:
                errors.append(
                    ErrorDetail(
                        field=f"ratings.{n}.quantity",
                        message=f"must be at most {bound:g} {element.unit} for element "
                        f"'{element.code}', got {rating.quantity:.15g}",
                    )
                )
        if rating.observed_at > latest:
            errors.append(
                ErrorDetail(
                    field=f"ratings.{n}.observed_at", message="is in the future: check the clock"
                )
            )
    return errors


def _first_revision_error(insp: InspectionIn) -> ErrorDetail | None:
    """A new inspection starts low, so its revisions can rise for ever in bounded steps."""
    if insp.revision <= MAX_FIRST_REVISION:
        return None
    return ErrorDetail(
        field="revision",
        message=f"a new inspection starts at revision {MAX_FIRST_REVISION} at most, "
        f"got {insp.revision}",
    )


def _inspection_row(insp: InspectionIn, site: Site, source: Source) -> Inspection:
    return Inspection(
        uuid=insp.uuid,
        revision=insp.revision,
        site=site,
        inspector=source.inspector,
        device_name=source.device_name,
        device=source.device,
        catalogue_version=insp.catalogue_version,
        started_at=insp.started_at,
        finished_at=insp.finished_at,
        content_hash=content_hash(insp),
        synthetic=source.synthetic,
    )


def _rating_rows(
    insp: InspectionIn, inspection_id: int, site: Site, catalogue: Catalogue, prices: PriceTable
) -> list[dict[str, Any]]:
    """The Rating rows of an inspection as {attname: value}, costs computed here: the
    quantity behind the cost is kept, so a new price list reprices it exactly."""
    rows = []
    for rating in insp.ratings:
        element = catalogue.element(rating.element)
        quantity = rating.quantity
        quantity_for_cost = quantity
        if quantity is None and site.floor_area_m2 and site.yard_area_m2:
            # No measured quantity: estimate from the site's size, as a planner would.
            quantity_for_cost = element.quantity_estimate.quantity(
                floor_area=site.floor_area_m2, yard_area=site.yard_area_m2
            )
            if not (
                math.isfinite(quantity_for_cost)
                and quantity_for_cost <= quantity_bound(element.unit)
            ):
                quantity_for_cost = None  # an implausible site size estimates nothing
        position = rating.position
        rows.append(
            {
                "inspection_id": inspection_id,
                "site_id": site.id,
                "element": rating.element,
                "location": rating.location,
                "grade": rating.grade.value,
                "urgency": int(rating.urgency) if rating.urgency is not None else None,
                "note": rating.note,
                "quantity": quantity,
                "estimated_cost_sek": None
                if quantity_for_cost is None
                else prices.cost(rating.element, rating.grade, quantity_for_cost),
                "cost_quantity": quantity_for_cost,
                "observed_at": rating.observed_at,
                "lat": position.lat if position else None,
                "lon": position.lon if position else None,
                "accuracy_m": position.accuracy_m if position else None,
                "photos": sorted(rating.photos),
            }
        )
    return rows


def _create_many(
    inspections: list[InspectionIn],
    sites: dict[str, Site],
    catalogues: dict[str, Catalogue],
    prices: PriceTable,
    source: Source,
) -> bool:
    """Insert all at once; False (nothing written) if another writer got one in first."""
    try:
        with transaction.atomic():
            rows = Inspection.objects.bulk_create(
                [_inspection_row(i, sites[i.site], source) for i in inspections]
            )
            insert_rows(
                Rating,
                (
                    rating
                    for insp, row in zip(inspections, rows, strict=True)
                    for rating in _rating_rows(
                        insp,
                        row.pk,
                        sites[insp.site],
                        catalogues[insp.catalogue_version],
                        prices,
                    )
                ),
            )
            bump()  # bulk inserts send no signals
    except IntegrityError:
        return False
    return True


def _store_one(
    insp: InspectionIn,
    sites: dict[str, Site],
    catalogues: dict[str, Catalogue],
    prices: PriceTable,
    source: Source,
) -> PushResult:
    site, catalogue, uuid = sites[insp.site], catalogues[insp.catalogue_version], str(insp.uuid)
    too_high = _first_revision_error(insp)
    if too_high is None:
        try:
            with transaction.atomic():
                row = _inspection_row(insp, site, source)
                row.save(force_insert=True)
                insert_rows(Rating, _rating_rows(insp, row.pk, site, catalogue, prices))
            return PushResult(uuid=uuid, status="created")
        except IntegrityError:
            pass  # the UUID is stored already (perhaps a moment ago by a racing request)
    stored = Inspection.objects.select_for_update().filter(uuid=insp.uuid).first()
    if stored is None:
        # Only a record too high to create gets here without a stored row.
        return PushResult(uuid=uuid, status="invalid", errors=[too_high] if too_high else [])
    # Ownership first, whatever the revision: a higher one would replace the owner's
    # record, and the highest would lock the owner out of it.
    if stored.inspector_id != source.inspector_id:
        return PushResult(uuid=uuid, status="conflict", errors=[NOT_YOURS])
    if insp.revision < stored.revision:
        return PushResult(
            uuid=uuid,
            status="stale",
            errors=[
                ErrorDetail(
                    field="revision",
                    message=f"revision {insp.revision} is older than the stored revision "
                    f"{stored.revision}; the stored one is kept",
                )
            ],
        )
    if insp.revision == stored.revision:
        if content_hash(insp) == stored.content_hash:
            return PushResult(uuid=uuid, status="unchanged")
        return PushResult(
            uuid=uuid,
            status="conflict",
            errors=[
                ErrorDetail(
                    field="revision",
                    message=f"revision {insp.revision} is stored with other content; "
                    "raise the revision to replace it. The stored one is kept",
                )
            ],
        )
    if insp.revision > stored.revision + MAX_REVISION_STEP:
        return PushResult(
            uuid=uuid,
            status="invalid",
            errors=[
                ErrorDetail(
                    field="revision",
                    message=f"may rise by at most {MAX_REVISION_STEP} at a time: the stored "
                    f"revision is {stored.revision}, so at most "
                    f"{stored.revision + MAX_REVISION_STEP}, got {insp.revision}",
                )
            ],
        )
    InspectionRevision.objects.create(
        inspection=stored,
        revision=stored.revision,
        content_hash=stored.content_hash,
        payload=inspection_wire(stored),
        # The writer of the replaced revision, not of the one replacing it.
        inspector_id=stored.inspector_id,
        device_name=stored.device_name,
        device_id=stored.device_id,
    )
    stored.ratings.all().delete()
    new = _inspection_row(insp, site, source)
    new.pk = stored.pk
    new.received_at = stored.received_at
    new.save(force_update=True)
    insert_rows(Rating, _rating_rows(insp, new.pk, site, catalogue, prices))
    return PushResult(uuid=uuid, status="updated")


def inspection_wire(row: Inspection) -> dict[str, Any]:
    """A stored inspection in the sync wire format (JSON-ready)."""
    ratings = [
        {
            "element": r.element,
            "location": r.location,
            "grade": r.grade,
            "urgency": r.urgency,
            "note": r.note,
            "quantity": r.quantity,
            "observed_at": r.observed_at.isoformat(),
            "position": None
            if r.lat is None or r.lon is None
            else {"lat": r.lat, "lon": r.lon, "accuracy_m": r.accuracy_m},
            "photos": list(r.photos),
        }
        for r in row.ratings.order_by("element", "location")
    ]
    return {
        "uuid": str(row.uuid),
        "revision": row.revision,
        "site": row.site.code,
        "catalogue_version": row.catalogue_version,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "ratings": ratings,
    }


def _add_missing_photos(inspections: list[InspectionIn], results: list[PushResult | None]) -> None:
    """Name the photos an accepted record needs and the server does not have yet."""
    wanted = {
        n: {h for rating in insp.ratings for h in rating.photos}
        for n, insp in enumerate(inspections)
        if results[n] is not None and results[n].status in {"created", "updated", "unchanged"}
    }
    every = set().union(*wanted.values()) if wanted else set()
    have = set(Photo.objects.filter(sha256__in=every).values_list("sha256", flat=True))
    for n, hashes in wanted.items():
        result = results[n]
        if result is not None:
            result.missing_photos = sorted(hashes - have)


def photos_hide(*, sha256s: list[str], by: User, now: datetime | None = None) -> int:
    """Hide the photos (they show a person): from now on they show nowhere, a tablet's
    upload of the same bytes does not bring them back, and `photos_purge` deletes their
    files once `settings.RETAIN_HIDDEN_PHOTOS_DAYS` have passed. Returns how many were
    hidden now; a photo hidden already keeps who hid it and when."""
    return Photo.objects.filter(sha256__in=sha256s, hidden_at__isnull=True).update(
        hidden_at=now or timezone.now(), hidden_by=by
    )


def photos_purge(*, now: datetime, dry_run: bool = False) -> int:
    """Delete the files of photos hidden more than `settings.RETAIN_HIDDEN_PHOTOS_DAYS`
    ago; returns how many (would) go.

    The row stays as a tombstone marked `deleted_at` (see photos.photo_store): ratings
    keep naming the hash, and a tablet sending the bytes again is told "already stored".
    """
    cutoff = now - timedelta(days=settings.RETAIN_HIDDEN_PHOTOS_DAYS)
    due = Photo.objects.filter(hidden_at__lt=cutoff, deleted_at__isnull=True)
    if dry_run:
        return due.count()
    deleted = 0
    for sha256 in list(due.values_list("sha256", flat=True)):
        with transaction.atomic():
            photo = due.select_for_update().filter(pk=sha256).first()
            if photo is None:
                continue  # another purge got there first
            # The file first: if deleting it fails, the row is not marked and the next
            # run tries again (deleting a file that is gone already is no error).
            if photo.file.name:
                default_storage.delete(photo.file.name)
            photo.deleted_at = now
            photo.save(update_fields=["deleted_at"])
        deleted += 1
    return deleted


def ratings_reprice(*, prices: PriceTable) -> int:
    """Every stored cost estimate recomputed as its quantity x `prices` (a new price list
    or index) in one UPDATE; ratings without a quantity behind them keep none. Returns the
    rows changed."""
    cases = [
        When(element=element, grade=grade, then=F("cost_quantity") * rate.sek_per_unit)
        for (element, grade), rate in sorted(prices.rates.items())
    ]
    priced = Q(grade__in=["A", "N"]) | Q(element__in={element for element, _ in prices.rates})
    changed = Rating.objects.filter(priced, cost_quantity__isnull=False).update(
        estimated_cost_sek=Case(*cases, When(grade__in=["A", "N"], then=Value(0.0)))
    )
    bump()
    return changed
