"""The durable outbox: finished inspections frozen in wire form until the server answers.

An entry is written in the transaction that finishes an inspection and is only ever
marked acknowledged, never deleted before: whatever moment the app dies at, what was
finished is still there to send, and the server's idempotency (same UUID, revision and
content answers `unchanged`) makes sending it again harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mobile.store.models import Inspection, InspectionState, OutboxEntry
from mobile.store.types import now_utc
from mobile.store.wire import inspection_wire
from shared.canonical import content_hash


def outbox_add(session: Session, inspection: Inspection) -> OutboxEntry:
    """Freeze the inspection's current revision for sending; the caller commits."""
    wire = inspection_wire(inspection)
    entry = session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.inspection_uuid == inspection.uuid,
            OutboxEntry.revision == inspection.revision,
        )
    ).one_or_none()
    if entry is None:
        entry = OutboxEntry(inspection_uuid=inspection.uuid, revision=inspection.revision)
        session.add(entry)
    elif entry.acked_at is not None:
        raise ValueError(f"revision {inspection.revision} of {inspection.uuid} was already sent")
    entry.payload = wire.model_dump_json()
    entry.content_hash = content_hash(wire)
    session.flush()
    return entry


def outbox_pending(session: Session) -> Sequence[OutboxEntry]:
    """Entries the server has not answered for yet, oldest first."""
    return session.scalars(
        select(OutboxEntry).where(OutboxEntry.acked_at.is_(None)).order_by(OutboxEntry.id)
    ).all()


def outbox_recover(session: Session) -> int:
    """After a crash: inspections left `sending` are waiting again (their entries remain)."""
    result = session.execute(
        update(Inspection)
        .where(Inspection.state == InspectionState.SENDING)
        .values(state=InspectionState.WAITING)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def outbox_requeue(session: Session, *, reason: str) -> int:
    """Send again the current revision of every inspection refused for `reason`.

    Its entry is waiting again and the inspection with it; returns how many.
    """
    entries = session.scalars(
        select(OutboxEntry)
        .join(Inspection, Inspection.uuid == OutboxEntry.inspection_uuid)
        .where(
            OutboxEntry.acked_at.is_not(None),
            OutboxEntry.last_error == reason,
            OutboxEntry.revision == Inspection.revision,
            Inspection.state == InspectionState.REFUSED,
        )
    ).all()
    for entry in entries:
        entry.acked_at = None
    if entries:
        session.execute(
            update(Inspection)
            .where(Inspection.uuid.in_([e.inspection_uuid for e in entries]))
            .values(state=InspectionState.WAITING, refusal_reason=None)
        )
    session.flush()
    return len(entries)


def outbox_ack(session: Session, entry: OutboxEntry, *, when: datetime | None = None) -> None:
    entry.acked_at = when or now_utc()
    session.flush()
