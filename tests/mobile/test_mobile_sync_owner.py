"""A tablet enrolled again for another inspector: the first inspector's records stay on
it, refused as belonging to another inspector, until it is enrolled for them again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_sync import LiveSync, Tablet
from sqlalchemy import select

from mobile.store import Inspection, InspectionState, OutboxEntry

GRADES = {"roof": "C", "facade": "B"}
NOT_OWNER = "conflict: uuid: belongs to another inspector"


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    tablet = Tablet(tmp_path / "tablet")
    yield tablet
    tablet.close()


def _states(tablet: Tablet) -> dict[str, tuple[InspectionState, str | None]]:
    with tablet.session_factory() as session:
        return {i.uuid: (i.state, i.refusal_reason) for i in session.scalars(select(Inspection))}


def test_it_keeps_another_inspectors_records_refused_until_enrolled_for_them_again(
    live: LiveSync, tablet: Tablet
) -> None:
    bo = live.colleague("bo")
    tablet.enroll(live)
    synced = tablet.inspect("bergsjoskolan", GRADES)
    tablet.sync()
    tablet.inspections.reopen(synced)
    tablet.inspections.rate(synced, "roof", grade="D", urgency=1)
    tablet.inspections.finish(synced)  # revision 2, not sent yet
    unsent = tablet.inspect("brackeskolan", GRADES)  # never sent

    # The tablet is handed to Bo.
    assert tablet.enroll(bo) == "bo"
    bos = tablet.inspect("angeredsskolan", GRADES)
    report = tablet.sync()

    assert report.statuses.get("created") == 1
    assert live.server_owners() == {synced: (1, "inga"), bos: (1, "bo")}
    assert _states(tablet) == {
        synced: (InspectionState.REFUSED, NOT_OWNER),
        unsent: (InspectionState.REFUSED, NOT_OWNER),
        bos: (InspectionState.SYNCED, None),
    }
    with tablet.session_factory() as session:
        assert session.scalars(select(OutboxEntry.inspection_uuid)).all().count(unsent) == 1
    tablet.sync()  # nothing changes on a second run
    assert live.server_owners() == {synced: (1, "inga"), bos: (1, "bo")}

    # Back to Inga: her records go out as they are, credited to her.
    tablet.enroll(live)
    assert _states(tablet)[synced] == (InspectionState.WAITING, None)
    report = tablet.sync()

    assert report.statuses == {"updated": 1, "created": 1}
    assert live.server_owners() == {synced: (2, "inga"), unsent: (1, "inga"), bos: (1, "bo")}
    assert {uuid: state for uuid, (state, _) in _states(tablet).items()} == dict.fromkeys(
        (synced, unsent, bos), InspectionState.SYNCED
    )


def test_it_starts_a_new_inspection_rather_than_resume_another_inspectors_draft(
    live: LiveSync, tablet: Tablet
) -> None:
    tablet.enroll(live)
    ingas = tablet.inspect("bergsjoskolan", GRADES, finish=False)
    tablet.enroll(live.colleague("bo"))

    bos = tablet.inspections.start("bergsjoskolan")

    assert bos != ingas
    tablet.enroll(live)
    assert tablet.inspections.start("bergsjoskolan") == ingas
