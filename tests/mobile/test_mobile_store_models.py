"""The store's tables: constraints, time handling, settings and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session
from store_factories import inspection_create, rating_create, site_create

from mobile.store import (
    Inspection,
    InspectionState,
    Photo,
    Rating,
    SettingKey,
    inspection_count_by_state,
    setting_get,
    setting_set,
    site_count,
)
from shared.grades import Grade, Urgency

STOCKHOLM_SUMMER = timezone(timedelta(hours=2))


def test_it_stores_updates_and_removes_a_setting(session: Session) -> None:
    assert setting_get(session, SettingKey.DEVICE_TOKEN) is None

    setting_set(session, SettingKey.DEVICE_TOKEN, "first")
    setting_set(session, SettingKey.DEVICE_TOKEN, "second")
    assert setting_get(session, SettingKey.DEVICE_TOKEN) == "second"
    assert session.execute(text("SELECT count(*) FROM settings")).scalar_one() == 1

    setting_set(session, SettingKey.DEVICE_TOKEN, None)
    assert setting_get(session, SettingKey.DEVICE_TOKEN) is None
    assert session.execute(text("SELECT count(*) FROM settings")).scalar_one() == 0


def test_it_keeps_times_as_the_same_instant_in_utc(session: Session) -> None:
    local = datetime(2025, 6, 2, 10, 15, tzinfo=STOCKHOLM_SUMMER)
    inspection = inspection_create(session, started_at=local)
    session.commit()
    session.expire_all()

    stored = session.get(Inspection, inspection.uuid)
    assert stored is not None
    assert stored.started_at == local
    assert stored.started_at.tzinfo is UTC
    assert stored.started_at.hour == 8
    assert stored.updated_at.tzinfo is UTC


def test_it_refuses_naive_times(session: Session) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        inspection_create(session, started_at=datetime(2025, 6, 2, 10, 15))


def test_it_refuses_an_unknown_inspection_state(session: Session) -> None:
    site = site_create(session)
    session.execute(
        text(
            "INSERT INTO inspections (uuid, site_code, revision, catalogue_version, state,"
            " started_at, updated_at) VALUES ('u1', :site, 1, '1', 'lost',"
            " '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        ),
        {"site": site.code},
    )
    with pytest.raises(LookupError, match="lost"):
        session.scalars(select(Inspection)).all()


@pytest.mark.parametrize("location", ["", "Hus B plan 2"])
def test_it_refuses_a_second_rating_for_the_same_element_and_location(
    session: Session, location: str
) -> None:
    inspection = inspection_create(session)
    rating_create(session, inspection=inspection, element="roof", location=location)

    with pytest.raises(IntegrityError, match="UNIQUE"):
        rating_create(session, inspection=inspection, element="roof", location=location)


def test_it_allows_the_same_element_at_another_location(session: Session) -> None:
    inspection = inspection_create(session)
    rating_create(session, inspection=inspection, element="roof", location="Hus A")
    rating_create(session, inspection=inspection, element="roof", location="Hus B")

    assert session.execute(text("SELECT count(*) FROM ratings")).scalar_one() == 2


def test_it_accepts_every_grade_and_urgency_of_the_shared_scales(session: Session) -> None:
    inspection = inspection_create(session)
    for grade in Grade:
        for urgency in [None, *Urgency]:
            rating_create(
                session,
                inspection=inspection,
                element=f"e{grade.value}{urgency}".lower(),
                grade=grade.value,
                urgency=None if urgency is None else int(urgency),
            )

    assert session.execute(text("SELECT count(*) FROM ratings")).scalar_one() == len(Grade) * (
        len(Urgency) + 1
    )


@pytest.mark.parametrize(
    "fields",
    [{"grade": "E"}, {"grade": "a"}, {"urgency": 0}, {"urgency": 5}],
    ids=["grade E", "lower-case grade", "urgency 0", "urgency 5"],
)
def test_it_refuses_ratings_outside_the_scales(session: Session, fields: dict[str, Any]) -> None:
    inspection = inspection_create(session)

    with pytest.raises(IntegrityError, match="CHECK"):
        rating_create(session, inspection=inspection, **fields)


def test_it_deletes_ratings_with_their_inspection_and_keeps_the_photos(session: Session) -> None:
    inspection = inspection_create(session)
    photo = Photo(sha256="a" * 64, path="/photos/a.jpg", taken_at=datetime.now(UTC))
    rating_create(session, inspection=inspection, photos=[photo])
    session.commit()

    # Straight SQL: the database cascades, not only the ORM.
    session.execute(text("DELETE FROM inspections"))

    assert session.execute(text("SELECT count(*) FROM ratings")).scalar_one() == 0
    assert session.execute(text("SELECT count(*) FROM rating_photos")).scalar_one() == 0
    assert session.scalars(select(Photo.sha256)).all() == ["a" * 64]


def test_it_lists_a_ratings_photos(session: Session) -> None:
    inspection = inspection_create(session)
    photos = [
        Photo(sha256=char * 64, path=f"/photos/{char}.jpg", taken_at=datetime.now(UTC))
        for char in "bc"
    ]
    rating = rating_create(session, inspection=inspection, photos=photos)
    session.commit()
    session.expire_all()

    stored = session.get(Rating, rating.id)
    assert stored is not None
    assert sorted(photo.sha256 for photo in stored.photos) == ["b" * 64, "c" * 64]


def test_it_counts_sites_without_the_removed_ones(session: Session) -> None:
    site_create(session)
    site_create(session, assigned=False)
    site_create(session, removed=True)

    assert site_count(session) == 2
    assert site_count(session, include_removed=True) == 3


def test_it_counts_inspections_in_every_state(session: Session) -> None:
    site = site_create(session)
    for state in [InspectionState.DRAFT, InspectionState.WAITING, InspectionState.WAITING]:
        inspection_create(session, site=site, state=state)

    counts = inspection_count_by_state(session)

    assert counts == {state: 0 for state in InspectionState} | {
        InspectionState.DRAFT: 1,
        InspectionState.WAITING: 2,
    }
