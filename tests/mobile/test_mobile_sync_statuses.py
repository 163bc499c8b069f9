"""A status the tablet does not know counts as refused: the record is kept, the reason shown,
and the rest of the batch is recorded as usual."""

from __future__ import annotations

from typing import Any

from fake_server import FakeServer
from live_sync import Tablet
from sqlalchemy import select

from mobile.controllers.sync_status import SyncStatusController
from mobile.store import Inspection, InspectionState, OutboxEntry

GRADES = {"roof": "C", "facade": "B"}


def _quarantine_the_second(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    statuses = ["created", "quarantined", "updated"]
    return [
        {"uuid": r["uuid"], "status": s, "errors": [{"field": "", "message": "held for review"}]}
        if s == "quarantined"
        else {"uuid": r["uuid"], "status": s}
        for r, s in zip(records, statuses, strict=True)
    ]


def test_it_keeps_a_record_with_an_unknown_status_as_refused_and_records_the_rest(
    server: FakeServer, tablet: Tablet
) -> None:
    server.judge = _quarantine_the_second
    uuids = [tablet.inspect(site, GRADES) for site in ("bergsjoskolan", "brackeskolan")]
    uuids.append(tablet.inspect("bergsjoskolan", GRADES))

    report = tablet.sync()

    assert report.statuses == {"created": 1, "quarantined": 1, "updated": 1}
    with tablet.session_factory() as session:
        states = {i.uuid: (i.state, i.refusal_reason) for i in session.scalars(select(Inspection))}
        entries = {e.inspection_uuid: e for e in session.scalars(select(OutboxEntry))}
    assert states == {
        uuids[0]: (InspectionState.SYNCED, None),
        uuids[1]: (
            InspectionState.REFUSED,
            "unknown status 'quarantined' from server: -: held for review",
        ),
        uuids[2]: (InspectionState.SYNCED, None),
    }
    # The refused record is kept whole, answered for, not sent again.
    assert set(entries) == set(uuids)
    assert entries[uuids[1]].payload and entries[uuids[1]].acked_at is not None
    assert "quarantined" in (entries[uuids[1]].last_error or "")
    rows = SyncStatusController(tablet.session_factory).rows()
    assert [r.reason for r in rows if r.uuid == uuids[1]] == [states[uuids[1]][1]]
    tablet.sync()
    assert server.pushed_uuids() == [uuids]
