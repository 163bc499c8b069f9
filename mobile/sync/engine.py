"""One sync run: pull the reference data, upload photos, push the outbox, record answers.

Every step commits before the next network call, so a run can die at any point (kill -9,
battery, lost network) and the next run picks up where this one stopped: entries stay in
the outbox until the server has answered for them, and resending what the server already
stored only earns an `unchanged`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from mobile.store import (
    PENDING_STATES,
    Inspection,
    InspectionState,
    OutboxEntry,
    Photo,
    SettingKey,
    setting_get,
    setting_set,
)
from mobile.store.outbox import outbox_ack, outbox_pending, outbox_recover, outbox_requeue
from mobile.store.reference import reference_apply
from mobile.store.types import now_utc
from mobile.sync.api import SyncApi
from mobile.sync.batches import push_batches
from mobile.sync.retry import Backoff, with_retries
from shared.errors import ErrorDetail, Forbidden, PayloadTooLarge, Unauthorized
from shared.sync import NOT_OWNER_MESSAGE, ReceivedPushResult

T = TypeVar("T")
# Only these are accepted; every other status, known or not, is a refusal.
ACCEPTED: Final = frozenset({"created", "unchanged", "updated"})
# A second round re-sends what the server said it lacked photos for, after uploading them.
ROUNDS: Final = 2
PHOTO_UPLOADS_AT_ONCE: Final = 4
PHOTO_CHUNK: Final = 20

Progress = Callable[[str, int, int], None]
"""`progress(phase, done, total)`; phases: `reference`, `photos`, `inspections`."""


class SyncStopped(Exception):
    """The server refused the device's credentials: syncing stops until it enrolls again."""


class NotEnrolled(SyncStopped):
    """There is no server or token on the device."""


@dataclass
class SyncReport:
    sites: int = 0
    photos_uploaded: int = 0
    sent: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    waiting_photos: int = 0
    # 413 answers: a batch split in two, or an inspection refused as too large alone.
    too_large: int = 0


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    pass


def sync_run(
    session_factory: sessionmaker[Session],
    api: SyncApi,
    *,
    photos_dir: Path,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress = _no_progress,
) -> SyncReport:
    """Bring the device and the server level; raise `SyncStopped` on an auth refusal.

    Network errors that outlast the backoff propagate; nothing is lost by them.
    """
    backoff = backoff or Backoff()
    report = SyncReport()

    def retried(call: Callable[[], T]) -> T:
        return with_retries(call, backoff, sleep=sleep)

    try:
        with session_factory.begin() as session:
            outbox_recover(session)
            cursor = setting_get(session, SettingKey.REFERENCE_CURSOR)
        progress("reference", 0, 1)
        reference = retried(lambda: api.reference(cursor))
        with session_factory.begin() as session:
            reference_apply(session, reference)
        report.sites = len(reference.sites)
        progress("reference", 1, 1)
        for _round in range(ROUNDS):
            with session_factory.begin() as session:
                _hold_back_others(session, setting_get(session, SettingKey.INSPECTOR))
                pending = [(e.id, e.inspection_uuid, e.payload) for e in outbox_pending(session)]
                _mark_sending(session, {uuid for _, uuid, _ in pending})
            if not pending:
                break
            done = 0
            for run in push_batches([payload for _, _, payload in pending]):
                batch = [pending[n] for n in run]
                report.photos_uploaded += _upload_photos(
                    session_factory, api, batch, photos_dir, retried, progress
                )
                for part, answer in _push_split(api, batch, retried, report):
                    entry_ids = [entry_id for entry_id, _, _ in part]
                    with session_factory.begin() as session:
                        if isinstance(answer, PayloadTooLarge):
                            _record_too_large(session, entry_ids[0], answer, report)
                        else:
                            _record(session, entry_ids, answer, report)
                    report.sent += len(part)
                    done += len(part)
                    progress("inspections", done, len(pending))
        with session_factory.begin() as session:
            setting_set(session, SettingKey.LAST_SYNC_AT, now_utc().isoformat())
            setting_set(session, SettingKey.LAST_SYNC_ERROR, None)
    except (Unauthorized, Forbidden) as refused:
        with session_factory.begin() as session:
            setting_set(session, SettingKey.AUTH_ERROR, refused.message)
        raise SyncStopped(refused.message) from refused
    finally:
        with session_factory.begin() as session:
            outbox_recover(session)
    return report


