"""What the network and concurrency do to a sync: nothing may be duplicated or lost."""

from __future__ import annotations

import threading
import uuid as uuidlib
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.inspections.models import Inspection, Rating
from server.inspections.services import Source, inspections_push
from tests.server.inspections.conftest import Tablet, inspection_json, make_inspector

N_RATINGS = 4


@pytest.mark.django_db
def test_it_stores_a_batch_sent_twice_once(tablet: Tablet, site: Any) -> None:
    batch = [inspection_json(site.code, n_ratings=N_RATINGS) for _ in range(5)]

    first = tablet.push(*batch).json()["results"]
    second = tablet.push(*batch).json()["results"]

    assert [r["status"] for r in first] == ["created"] * 5
    assert [r["status"] for r in second] == ["unchanged"] * 5
    assert (Inspection.objects.count(), Rating.objects.count()) == (5, 5 * N_RATINGS)


@pytest.mark.django_db
def test_it_answers_unchanged_when_a_cut_off_batch_is_resent(
    tablet: Tablet, site: Any, inspector: Any
) -> None:
    batch = [inspection_json(site.code, n_ratings=N_RATINGS) for _ in range(3)]
    # The server committed, then the connection dropped before the tablet read the answer.
    inspections_push(raws=batch, source=Source(inspector=inspector, device_name="Platta 1"))

    resent = tablet.push(*batch).json()["results"]

    assert [r["status"] for r in resent] == ["unchanged"] * 3
    assert (Inspection.objects.count(), Rating.objects.count()) == (3, 3 * N_RATINGS)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_row_when_two_pushes_race_on_postgresql(site: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL's concurrency")
    inspector = make_inspector("race")
    record = inspection_json(site.code, n_ratings=N_RATINGS)
    barrier = threading.Barrier(2, timeout=20)
    statuses: list[str] = []
    failures: list[BaseException] = []

    def push() -> None:
        try:
            with transaction.atomic():
                # Both look first and see nothing: the check-then-insert race.
                assert not Inspection.objects.filter(uuid=record["uuid"]).exists()
                barrier.wait()
                result = inspections_push(raws=[record], source=Source(inspector=inspector))
                statuses.append(result[0].status)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert sorted(statuses) == ["created", "unchanged"]
    assert Inspection.objects.filter(uuid=record["uuid"]).count() == 1
    assert Rating.objects.count() == N_RATINGS


# A set of 3 inspections, each with revisions 1..3 of different content; a push sequence is
# any list of (inspection, revision) pairs, with repeats and in any order.
PUSHES = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=12)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pushes=PUSHES, batch_size=st.integers(1, 4))
def test_it_ends_with_exactly_the_latest_revision_of_each(
    tablet: Tablet, site: Any, pushes: list[tuple[int, int]], batch_size: int
) -> None:
    Inspection.objects.all().delete()
    uuids = [str(uuidlib.uuid4()) for _ in range(3)]
    grades = {1: "A", 2: "C", 3: "D"}

    def version(n: int, rev: int) -> dict[str, Any]:
        return inspection_json(
            site.code, uuid=uuids[n], revision=rev, grade=grades[rev], n_ratings=N_RATINGS
        )

    for start in range(0, len(pushes), batch_size):
        chunk = [version(n, rev) for n, rev in pushes[start : start + batch_size]]
        statuses = [r["status"] for r in tablet.push(*chunk).json()["results"]]
        assert "invalid" not in statuses and "conflict" not in statuses

    latest: dict[int, int] = {}
    for n, rev in pushes:
        latest[n] = max(latest.get(n, 0), rev)
    stored = {str(i.uuid): i for i in Inspection.objects.prefetch_related("ratings")}
    assert set(stored) == {uuids[n] for n in latest}
    for n, rev in latest.items():
        row = stored[uuids[n]]
        assert row.revision == rev
        assert {r.grade for r in row.ratings.all()} == {grades[rev]}
        assert row.ratings.count() == N_RATINGS
        assert set(row.history.values_list("revision", flat=True)) <= set(range(1, rev))
