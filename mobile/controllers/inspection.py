"""Recording an inspection: the checklist, grading, skipping, pausing, finishing, reopening."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from mobile.i18n import Translator
from mobile.store import (
    CatalogueElement,
    Inspection,
    InspectionState,
    Photo,
    Rating,
    SettingKey,
    Site,
    setting_get,
)
from mobile.store.outbox import outbox_add
from mobile.store.photos import photo_file, photo_import
from mobile.store.types import now_utc
from shared.bounds import (
    MAX_ACCURACY_M,
    MAX_LOCATION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PHOTOS_PER_RATING,
    MAX_QUANTITY,
    MAX_QUANTITY_BY_UNIT,
    MAX_RATINGS,
)
from shared.errors import ErrorDetail, InvalidInput, NotFound
from shared.grades import Grade

GROUPS = ("building", "yard")
FINISHED_STATES = frozenset(InspectionState) - {InspectionState.DRAFT}


@dataclass(frozen=True)
class PositionFix:
    """Where the tablet was, from its GPS (none on the desktop)."""

    lat: float
    lon: float
    accuracy_m: float | None = None


def _usable(position: PositionFix | None) -> PositionFix | None:
    """The fix, or None when its accuracy is past what the wire accepts.

    A fix kilometres off says nothing about where on the site the inspector stood, and
    the inspector cannot improve it: keep the grade, leave the position out.
    """
    if position is None or position.accuracy_m is None:
        return position
    if not math.isfinite(position.accuracy_m) or not 0 <= position.accuracy_m <= MAX_ACCURACY_M:
        return None
    return position


@dataclass(frozen=True)
class Previous:
    """The same element and location in the site's last synced inspection."""

    grade: str
    urgency: int | None
    note: str
    photos: tuple[str, ...]
    observed_at: datetime


@dataclass(frozen=True)
class ChecklistItem:
    element: str
    location: str
    name: str
    group: str
    unit: str
    grade: str | None = None
    urgency: int | None = None
    note: str = ""
    quantity: float | None = None
    photos: tuple[str, ...] = ()
    previous: Previous | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.element, self.location)

    @property
    def done(self) -> bool:
        return self.grade is not None

    @property
    def has_quantity(self) -> bool:
        return self.unit != "site"


@dataclass(frozen=True)
class Checklist:
    uuid: str
    site_code: str
    site_name: str
    state: InspectionState
    revision: int
    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def total(self) -> int:
        return len(self.items)

    def group(self, group: str) -> list[ChecklistItem]:
        return [item for item in self.items if item.group == group]

    def item(self, element: str, location: str = "") -> ChecklistItem:
        for item in self.items:
            if item.key == (element, location):
                return item
        raise KeyError((element, location))

    def next_open(self, after: tuple[str, str] | None = None) -> ChecklistItem | None:
        """The next item not graded yet after `after`, wrapping round: skipped items come
        back until every one is graded."""
        keys = [item.key for item in self.items]
        start = keys.index(after) + 1 if after in keys else 0
        for item in self.items[start:] + self.items[:start]:
            if not item.done and item.key != after:
                return item
        return None