Pending = tuple[int, str, str]
"""An outbox entry to send: its id, its inspection's UUID, its payload."""


def _push_split(
    api: SyncApi,
    batch: Sequence[Pending],
    retried: Callable[[Callable[[], list[ReceivedPushResult]]], list[ReceivedPushResult]],
    report: SyncReport,
) -> Iterator[tuple[Sequence[Pending], list[ReceivedPushResult] | PayloadTooLarge]]:
    """Push `batch`; on 413, each half in turn (never the same body again).

    Yields each part sent with its results, or with the 413 of an entry too large to
    send even alone. Batches are packed to fit the protocol's limit, so a 413 means a
    smaller limit on the way (a proxy's) or a record over the bounds.
    """
    try:
        results = retried(partial(api.push, [payload for _, _, payload in batch]))
    except PayloadTooLarge as too_large:
        report.too_large += 1
        if len(batch) == 1:
            yield batch, too_large
            return
        half = len(batch) // 2
        yield from _push_split(api, batch[:half], retried, report)
        yield from _push_split(api, batch[half:], retried, report)
        return
    yield batch, results


def _hold_back_others(session: Session, inspector: str | None) -> None:
    """Refuse, without sending, what another inspector began on this tablet.

    Sent under this enrollment, an inspection the server has never seen would be
    credited to the wrong inspector (one it has seen is refused there the same way).
    Enrolling again re-queues these (`requeue_not_owner`).
    """
    rows = session.execute(
        select(OutboxEntry, Inspection)  # one query, not one per entry
        .join(Inspection, Inspection.uuid == OutboxEntry.inspection_uuid)
        .where(
            OutboxEntry.acked_at.is_(None),
            Inspection.inspector.is_not(None),
            Inspection.inspector != inspector,
        )
    ).all()
    for entry, inspection in rows:
        _refuse(session, entry, inspection, NOT_OWNER_REASON)


def requeue_not_owner(session: Session) -> int:
    """On enrollment: send again what was refused as another inspector's; what is still
    not this inspector's is refused again at the next sync."""
    return outbox_requeue(session, reason=NOT_OWNER_REASON)


def _mark_sending(session: Session, uuids: set[str]) -> None:
    if uuids:
        session.execute(
            update(Inspection)
            .where(
                Inspection.uuid.in_(uuids),
                Inspection.state.in_(PENDING_STATES - {InspectionState.SENDING}),
            )
            .values(state=InspectionState.SENDING)
        )


def _photo_hashes(payload: str) -> list[str]:
    ratings = json.loads(payload)["ratings"]
    return sorted({sha for rating in ratings for sha in rating["photos"]})


def _upload_photos(
    session_factory: sessionmaker[Session],
    api: SyncApi,
    batch: Sequence[tuple[int, str, str]],
    photos_dir: Path,
    retried: Callable[[Callable[[], object]], object],
    progress: Progress,
) -> int:
    wanted = sorted({sha for _, _, payload in batch for sha in _photo_hashes(payload)})
    with session_factory() as session:
        todo = session.scalars(
            select(Photo).where(Photo.sha256.in_(wanted), Photo.uploaded.is_(False))
        ).all()
        files = [(photo.sha256, photo.path) for photo in todo]

    def upload(item: tuple[str, str]) -> None:
        sha256, path = item
        data = (photos_dir / path).read_bytes()
        # Straight PUT, no HEAD first: a photo is nearly always new to the server (this
        # tablet took it), and a repeat costs the server one read (answered "200").
        retried(lambda: api.photo_put(sha256, data))

    uploaded = 0
    # A few uploads at a time hide each request's round trip; each chunk is marked
    # uploaded in one transaction. Dying mid-chunk only means sending some again.
    with ThreadPoolExecutor(max_workers=PHOTO_UPLOADS_AT_ONCE) as pool:
        for start in range(0, len(files), PHOTO_CHUNK):
            chunk = files[start : start + PHOTO_CHUNK]
            list(pool.map(upload, chunk))
            with session_factory.begin() as session:
                session.execute(
                    update(Photo)
                    .where(Photo.sha256.in_([sha for sha, _ in chunk]))
                    .values(uploaded=True)
                )
            uploaded += len(chunk)
            progress("photos", uploaded, len(files))
    return uploaded


