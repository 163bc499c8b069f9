"""A server (or a proxy before it) answering 413: the tablet splits the batch, never sends
the same body again, and refuses only an inspection too large on its own."""

from __future__ import annotations

import json

from fake_server import FakeServer
from live_sync import Tablet
from sqlalchemy import select

from mobile.store import Inspection, InspectionState, OutboxEntry

GRADES = {"roof": "C", "facade": "B"}


def push_body(payloads: list[str]) -> bytes:
    """A push's body as the client builds it (spelled out: the test checks the client)."""
    return ('{"inspections":[' + ",".join(payloads) + "]}").encode()


def _payloads(tablet: Tablet) -> list[str]:
    with tablet.session_factory() as session:
        return list(session.scalars(select(OutboxEntry.payload).order_by(OutboxEntry.id)))


def _bodies(server: FakeServer) -> list[bytes]:
    return [request.content for request in server.pushes()]


def test_it_halves_a_batch_the_server_finds_too_large_until_it_fits(
    server: FakeServer, tablet: Tablet
) -> None:
    uuids = [tablet.inspect("bergsjoskolan", GRADES) for _ in range(8)]
    payloads = _payloads(tablet)
    server.max_body = len(push_body(payloads[:3]))  # room for three, as a proxy might allow

    report = tablet.sync()

    bodies = _bodies(server)
    # 8 -> 4 + 4 -> 2 + 2 + 2 + 2: seven pushes, none of them sent twice.
    assert [len(json.loads(b)["inspections"]) for b in bodies] == [8, 4, 2, 2, 4, 2, 2]
    assert len(set(bodies)) == len(bodies)
    assert server.pushed_uuids() == [uuids[0:2], uuids[2:4], uuids[4:6], uuids[6:8]]
    assert report.statuses == {"created": 8}
    assert report.too_large == 3
    with tablet.session_factory() as session:
        assert set(session.scalars(select(Inspection.state))) == {InspectionState.SYNCED}


def test_it_refuses_an_inspection_too_large_alone_and_syncs_the_rest(
    server: FakeServer, tablet: Tablet
) -> None:
    small = tablet.inspect("bergsjoskolan", GRADES)
    big = tablet.inspections.start("brackeskolan")
    tablet.inspections.rate(big, "roof", grade="B", note="Lång anteckning. " * 110)
    tablet.inspections.finish(big)
    other = tablet.inspect("bergsjoskolan", GRADES)
    payloads = _payloads(tablet)
    server.max_body = len(push_body([payloads[0], payloads[2]]))
    assert len(push_body([payloads[1]])) > server.max_body

    report = tablet.sync()

    assert server.pushed_uuids() == [[small], [other]]
    bodies = _bodies(server)
    assert len(set(bodies)) == len(bodies) == 5  # [s b o], [s], [b o], [b], [o]
    assert report.statuses == {"created": 2, "too_large": 1}
    with tablet.session_factory() as session:
        states = {i.uuid: (i.state, i.refusal_reason) for i in session.scalars(select(Inspection))}
        entry = session.scalars(select(OutboxEntry).where(OutboxEntry.inspection_uuid == big)).one()
    assert states[small][0] is states[other][0] is InspectionState.SYNCED
    assert states[big][0] is InspectionState.REFUSED
    assert states[big][1] == f"too_large: The body is {len(bodies[3])} bytes; the limit is " + str(
        server.max_body
    )
    assert entry.payload == payloads[1] and entry.acked_at is not None
    # Kept, and not sent again unchanged.
    tablet.sync()
    assert len(_bodies(server)) == 5