class InspectionController:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        tr: Translator,
        *,
        photos_dir: Path,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self._session_factory = session_factory
        self._tr = tr
        self._photos_dir = photos_dir
        self._clock = clock

    # --- starting and reading ---

    def start(self, site_code: str) -> str:
        """The site's draft inspection, resumed, or a new one; returns its UUID."""
        with self._session_factory.begin() as session:
            site = session.get(Site, site_code)
            if site is None or site.removed:
                raise NotFound(self._tr("inspection.no_site"))
            inspector = setting_get(session, SettingKey.INSPECTOR)
            # Another inspector's draft is theirs to finish: only they may send it.
            draft = session.scalars(
                select(Inspection)
                .where(
                    Inspection.site_code == site_code,
                    Inspection.state == InspectionState.DRAFT,
                    or_(Inspection.inspector == inspector, Inspection.inspector.is_(None)),
                )
                .order_by(Inspection.started_at.desc())
            ).first()
            if draft is not None:
                draft.paused_at = None
                return draft.uuid
            version = setting_get(session, SettingKey.CATALOGUE_VERSION)
            if not version:
                raise NotFound(self._tr("inspection.no_catalogue"))
            inspection = Inspection(
                site_code=site_code,
                catalogue_version=version,
                started_at=self._clock(),
                inspector=inspector,
            )
            session.add(inspection)
            session.flush()
            return inspection.uuid

    def checklist(self, uuid: str) -> Checklist:
        with self._session_factory() as session:
            inspection = self._get(session, uuid)
            elements = session.scalars(
                select(CatalogueElement).order_by(CatalogueElement.position)
            ).all()
            ratings = {(r.element, r.location): r for r in inspection.ratings}
            previous = self._previous(session, inspection)
            locations: dict[str, list[str]] = {}
            for code, location in sorted(set(ratings) | set(previous)):
                locations.setdefault(code, []).append(location)
            name = "name_sv" if self._tr.language == "sv" else "name_en"
            items: list[ChecklistItem] = []
            for group in GROUPS:
                for element in (e for e in elements if e.group == group):
                    for location in locations.get(element.code) or [""]:
                        rating = ratings.get((element.code, location))
                        base = ChecklistItem(
                            element=element.code,
                            location=location,
                            name=getattr(element, name),
                            group=group,
                            unit=element.unit,
                            previous=previous.get((element.code, location)),
                        )
                        if rating is not None:
                            base = replace(
                                base,
                                grade=rating.grade,
                                urgency=rating.urgency,
                                note=rating.note,
                                quantity=rating.quantity,
                                photos=tuple(sorted(p.sha256 for p in rating.photos)),
                            )
                        items.append(base)
            return Checklist(
                uuid=inspection.uuid,
                site_code=inspection.site_code,
                site_name=inspection.site.name,
                state=inspection.state,
                revision=inspection.revision,
                items=tuple(items),
            )

    def _previous(
        self, session: Session, inspection: Inspection
    ) -> dict[tuple[str, str], Previous]:
        last = session.scalars(
            select(Inspection)
            .where(
                Inspection.site_code == inspection.site_code,
                Inspection.uuid != inspection.uuid,
                Inspection.state == InspectionState.SYNCED,
            )
            .order_by(Inspection.finished_at.desc())
            .limit(1)
            .options(selectinload(Inspection.ratings).selectinload(Rating.photos))
        ).first()
        if last is None:
            return {}
        return {
            (r.element, r.location): Previous(
                grade=r.grade,
                urgency=r.urgency,
                note=r.note,
                photos=tuple(sorted(p.sha256 for p in r.photos)),
                observed_at=r.observed_at,
            )
            for r in last.ratings
        }

    def photo_path(self, sha256: str) -> Path:
        return photo_file(self._photos_dir, sha256)

    def capture_path(self) -> Path:
        """Where the camera writes a new picture before it is imported."""
        return self._photos_dir / "capture.jpg"

    # --- recording ---

    def photo_refusal(self, count: int) -> str | None:
        """Why a rating with `count` photos can take no more (the wire's bound), or None."""
        if count < MAX_PHOTOS_PER_RATING:
            return None
        return self._tr("grade.too_many_photos", most=MAX_PHOTOS_PER_RATING)

    def import_photo(self, source: Path) -> str:
        """Take a photo file (camera or file chooser) into the store; returns its hash."""
        with self._session_factory.begin() as session:
            return photo_import(session, source=source, photos_dir=self._photos_dir).sha256

    def rate(
        self,
        uuid: str,
        element: str,
        location: str = "",
        *,
        grade: str,
        urgency: int | None = None,
        note: str = "",
        quantity: float | None = None,
        position: PositionFix | None = None,
        photos: Sequence[str] = (),
    ) -> None:
        """Record (or replace) the grade of one element at one location."""
        location = location.strip()
        with self._session_factory.begin() as session:
            inspection = self._draft(session, uuid)
            catalogue = session.get(CatalogueElement, element)
            photos = list(dict.fromkeys(photos))
            details = self._check(catalogue, location, grade, urgency, note, quantity)
            if len(photos) > MAX_PHOTOS_PER_RATING:
                message = self._tr("grade.too_many_photos", most=MAX_PHOTOS_PER_RATING)
                details.append(ErrorDetail(field="photos", message=message))
            if details:
                raise InvalidInput(details[0].message, details)
            rating = next(
                (r for r in inspection.ratings if (r.element, r.location) == (element, location)),
                None,
            )
            if rating is None and len(inspection.ratings) >= MAX_RATINGS:
                # The server would refuse the whole inspection; say so on site instead.
                message = self._tr("grade.too_many_ratings", most=MAX_RATINGS)
                raise InvalidInput(message, [ErrorDetail(field="ratings", message=message)])
            if rating is None:
                rating = Rating(element=element, location=location)
                inspection.ratings.append(rating)
            rating.grade = grade
            rating.urgency = urgency
            rating.note = note.strip()
            rating.quantity = quantity
            rating.observed_at = self._clock()
            position = _usable(position)
            rating.lat = position.lat if position else None
            rating.lon = position.lon if position else None
            rating.accuracy_m = position.accuracy_m if position else None
            rating.photos = [session.get_one(Photo, sha) for sha in photos]
            inspection.paused_at = None

    def _check(
        self,
        element: CatalogueElement | None,
        location: str,
        grade: str,
        urgency: int | None,
        note: str,
        quantity: float | None,
    ) -> list[ErrorDetail]:
        tr = self._tr
        details = []
        if element is None:
            details.append(ErrorDetail(field="element", message=tr("grade.unknown_element")))
        if grade not in {g.value for g in Grade}:
            details.append(ErrorDetail(field="grade", message=tr("grade.need_grade")))
        if urgency is not None and (urgency not in (1, 2, 3, 4) or grade == Grade.N):
            details.append(ErrorDetail(field="urgency", message=tr("grade.bad_urgency")))
        if len(location) > MAX_LOCATION_LENGTH:
            message = tr("grade.location_too_long", most=MAX_LOCATION_LENGTH)
            details.append(ErrorDetail(field="location", message=message))
        if len(note) > MAX_NOTE_LENGTH:
            message = tr("grade.note_too_long", most=MAX_NOTE_LENGTH)
            details.append(ErrorDetail(field="note", message=message))
        if quantity is not None and (not math.isfinite(quantity) or quantity < 0):
            details.append(ErrorDetail(field="quantity", message=tr("grade.bad_quantity")))
        elif quantity is not None:
            # The server refuses more than the element's unit allows; say so while the
            # inspector is still on site rather than after a sync.
            unit = element.unit if element is not None else ""
            most = MAX_QUANTITY_BY_UNIT.get(unit, MAX_QUANTITY)
            if quantity > most:
                message = tr("grade.quantity_too_large", most=f"{most:g}", unit=unit)
                details.append(ErrorDetail(field="quantity", message=message))
        return details

    def unrate(self, uuid: str, element: str, location: str = "") -> None:
        """Take a grade back (the element counts as not yet inspected again)."""
        with self._session_factory.begin() as session:
            inspection = self._draft(session, uuid)
            for rating in list(inspection.ratings):
                if (rating.element, rating.location) == (element, location.strip()):
                    inspection.ratings.remove(rating)

    def pause(self, uuid: str) -> None:
        """Leave the inspection as a draft, to resume later (days later is fine)."""
        with self._session_factory.begin() as session:
            self._draft(session, uuid).paused_at = self._clock()

    def finish(self, uuid: str) -> None:
        """Finish: the revision goes into the outbox, in the same transaction."""
        with self._session_factory.begin() as session:
            inspection = self._draft(session, uuid)
            if not inspection.ratings:
                message = self._tr("inspection.nothing_graded")
                raise InvalidInput(message, [ErrorDetail(field="ratings", message=message)])
            finished = max(self._clock(), inspection.started_at)
            inspection.finished_at = finished
            inspection.paused_at = None
            inspection.state = InspectionState.WAITING
            inspection.refusal_reason = None
            session.flush()
            outbox_add(session, inspection)

    def reopen(self, uuid: str) -> None:
        """Edit a finished inspection again; its revision goes up by one."""
        with self._session_factory.begin() as session:
            inspection = self._get(session, uuid)
            if inspection.state not in FINISHED_STATES:
                return
            inspection.revision += 1
            inspection.state = InspectionState.DRAFT
            inspection.finished_at = None

    # --- helpers ---

    def _get(self, session: Session, uuid: str) -> Inspection:
        # Ratings and their photos in two more queries, not one per rating.
        inspection = session.get(
            Inspection, uuid, options=[selectinload(Inspection.ratings).selectinload(Rating.photos)]
        )
        if inspection is None:
            raise NotFound(self._tr("inspection.not_found"))
        return inspection

    def _draft(self, session: Session, uuid: str) -> Inspection:
        inspection = self._get(session, uuid)
        if inspection.state is not InspectionState.DRAFT:
            message = self._tr("inspection.reopen_first")
            raise InvalidInput(message, [ErrorDetail(field="state", message=message)])
        return inspection
