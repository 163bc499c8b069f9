"""The tables of the tablet's store.

The schema itself is created and changed by `mobile.store.migrations`, never by
`create_all`: these classes must describe what the migrations build (a test checks).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from mobile.store.types import UTCDateTime, now_utc


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class InspectionState(StrEnum):
    """Where an inspection is on its way to the server (DESIGN.md section 4)."""

    DRAFT = "draft"  # being recorded, not finished
    WAITING = "waiting"  # finished, not sent yet
    SENDING = "sending"  # in a sync batch right now
    WAITING_PHOTOS = "waiting_photos"  # accepted, but the server still misses photos
    SYNCED = "synced"  # acknowledged by the server
    REFUSED = "refused"  # stale, conflict or invalid: needs the inspector


# Finished but not yet acknowledged: what "waiting to sync" counts.
PENDING_STATES: frozenset[InspectionState] = frozenset(
    {InspectionState.WAITING, InspectionState.SENDING, InspectionState.WAITING_PHOTOS}
)

# No CHECK constraint on purpose: SQLite cannot alter one, so adding a state later
# would need a table rebuild. SQLAlchemy validates the value on the way in instead.
_inspection_state = Enum(
    InspectionState,
    name="inspection_state",
    native_enum=False,
    create_constraint=False,
    validate_strings=True,
    length=20,
    values_callable=lambda states: [state.value for state in states],
)


class Setting(Base):
    """One key/value pair of device configuration (server url, device token...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Site(Base):
    """A school site from the server's reference pull."""

    __tablename__ = "sites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    assigned: Mapped[bool] = mapped_column(default=False)
    # Withdrawn by the server; kept because local inspections may still point at it.
    removed: Mapped[bool] = mapped_column(default=False)
    # The names of the school units using the site, for searching by school name.
    unit_names: Mapped[str] = mapped_column(Text, default="")

    inspections: Mapped[list[Inspection]] = relationship(back_populates="site")


class Inspection(Base):
    """One visit of the inspector to one site; the unit of sync."""

    __tablename__ = "inspections"
    __table_args__ = (CheckConstraint("revision >= 1", name="ck_inspections_revision"),)

    uuid: Mapped[str] = mapped_column(
        String(36), primary_key=True, default=lambda: str(uuid.uuid4())
    )
    site_code: Mapped[str] = mapped_column(
        ForeignKey("sites.code", ondelete="RESTRICT"), index=True
    )
    revision: Mapped[int] = mapped_column(default=1)
    catalogue_version: Mapped[str] = mapped_column(String(32))
    state: Mapped[InspectionState] = mapped_column(
        _inspection_state, default=InspectionState.DRAFT, index=True
    )
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    paused_at: Mapped[datetime | None]
    # The revision and canonical hash the server last acknowledged (None: never).
    acked_revision: Mapped[int | None]
    acked_hash: Mapped[str | None] = mapped_column(String(64))
    # The inspector (user name) the tablet was enrolled for when this began: the server
    # credits an inspection to whoever sends it first, so only they may send it.
    inspector: Mapped[str | None] = mapped_column(String(150))

    site: Mapped[Site] = relationship(back_populates="inspections")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="inspection",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Rating.element, Rating.location)",
    )


rating_photos = Table(
    "rating_photos",
    Base.metadata,
    Column("rating_id", ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "photo_sha256",
        ForeignKey("photos.sha256", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Rating(Base):
    """The grade of one element at one location within an inspection."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("inspection_uuid", "element", "location", name="uq_ratings_element"),
        CheckConstraint("grade IN ('A', 'B', 'C', 'D', 'N')", name="ck_ratings_grade"),
        CheckConstraint("urgency BETWEEN 1 AND 4", name="ck_ratings_urgency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_uuid: Mapped[str] = mapped_column(ForeignKey("inspections.uuid", ondelete="CASCADE"))
    element: Mapped[str] = mapped_column(String(64))
    # Never NULL: SQLite treats NULLs as distinct, which would defeat the unique key.
    location: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str] = mapped_column(String(1))
    urgency: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[float | None]
    observed_at: Mapped[datetime]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]

    inspection: Mapped[Inspection] = relationship(back_populates="ratings")
    photos: Mapped[list[Photo]] = relationship(secondary=rating_photos)


class Photo(Base):
    """A photo file on the tablet, content-addressed like on the server."""

    __tablename__ = "photos"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="ck_photos_sha256"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    taken_at: Mapped[datetime]
    uploaded: Mapped[bool] = mapped_column(default=False)
    size: Mapped[int] = mapped_column(default=0)


class CatalogueElement(Base):
    """One element of the catalogue the server sent, in the order to inspect it."""

    __tablename__ = "catalogue_elements"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    group: Mapped[str] = mapped_column(String(16))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float]
    unit: Mapped[str] = mapped_column(String(8))
    position: Mapped[int]


class OutboxEntry(Base):
    """One revision of a finished inspection, frozen in its wire form, waiting for the server.

    Written in the same transaction that finishes the inspection, so a crash can never
    lose it; `acked_at` is set once the server has answered for it (accepted with every
    photo, or refused), and rows are never deleted before that.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("inspection_uuid", "revision", name="uq_outbox_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_uuid: Mapped[str] = mapped_column(
        ForeignKey("inspections.uuid", ondelete="RESTRICT")
    )
    revision: Mapped[int]
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    acked_at: Mapped[datetime | None] = mapped_column(index=True)
