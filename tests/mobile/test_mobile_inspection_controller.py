"""Recording an inspection through its controller, without a window or a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from store_factories import rating_create

from mobile.controllers.inspection import InspectionController, PositionFix
from mobile.controllers.sites import SitesController, site_row_detail
from mobile.controllers.sync_status import SyncStatusController, sync_row_text
from mobile.i18n import translator_for
from mobile.store import Inspection, InspectionState, OutboxEntry, Photo
from mobile.store.reference import reference_apply
from shared.bounds import MAX_ACCURACY_M, MAX_PHOTOS_PER_RATING, MAX_RATINGS, quantity_bound
from shared.catalogue import load_catalogue
from shared.errors import InvalidInput
from shared.sync import CatalogueRef, ReferenceOut, SiteRef

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def loaded(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    reference = ReferenceOut(
        cursor="c1",
        sites=[
            SiteRef(
                code="s1", name="Bergsjöskolan", district="Östra", lat=57.7, lon=12.0, units=[]
            ),
            SiteRef(
                code="s2", name="Angeredsskolan", district="Nordost", lat=57.8, lon=12.0, units=[]
            ),
        ],
        catalogue=CatalogueRef.from_catalogue(load_catalogue()),
        assignments=["s2"],
    )
    with session_factory.begin() as session:
        reference_apply(session, reference)
    return session_factory


@pytest.fixture
def controller(loaded: sessionmaker[Session], tmp_path: Path) -> InspectionController:
    return InspectionController(
        loaded, translator_for("sv"), photos_dir=tmp_path / "photos", clock=Clock()
    )


def test_it_groups_the_checklist_by_building_then_yard_and_counts_progress(
    controller: InspectionController,
) -> None:
    uuid = controller.start("s1")
    controller.rate(uuid, "roof", grade="B")
    controller.rate(uuid, "toilets", "Hus B", grade="C", urgency=2)

    checklist = controller.checklist(uuid)

    catalogue = load_catalogue()
    building = [e.code for e in catalogue.elements if e.group == "building"]
    assert [i.element for i in checklist.group("building")][:2] == building[:2]
    groups = [i.group for i in checklist.items]
    assert groups == sorted(groups, key=["building", "yard"].index)  # building, then yard
    assert groups.count("yard") == len([e for e in catalogue.elements if e.group == "yard"])
    # Toilets graded at a named location only: that location stands for the element.
    assert (checklist.done, checklist.total) == (2, 25)
    controller.rate(uuid, "toilets", "Hus A", grade="B")
    assert controller.checklist(uuid).total == 26
    assert checklist.item("toilets", "Hus B").urgency == 2
    assert checklist.item("roof").name == "Tak"


def test_it_skips_and_comes_back_to_ungraded_elements(controller: InspectionController) -> None:
    uuid = controller.start("s1")
    checklist = controller.checklist(uuid)
    first, second = checklist.items[0], checklist.items[1]

    assert checklist.next_open() == first
    skipped_to = checklist.next_open(after=first.key)  # skip the first
    assert skipped_to == second
    for item in checklist.items[1:]:
        controller.rate(uuid, item.element, grade="A")
    # Everything else graded: the skipped one comes round again.
    assert controller.checklist(uuid).next_open(after=checklist.items[-1].key) == first
    controller.rate(uuid, first.element, grade="N")
    assert controller.checklist(uuid).next_open() is None


def test_it_refuses_bad_values_field_by_field(controller: InspectionController) -> None:
    uuid = controller.start("s1")

    with pytest.raises(InvalidInput) as refused:
        controller.rate(uuid, "roof", grade="N", urgency=1, quantity=-2)

    assert [d.field for d in refused.value.details] == ["urgency", "quantity"]
    assert controller.checklist(uuid).done == 0


@pytest.mark.parametrize(
    ("element", "quantity", "refused"),
    [
        ("roof", 200_000, False),
        ("roof", 200_000.5, True),
        ("windows_doors", 10_000, False),
        ("windows_doors", 10_001, True),
        ("fencing_traffic", 50_001, True),
    ],
)
def test_it_refuses_a_quantity_over_its_units_bound_before_the_server_does(
    controller: InspectionController, element: str, quantity: float, refused: bool
) -> None:
    uuid = controller.start("s1")
    unit = load_catalogue().element(element).unit

    if refused:
        with pytest.raises(InvalidInput) as error:
            controller.rate(uuid, element, grade="B", quantity=quantity)
        assert [d.field for d in error.value.details] == ["quantity"]
        assert error.value.details[0].message.endswith(f" {quantity_bound(unit):g} {unit}")
        assert controller.checklist(uuid).done == 0
    else:
        controller.rate(uuid, element, grade="B", quantity=quantity)
        controller.finish(uuid)  # its wire form is valid: it goes into the outbox
        assert controller.checklist(uuid).done == 1


@pytest.mark.parametrize(
    ("accuracy_m", "kept"),
    [(4.0, True), (None, True), (MAX_ACCURACY_M, True), (MAX_ACCURACY_M + 1, False)],
)
def test_it_leaves_out_a_position_too_vague_to_send(
    controller: InspectionController,
    loaded: sessionmaker[Session],
    accuracy_m: float | None,
    kept: bool,
) -> None:
    uuid = controller.start("s1")

    controller.rate(uuid, "roof", grade="B", position=PositionFix(57.7, 12.0, accuracy_m))
    controller.finish(uuid)

    with loaded() as session:
        rating = session.get_one(Inspection, uuid).ratings[0]
        assert (rating.grade, rating.lat is not None) == ("B", kept)
        assert session.scalars(select(OutboxEntry)).one()


def test_it_pauses_and_resumes_the_same_draft(
    controller: InspectionController, loaded: sessionmaker[Session]
) -> None:
    uuid = controller.start("s1")
    controller.rate(uuid, "roof", grade="D", urgency=1, position=PositionFix(57.7, 12.0, 4.0))
    controller.pause(uuid)
    with loaded() as session:
        assert session.get_one(Inspection, uuid).paused_at is not None

    assert controller.start("s1") == uuid
    with loaded() as session:
        paused = session.get_one(Inspection, uuid)
        assert paused.paused_at is None
        assert (paused.ratings[0].lat, paused.ratings[0].accuracy_m) == (57.7, 4.0)


def test_it_finishes_into_the_outbox_and_an_edit_raises_the_revision(
    controller: InspectionController, loaded: sessionmaker[Session]
) -> None:
    uuid = controller.start("s1")
    with pytest.raises(InvalidInput):
        controller.finish(uuid)  # nothing graded yet
    controller.rate(uuid, "roof", grade="B")
    controller.finish(uuid)
    with pytest.raises(InvalidInput):
        controller.rate(uuid, "roof", grade="C")  # finished: reopen first

    controller.reopen(uuid)
    controller.rate(uuid, "roof", grade="C", urgency=3)
    controller.finish(uuid)

    with loaded() as session:
        inspection = session.get_one(Inspection, uuid)
        assert (inspection.revision, inspection.state) == (2, InspectionState.WAITING)
        entries = session.scalars(select(OutboxEntry).order_by(OutboxEntry.revision)).all()
        assert [e.revision for e in entries] == [1, 2]
        assert entries[0].content_hash != entries[1].content_hash


def test_it_lists_assigned_sites_first_with_what_waits(
    controller: InspectionController, loaded: sessionmaker[Session]
) -> None:
    uuid = controller.start("s1")
    controller.rate(uuid, "roof", grade="B")
    controller.finish(uuid)
    controller.start("s2")
    tr = translator_for("sv")

    rows = SitesController(loaded).sites()

    assert [r.code for r in rows] == ["s2", "s1"]
    assert site_row_detail(rows[0], tr) == (
        "Nordost · Tilldelad dig · Aldrig inventerad här · Påbörjad inventering"
    )
    assert site_row_detail(rows[1], tr) == "Östra · Senast inventerad 2026-05-04 · 1 väntar på synk"
    assert [r.code for r in SitesController(loaded).sites("berg")] == ["s1"]
    states = [sync_row_text(r, tr) for r in SyncStatusController(loaded).rows()]
    assert sorted(states) == sorted(
        ["Bergsjöskolan · 2026-05-04 · Väntar", "Angeredsskolan · 2026-05-04 · Utkast"]
    )


def _photos(factory: sessionmaker[Session], n: int) -> list[str]:
    hashes = [f"{k:064x}" for k in range(1, n + 1)]
    with factory.begin() as session:
        session.add_all(Photo(sha256=sha, path=f"{sha}.jpg", taken_at=T0) for sha in hashes)
    return hashes


def test_it_refuses_the_photo_past_the_wire_bound_with_a_clear_message(
    controller: InspectionController, loaded: sessionmaker[Session]
) -> None:
    uuid = controller.start("s1")
    photos = _photos(loaded, MAX_PHOTOS_PER_RATING + 1)

    assert controller.photo_refusal(MAX_PHOTOS_PER_RATING - 1) is None
    assert controller.photo_refusal(MAX_PHOTOS_PER_RATING) == (
        f"Högst {MAX_PHOTOS_PER_RATING} foton per bedömning"
    )
    controller.rate(uuid, "roof", grade="C", urgency=2, photos=photos[:-1])
    with pytest.raises(InvalidInput) as refused:
        controller.rate(uuid, "roof", grade="C", urgency=2, photos=photos)

    assert [(d.field, d.message) for d in refused.value.details] == [
        ("photos", f"Högst {MAX_PHOTOS_PER_RATING} foton per bedömning")
    ]
    assert len(controller.checklist(uuid).item("roof").photos) == MAX_PHOTOS_PER_RATING


def test_it_refuses_a_rating_past_the_wire_bound_but_lets_one_be_replaced(
    controller: InspectionController, loaded: sessionmaker[Session]
) -> None:
    uuid = controller.start("s1")
    with loaded.begin() as session:
        inspection = session.get_one(Inspection, uuid)
        for n in range(1, MAX_RATINGS):
            rating_create(session, inspection=inspection, element="toilets", location=f"Rum {n}")
    controller.rate(uuid, "toilets", "Rum 0", grade="B")  # the last one there is room for

    with pytest.raises(InvalidInput) as refused:
        controller.rate(uuid, "roof", grade="B")
    controller.rate(uuid, "toilets", "Rum 0", grade="C", urgency=3)

    assert refused.value.details[0].field == "ratings"
    assert refused.value.message == (
        f"En inventering rymmer högst {MAX_RATINGS} bedömningar: "
        "avsluta den och påbörja en ny för resten"
    )
    assert controller.checklist(uuid).done == MAX_RATINGS