def _refusal_reason(result: ReceivedPushResult) -> str:
    status = result.status if result.known else f"unknown status '{result.status}' from server"
    details = "; ".join(f"{e.field or '-'}: {e.message}" for e in result.errors)
    return f"{status}: {details}" if details else status


NOT_OWNER_REASON: Final = _refusal_reason(
    ReceivedPushResult(
        uuid="", status="conflict", errors=[ErrorDetail(field="uuid", message=NOT_OWNER_MESSAGE)]
    )
)
"""How an inspection refused as another inspector's reads on the tablet."""


def _refuse(session: Session, entry: OutboxEntry, inspection: Inspection, reason: str) -> None:
    """Answered, but not accepted: the entry is kept (acknowledged), the reason shown."""
    entry.last_error = reason
    outbox_ack(session, entry)
    if entry.revision == inspection.revision and inspection.state in PENDING_STATES:
        inspection.state = InspectionState.REFUSED
        inspection.refusal_reason = reason


def _record_too_large(
    session: Session, entry_id: int, error: PayloadTooLarge, report: SyncReport
) -> None:
    """One inspection the server will not take even alone: refused, with the server's reason."""
    report.statuses[error.code] = report.statuses.get(error.code, 0) + 1
    entry = session.get_one(OutboxEntry, entry_id)
    entry.attempts += 1
    inspection = session.get_one(Inspection, entry.inspection_uuid)
    _refuse(session, entry, inspection, f"{error.code}: {error.message}")


def _record(
    session: Session, entry_ids: list[int], results: list[ReceivedPushResult], report: SyncReport
) -> None:
    # Two queries for the whole batch, not two per answer.
    entries = {
        e.id: e for e in session.scalars(select(OutboxEntry).where(OutboxEntry.id.in_(entry_ids)))
    }
    uuids = {e.inspection_uuid for e in entries.values()}
    inspections = {
        i.uuid: i for i in session.scalars(select(Inspection).where(Inspection.uuid.in_(uuids)))
    }
    for entry_id, result in zip(entry_ids, results, strict=True):
        report.statuses[result.status] = report.statuses.get(result.status, 0) + 1
        entry = entries[entry_id]
        inspection = inspections[entry.inspection_uuid]
        current = entry.revision == inspection.revision and inspection.state in PENDING_STATES
        entry.attempts += 1
        if result.status in ACCEPTED and result.missing_photos:
            # Accepted, but not done: upload the photos again and re-send.
            session.execute(
                update(Photo).where(Photo.sha256.in_(result.missing_photos)).values(uploaded=False)
            )
            entry.last_error = "missing photos: " + ", ".join(result.missing_photos)
            if current:
                inspection.state = InspectionState.WAITING_PHOTOS
            report.waiting_photos += 1
        elif result.status in ACCEPTED:
            entry.last_error = None
            outbox_ack(session, entry)
            if current:
                inspection.state = InspectionState.SYNCED
                inspection.acked_revision = entry.revision
                inspection.acked_hash = entry.content_hash
                inspection.refusal_reason = None
        else:
            _refuse(session, entry, inspection, _refusal_reason(result))
    session.flush()


def api_for_store(
    session_factory: sessionmaker[Session], **kwargs: object
) -> SyncApi:  # pragma: no cover - trivial
    """A client for the server and token the device was enrolled with."""
    with session_factory() as session:
        server = setting_get(session, SettingKey.SERVER_URL)
        token = setting_get(session, SettingKey.DEVICE_TOKEN)
    if not server or not token:
        raise NotEnrolled("the tablet is not enrolled")
    return SyncApi(server, token, **kwargs)  # type: ignore[arg-type]
