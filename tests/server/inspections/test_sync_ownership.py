"""An inspection belongs to the inspector who created it; revisions rise in bounded steps.

Another inspector's tablet pushing a known UUID must change nothing, whatever revision
it claims (DESIGN section 4): before, it could overwrite the record, take the credit
for it, and with revision 2**31 - 1 make every later edit of the owner `stale`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from server.core.roles import PLANNER
from server.inspections.models import Inspection, InspectionRevision
from shared.bounds import MAX_FIRST_REVISION, MAX_REVISION, MAX_REVISION_STEP
from tests.server.inspections.conftest import (
    Tablet,
    enrolled_token,
    inspection_json,
    make_inspector,
)

pytestmark = pytest.mark.django_db

NOT_YOURS = [{"field": "uuid", "message": "belongs to another inspector"}]


@pytest.fixture
def other_tablet(client: Client) -> Tablet:
    """A tablet enrolled for a second inspector."""
    return Tablet(client, enrolled_token(make_inspector("bo"), device_name="Platta B"))


def _result(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    [result] = response.json()["results"]
    return dict(result)


def _snapshot(uuid: str) -> tuple[Any, ...]:
    row = Inspection.objects.get(uuid=uuid)
    return (
        row.revision,
        row.inspector.username,
        row.device_name,
        row.content_hash,
        row.ratings.count(),
        sorted(row.ratings.values_list("grade", flat=True)),
    )


@pytest.mark.parametrize(
    ("revision", "grade"),
    [
        (3, "D"),  # higher: before, this was "updated" and credited to the other inspector
        (2, "D"),  # equal, other content
        (2, "B"),  # equal, the very same content
        (1, "D"),  # lower
        (MAX_REVISION, "D"),  # the highest: before, it locked the owner out for good
    ],
    ids=["higher", "equal", "equal-same-content", "lower", "max"],
)
def test_it_refuses_another_inspectors_push_of_a_known_uuid_and_changes_nothing(
    tablet: Tablet, other_tablet: Tablet, site: Any, revision: int, grade: str
) -> None:
    owners = inspection_json(site.code, grade="B", n_ratings=5)
    tablet.push(owners)
    owners2 = inspection_json(site.code, uuid=owners["uuid"], revision=2, grade="B", n_ratings=5)
    assert _result(tablet.push(owners2))["status"] == "updated"
    before = _snapshot(owners["uuid"])
    history_before = InspectionRevision.objects.count()
    theirs = inspection_json(site.code, uuid=owners["uuid"], revision=revision, grade=grade)

    result = _result(other_tablet.push(theirs))

    assert result == {
        "uuid": owners["uuid"],
        "status": "conflict",
        "errors": NOT_YOURS,
        "missing_photos": [],
    }
    assert _snapshot(owners["uuid"]) == before == (2, "inga", "Platta 1", *before[3:])
    assert InspectionRevision.objects.count() == history_before == 1


def test_it_lets_the_owner_edit_on_after_another_inspectors_push(
    tablet: Tablet, other_tablet: Tablet, site: Any
) -> None:
    owners = inspection_json(site.code, grade="B", n_ratings=3)
    tablet.push(owners)
    other_tablet.push(inspection_json(site.code, uuid=owners["uuid"], revision=MAX_REVISION))

    edit = inspection_json(site.code, uuid=owners["uuid"], revision=2, grade="C", n_ratings=3)
    result = _result(tablet.push(edit))

    assert result["status"] == "updated"
    assert _snapshot(owners["uuid"])[:2] == (2, "inga")
    assert set(Inspection.objects.get().ratings.values_list("grade", flat=True)) == {"C"}


def test_it_refuses_another_inspector_in_the_same_batch_as_its_own_new_records(
    tablet: Tablet, other_tablet: Tablet, site: Any
) -> None:
    owners = inspection_json(site.code, n_ratings=2)
    tablet.push(owners)
    own_new = inspection_json(site.code, n_ratings=2)
    theirs = inspection_json(site.code, uuid=owners["uuid"], revision=5, n_ratings=2)

    body = other_tablet.push(own_new, theirs).json()["results"]

    assert [(r["status"], r["errors"]) for r in body] == [("created", []), ("conflict", NOT_YOURS)]
    assert dict(Inspection.objects.values_list("uuid", "inspector__username")) == {
        Inspection.objects.get(uuid=owners["uuid"]).uuid: "inga",
        Inspection.objects.get(uuid=own_new["uuid"]).uuid: "bo",
    }


@pytest.mark.parametrize(
    ("step", "status"),
    [(MAX_REVISION_STEP, "updated"), (MAX_REVISION_STEP + 1, "invalid")],
)
def test_it_lets_a_revision_rise_by_at_most_the_step(
    tablet: Tablet, site: Any, step: int, status: str
) -> None:
    first = inspection_json(site.code, grade="B", n_ratings=2)
    tablet.push(first)
    jump = inspection_json(site.code, uuid=first["uuid"], revision=1 + step, grade="C", n_ratings=2)

    result = _result(tablet.push(jump))

    assert result["status"] == status
    if status == "invalid":
        assert result["errors"] == [
            {
                "field": "revision",
                "message": f"may rise by at most {MAX_REVISION_STEP} at a time: the stored "
                f"revision is 1, so at most {1 + MAX_REVISION_STEP}, got {1 + step}",
            }
        ]
        assert _snapshot(first["uuid"])[0] == 1
        assert not InspectionRevision.objects.exists()
    else:
        assert _snapshot(first["uuid"])[0] == 1 + step


FIRST_TOO_HIGH = [
    {
        "field": "revision",
        "message": f"a new inspection starts at revision {MAX_FIRST_REVISION} at most, "
        f"got {MAX_FIRST_REVISION + 1}",
    }
]


def test_it_refuses_a_new_inspection_that_starts_too_high(tablet: Tablet, site: Any) -> None:
    too_high = inspection_json(site.code, revision=MAX_FIRST_REVISION + 1, n_ratings=2)
    highest = inspection_json(site.code, revision=MAX_FIRST_REVISION, n_ratings=2)

    body = tablet.push(too_high, highest).json()["results"]

    assert [(r["status"], r["errors"]) for r in body] == [
        ("invalid", FIRST_TOO_HIGH),
        ("created", []),
    ]
    assert list(Inspection.objects.values_list("revision", flat=True)) == [MAX_FIRST_REVISION]


def test_it_refuses_a_new_inspection_that_starts_too_high_off_the_fast_path(
    tablet: Tablet, site: Any
) -> None:
    # The same UUID twice in a batch is judged record by record, not bulk-inserted.
    too_high = inspection_json(site.code, revision=MAX_FIRST_REVISION + 1, n_ratings=2)

    body = tablet.push(too_high, too_high).json()["results"]

    assert [(r["status"], r["errors"]) for r in body] == [("invalid", FIRST_TOO_HIGH)] * 2
    assert not Inspection.objects.exists()


def test_it_keeps_who_wrote_each_replaced_revision(client: Client, site: Any) -> None:
    inga = make_inspector("inga")
    first_tablet = Tablet(client, enrolled_token(inga, device_name="Platta A"))
    second_tablet = Tablet(client, enrolled_token(inga, device_name="Platta A2"))
    first = inspection_json(site.code, grade="B", n_ratings=2)
    first_tablet.push(first)
    second_tablet.push(inspection_json(site.code, uuid=first["uuid"], revision=2, n_ratings=2))
    first_tablet.push(inspection_json(site.code, uuid=first["uuid"], revision=3, n_ratings=2))

    history = list(
        InspectionRevision.objects.order_by("revision").values_list(
            "revision", "inspector__username", "device_name", "device__name"
        )
    )

    assert history == [(1, "inga", "Platta A", "Platta A"), (2, "inga", "Platta A2", "Platta A2")]
    # The planner's read API shows the writer of each revision.
    planner = User.objects.create_user(username="pia", password="x")
    planner.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client.force_login(planner)
    body = client.get(f"/api/v1/inspections/{first['uuid']}").json()
    assert [(h["revision"], h["inspector"], h["device_name"]) for h in body["history"]] == [
        (2, "inga", "Platta A2"),
        (1, "inga", "Platta A"),
    ]
