"""An inspection on the tablet in the sync protocol's wire form."""

from __future__ import annotations

from uuid import UUID

from mobile.store.models import Inspection, Rating
from shared.grades import Grade, Urgency
from shared.sync import InspectionIn, Position, RatingIn


def rating_wire(rating: Rating) -> RatingIn:
    position = None
    if rating.lat is not None and rating.lon is not None:
        position = Position(lat=rating.lat, lon=rating.lon, accuracy_m=rating.accuracy_m)
    return RatingIn(
        element=rating.element,
        location=rating.location,
        grade=Grade(rating.grade),
        urgency=None if rating.urgency is None else Urgency(rating.urgency),
        note=rating.note,
        quantity=rating.quantity,
        observed_at=rating.observed_at,
        position=position,
        photos=sorted(photo.sha256 for photo in rating.photos),
    )


def inspection_wire(inspection: Inspection) -> InspectionIn:
    """Validated like the server will: a record that fails here would fail there too."""
    return InspectionIn(
        uuid=UUID(inspection.uuid),
        revision=inspection.revision,
        site=inspection.site_code,
        catalogue_version=inspection.catalogue_version,
        started_at=inspection.started_at,
        finished_at=inspection.finished_at,
        ratings=[rating_wire(rating) for rating in inspection.ratings],
    )
