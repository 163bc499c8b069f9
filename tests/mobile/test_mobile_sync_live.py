"""The tablet's store, controllers and sync client against the live test server."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_sync import LiveSync, Tablet
from photo_files import camera_jpeg
from sqlalchemy import select

from mobile.store import (
    Inspection,
    InspectionState,
    OutboxEntry,
    Photo,
    SettingKey,
    Site,
    setting_get,
)
from mobile.sync.engine import SyncStopped

GRADES = {"roof": "C", "facade": "B", "toilets": "D", "play_equipment": "A"}


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    tablet = Tablet(tmp_path / "tablet")
    yield tablet
    tablet.close()


def _states(tablet: Tablet) -> list[InspectionState]:
    with tablet.session_factory() as session:
        return list(session.scalars(select(Inspection.state).order_by(Inspection.started_at)))


def _unacked(tablet: Tablet) -> int:
    with tablet.session_factory() as session:
        return len(session.scalars(select(OutboxEntry).where(OutboxEntry.acked_at.is_(None))).all())


def test_it_enrolls_and_pulls_the_sites_and_catalogue(live: LiveSync, tablet: Tablet) -> None:
    assert tablet.enroll(live) == "inga"

    rows = tablet.sites.sites()
    assert [r.code for r in rows][0] == "bergsjoskolan"  # assigned first
    assert rows[0].assigned and not rows[1].assigned
    assert {r.name for r in rows} == {"Bergsjöskolan", "Bräckeskolan", "Angeredsskolan"}
    assert [r.code for r in tablet.sites.sites("östra")] == ["bergsjoskolan", "angeredsskolan"]
    assert [r.code for r in tablet.sites.sites("F–6")] == ["bergsjoskolan"]
    with tablet.session_factory() as session:
        assert setting_get(session, SettingKey.INSPECTOR) == "inga"
        assert setting_get(session, SettingKey.SERVER_URL) == live.url
        assert setting_get(session, SettingKey.CATALOGUE_VERSION)
    checklist = tablet.inspections.checklist(tablet.inspections.start("bergsjoskolan"))
    assert checklist.total == 25
    assert checklist.items[0].group == "building" and checklist.items[-1].group == "yard"


def test_it_refuses_a_wrong_code_with_the_servers_reason(live: LiveSync, tablet: Tablet) -> None:
    from shared.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        tablet.enrolling.enroll(server_url=live.url, code="AAAA-BBBB", device_name="Platta")

    assert refused.value.details[0].field == "code"
    assert refused.value.message.startswith("Koden godtogs inte: This enrollment code is not known")


def test_it_pushes_then_pushes_an_edit_as_a_new_revision(
    live: LiveSync, tablet: Tablet, tmp_path: Path
) -> None:
    tablet.enroll(live)
    photo = camera_jpeg(tmp_path / "roof.jpg")
    uuid = tablet.inspect("bergsjoskolan", GRADES, photo=photo)

    report = tablet.sync()

    assert report.statuses == {"created": 1}
    assert live.server_inspections() == [(uuid, 1, 4)]
    assert _states(tablet) == [InspectionState.SYNCED]
    from server.inspections.models import Photo as ServerPhoto
    from server.inspections.models import Rating as ServerRating

    roof = ServerRating.objects.get(inspection__uuid=uuid, element="roof")
    assert (roof.grade, roof.urgency, roof.note) == ("C", 2, "roof C")
    (sha,) = roof.photos
    stored = ServerPhoto.objects.get(sha256=sha)
    assert hashlib.sha256(stored.file.read()).hexdigest() == sha

    tablet.inspections.reopen(uuid)
    tablet.inspections.rate(uuid, "roof", grade="D", urgency=1, note="Läcker", photos=[sha])
    tablet.inspections.finish(uuid)
    report = tablet.sync()

    assert report.statuses == {"updated": 1}
    assert live.server_inspections() == [(uuid, 2, 4)]
    roof = ServerRating.objects.get(inspection__uuid=uuid, element="roof")
    assert (roof.grade, roof.urgency, roof.note) == ("D", 1, "Läcker")
    assert _states(tablet) == [InspectionState.SYNCED]
    assert _unacked(tablet) == 0
    # A second, previously synced inspection of the site is shown for comparison.
    second = tablet.inspections.start("bergsjoskolan")
    previous = tablet.inspections.checklist(second).item("roof").previous
    assert previous is not None and (previous.grade, previous.note) == ("D", "Läcker")
    assert previous.photos == (sha,)


def test_it_keeps_everything_when_the_server_goes_down_mid_sync(
    live: LiveSync, tablet: Tablet
) -> None:
    tablet.enroll(live)
    uuids = [tablet.inspect("bergsjoskolan", GRADES), tablet.inspect("brackeskolan", GRADES)]

    def cut_after_reference(phase: str, done: int, total: int) -> None:
        if phase == "reference" and done == 1:
            live.proxy.down = True

    with pytest.raises(httpx.TransportError):
        tablet.sync(progress=cut_after_reference)

    assert live.server_inspections() == []
    assert _states(tablet) == [InspectionState.WAITING] * 2
    assert _unacked(tablet) == 2

    live.proxy.down = False
    assert tablet.sync().statuses == {"created": 2}
    assert live.server_inspections() == sorted((u, 1, 4) for u in uuids)
    assert _states(tablet) == [InspectionState.SYNCED] * 2


def test_it_stores_once_when_the_answer_is_lost_after_the_server_committed(
    live: LiveSync, tablet: Tablet
) -> None:
    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES)
    live.proxy.cut_push_responses = 1

    report = tablet.sync()  # the retry after the cut connection gets "unchanged"

    assert report.statuses == {"unchanged": 1}
    assert live.server_inspections() == [(uuid, 1, 4)]
    assert _states(tablet) == [InspectionState.SYNCED]
    pushes = [r for r in live.proxy.requests if r.startswith(b"POST /api/v1/sync/inspections")]
    assert len(pushes) == 2


def test_it_answers_unchanged_to_a_duplicate_send(live: LiveSync, tablet: Tablet) -> None:
    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES)
    tablet.sync()
    # As if the acknowledgement had never been written on the tablet.
    with tablet.session_factory.begin() as session:
        for entry in session.scalars(select(OutboxEntry)):
            entry.acked_at = None
        session.get_one(Inspection, uuid).state = InspectionState.WAITING

    assert tablet.sync().statuses == {"unchanged": 1}
    assert tablet.sync().statuses == {}
    assert live.server_inspections() == [(uuid, 1, 4)]


def test_it_uploads_a_photo_again_after_an_interrupted_upload(
    live: LiveSync, tablet: Tablet, tmp_path: Path
) -> None:
    from server.inspections.models import Photo as ServerPhoto

    tablet.enroll(live)
    big = camera_jpeg(tmp_path / "big.jpg", size=(3000, 2000))
    uuid = tablet.inspect("bergsjoskolan", GRADES, photo=big)
    live.proxy.cut_photo_uploads = 1

    report = tablet.sync()

    assert report.statuses == {"created": 1}
    (photo,) = ServerPhoto.objects.all()
    assert hashlib.sha256(photo.file.read()).hexdigest() == photo.sha256
    with tablet.session_factory() as session:
        (local,) = session.scalars(select(Photo)).all()
        assert local.uploaded and local.sha256 == photo.sha256
    assert live.server_inspections() == [(uuid, 1, 4)]


def test_it_uploads_photos_the_server_reports_missing(
    live: LiveSync, tablet: Tablet, tmp_path: Path
) -> None:
    from server.inspections.models import Photo as ServerPhoto

    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES, photo=camera_jpeg(tmp_path / "a.jpg"))
    tablet.sync()
    # The server lost the photo; the tablet still thinks it uploaded it.
    ServerPhoto.objects.all().delete()
    tablet.inspections.reopen(uuid)
    tablet.inspections.finish(uuid)

    report = tablet.sync()

    assert report.waiting_photos == 1
    assert report.statuses == {"updated": 1, "unchanged": 1}
    assert ServerPhoto.objects.count() == 1
    assert _states(tablet) == [InspectionState.SYNCED]


def test_it_stops_and_says_so_when_the_token_is_revoked(live: LiveSync, tablet: Tablet) -> None:
    from server.accounts.models import Device
    from server.accounts.services import device_revoke

    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES)
    device_revoke(device=Device.objects.get())

    with pytest.raises(SyncStopped, match="revoked"):
        tablet.sync()

    with tablet.session_factory() as session:
        assert "revoked" in (setting_get(session, SettingKey.AUTH_ERROR) or "")
    assert _states(tablet) == [InspectionState.WAITING]
    assert _unacked(tablet) == 1
    # Only one request: no retries against a refused token.
    assert len(live.proxy.requests) == 1 + 2  # enroll + first pull, then one refused pull
    # Enrolling again clears the stop and sends what waited.
    tablet.enroll(live)
    assert tablet.sync().statuses == {"created": 1}
    assert live.server_inspections() == [(uuid, 1, 4)]


def test_it_marks_withdrawn_sites_removed_but_keeps_their_inspections(
    live: LiveSync, tablet: Tablet
) -> None:
    from django.utils import timezone

    from server.schools.models import Site as ServerSite

    tablet.enroll(live)
    uuid = tablet.inspect("angeredsskolan", GRADES, finish=False)
    ServerSite.objects.filter(code="angeredsskolan").update(removed_at=timezone.now())

    tablet.sync()

    assert "angeredsskolan" not in [r.code for r in tablet.sites.sites()]
    with tablet.session_factory() as session:
        assert session.get_one(Site, "angeredsskolan").removed
        assert session.get_one(Inspection, uuid).state is InspectionState.DRAFT


def test_it_syncs_in_a_background_thread_on_request(live: LiveSync, tablet: Tablet) -> None:
    import threading

    from mobile.sync.worker import SyncEvent, SyncWorker

    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES)
    events: list[SyncEvent] = []
    finished = threading.Event()
    threads: set[str] = set()

    def listener(event: SyncEvent) -> None:
        events.append(event)
        threads.add(threading.current_thread().name)
        if event.kind in ("done", "failed", "stopped"):
            finished.set()

    worker = SyncWorker(
        tablet.session_factory, photos_dir=tablet.photos_dir, listener=listener, interval=None
    )
    worker.start()
    worker.request()
    assert finished.wait(30)
    worker.stop()

    assert threads == {"skolmiljo-sync"}
    assert [e.kind for e in events][0] == "started" and events[-1].kind == "done"
    assert ("inspections", 1, 1) in [(e.phase, e.done, e.total) for e in events]
    assert live.server_inspections() == [(uuid, 1, 4)]


def test_it_shows_a_refusal_with_its_reason_and_an_edit_resolves_it(
    live: LiveSync, tablet: Tablet
) -> None:
    from mobile.controllers.sync_status import SyncStatusController, sync_row_text
    from mobile.store.outbox import outbox_add

    tablet.enroll(live)
    uuid = tablet.inspect("bergsjoskolan", GRADES)
    tablet.sync()
    # Other content under the same revision (as a buggy older app version could send).
    with tablet.session_factory.begin() as session:
        inspection = session.get_one(Inspection, uuid)
        inspection.ratings[0].note = "changed without a new revision"
        inspection.state = InspectionState.WAITING
        entry = session.scalars(select(OutboxEntry)).one()
        entry.acked_at = None
        session.flush()
        outbox_add(session, inspection)

    assert tablet.sync().statuses == {"conflict": 1}

    (row,) = SyncStatusController(tablet.session_factory).rows()
    assert sync_row_text(row, tablet.tr).startswith("Bergsjöskolan · ")
    assert " · Avvisad · orsak: conflict" in sync_row_text(row, tablet.tr)
    assert live.server_inspections() == [(uuid, 1, 4)]

    tablet.inspections.reopen(uuid)
    tablet.inspections.finish(uuid)
    assert tablet.sync().statuses == {"updated": 1}
    assert live.server_inspections() == [(uuid, 2, 4)]
    assert _states(tablet) == [InspectionState.SYNCED]


def test_it_syncs_more_than_one_push_body_of_inspections_in_batches_by_size(
    live: LiveSync, tablet: Tablet
) -> None:
    from store_factories import rating_create

    from shared.bounds import MAX_NOTE_LENGTH
    from shared.catalogue import load_catalogue
    from shared.sync import MAX_PUSH_BYTES

    tablet.enroll(live)
    elements = [e.code for e in load_catalogue().elements]
    uuids = []
    for _ in range(22):  # 22 inspections of 50 ratings with the longest notes: 8.9 MB
        uuid = tablet.inspections.start("bergsjoskolan")
        with tablet.session_factory.begin() as session:
            inspection = session.get_one(Inspection, uuid)
            for element in elements:
                for location in ("Hus A", "Hus B"):
                    rating_create(
                        session,
                        inspection=inspection,
                        element=element,
                        location=location,
                        note="💧" * MAX_NOTE_LENGTH,
                    )
        tablet.inspections.finish(uuid)
        uuids.append(uuid)
    with tablet.session_factory() as session:
        payloads = session.scalars(select(OutboxEntry.payload)).all()
    assert sum(len(p.encode()) for p in payloads) > MAX_PUSH_BYTES

    report = tablet.sync()

    assert report.statuses == {"created": 22}
    assert report.too_large == 0  # split before sending, not after a 413
    pushes = [r for r in live.proxy.requests if r.startswith(b"POST /api/v1/sync/inspections")]
    assert len(pushes) == 2
    assert live.server_inspections() == sorted((u, 1, 50) for u in uuids)
    assert set(_states(tablet)) == {InspectionState.SYNCED}
