"""Store v2: a v1 file keeps its data; the outbox; photos downscaled and named by hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from photo_files import camera_jpeg
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from store_factories import inspection_create, rating_create, site_create

from mobile.store import (
    InspectionState,
    OutboxEntry,
    Photo,
    close_store,
    init_store,
    make_engine,
)
from mobile.store.migrations import MIGRATIONS
from mobile.store.outbox import outbox_add, outbox_pending, outbox_recover
from mobile.store.photos import MAX_EDGE, photo_import
from shared.canonical import content_hash
from shared.sync import InspectionIn


def test_it_upgrades_a_v1_store_and_keeps_its_rows(store_path: Path) -> None:
    engine = make_engine(store_path)
    with engine.begin() as connection:
        MIGRATIONS[0](connection)
        connection.exec_driver_sql("PRAGMA user_version = 1")
        connection.exec_driver_sql(
            "INSERT INTO sites (code, name, district, assigned, removed) "
            "VALUES ('S1', 'Bräckeskolan', 'Västra', 1, 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO inspections (uuid, site_code, revision, catalogue_version, state, "
            "started_at, updated_at) VALUES ('u1', 'S1', 3, '2025.1', 'waiting', "
            "'2025-05-12 09:30:00', '2025-05-12 09:30:00')"
        )
    engine.dispose()

    factory = init_store(store_path)
    with factory() as session:
        row = session.execute(
            text("SELECT uuid, revision, state, acked_revision, paused_at FROM inspections")
        ).one()
        assert tuple(row) == ("u1", 3, "waiting", None, None)
        assert session.execute(text("SELECT name, unit_names FROM sites")).one() == (
            "Bräckeskolan",
            "",
        )
        assert session.execute(text("PRAGMA user_version")).scalar_one() == len(MIGRATIONS)
    close_store(factory)


def test_it_freezes_a_finished_inspection_in_the_outbox(session: Session) -> None:
    inspection = inspection_create(session, state=InspectionState.WAITING)
    rating_create(session, inspection=inspection, element="roof", grade="C", urgency=1)

    entry = outbox_add(session, inspection)

    wire = InspectionIn.model_validate_json(entry.payload)
    assert (str(wire.uuid), wire.revision, wire.ratings[0].grade) == (inspection.uuid, 1, "C")
    assert entry.content_hash == content_hash(wire)
    assert outbox_pending(session) == [entry]
    # The same revision again replaces the frozen payload rather than adding a row.
    rating_create(session, inspection=inspection, element="facade", grade="B")
    session.expire(inspection, ["ratings"])
    outbox_add(session, inspection)
    assert len(session.scalars(select(OutboxEntry)).all()) == 1
    assert len(InspectionIn.model_validate_json(entry.payload).ratings) == 2


def test_it_turns_sending_back_into_waiting_after_a_crash(session: Session) -> None:
    site = site_create(session)
    sending = inspection_create(session, site=site, state=InspectionState.SENDING)
    synced = inspection_create(session, site=site, state=InspectionState.SYNCED)

    assert outbox_recover(session) == 1
    session.expire_all()
    assert (sending.state, synced.state) == (InspectionState.WAITING, InspectionState.SYNCED)


def test_it_downscales_a_photo_and_keeps_its_capture_time(session: Session, tmp_path: Path) -> None:
    source = camera_jpeg(tmp_path / "camera.jpg", size=(4000, 3000), offset="+02:00")

    photo = photo_import(session, source=source, photos_dir=tmp_path / "photos")

    stored = tmp_path / "photos" / photo.path
    data = stored.read_bytes()
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.name == f"{photo.sha256}.jpg"
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == MAX_EDGE
        assert image.size == (2048, 1536)
    assert photo.taken_at == datetime(2026, 5, 4, 8, 20, 30, tzinfo=UTC)
    assert source.exists()  # the original is left alone
    assert photo.size == len(data)


def test_it_stores_the_same_photo_once(session: Session, tmp_path: Path) -> None:
    source = camera_jpeg(tmp_path / "camera.jpg")

    first = photo_import(session, source=source, photos_dir=tmp_path / "photos")
    second = photo_import(session, source=source, photos_dir=tmp_path / "photos")

    assert first.sha256 == second.sha256
    assert len(session.scalars(select(Photo)).all()) == 1
    assert len(list((tmp_path / "photos").iterdir())) == 1


def test_it_keeps_small_photos_at_their_size_and_refuses_what_is_no_image(
    session: Session, tmp_path: Path
) -> None:
    small = photo_import(
        session, source=camera_jpeg(tmp_path / "s.jpg", size=(800, 600)), photos_dir=tmp_path
    )
    with Image.open(tmp_path / small.path) as image:
        assert image.size == (800, 600)
    not_image = tmp_path / "notes.txt"
    not_image.write_text("hej")
    with pytest.raises(OSError):
        photo_import(session, source=not_image, photos_dir=tmp_path)
