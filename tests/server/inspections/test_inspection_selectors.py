from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from server.inspections.models import Assignment
from server.inspections.selectors import latest_ratings, photo_visible_to_inspector
from server.inspections.services import Source, inspections_push
from tests.server.factories import make_site
from tests.server.inspections.conftest import T0, inspection_json, make_inspector

pytestmark = pytest.mark.django_db


def push(inspector: Any, *records: dict[str, Any]) -> None:
    results = inspections_push(raws=list(records), source=Source(inspector=inspector))
    assert {r.status for r in results} == {"created"}


def shifted(record: dict[str, Any], days: int) -> dict[str, Any]:
    for rating in record["ratings"]:
        rating["observed_at"] = (T0 + timedelta(days=days)).isoformat()
    return record


def test_it_keeps_the_newest_finished_rating_per_site_element_and_location(inspector: Any) -> None:
    site, other = make_site(), make_site()
    push(
        inspector,
        shifted(inspection_json(site.code, grade="A", n_ratings=2), 0),
        shifted(inspection_json(site.code, grade="C", n_ratings=2), 30),
        # Newer, but not finished: does not count.
        shifted(inspection_json(site.code, grade="D", n_ratings=2, finished=False), 60),
        shifted(inspection_json(other.code, grade="B", n_ratings=1), 10),
    )

    rows = sorted(latest_ratings().values_list("site__code", "element", "grade"))

    assert rows == sorted(
        [(site.code, "roof", "C"), (site.code, "facade", "C"), (other.code, "roof", "B")]
    )


def test_it_treats_each_location_of_an_element_apart(inspector: Any) -> None:
    site = make_site()
    early = shifted(inspection_json(site.code, grade="D", n_ratings=1), 0)
    early["ratings"].append({**early["ratings"][0], "location": "Hus B", "grade": "C"})
    late = shifted(inspection_json(site.code, grade="A", n_ratings=1), 5)
    push(inspector, early, late)

    rows = sorted(latest_ratings(site_ids=[site.id]).values_list("location", "grade"))

    assert rows == [("", "A"), ("Hus B", "C")]


A, B, C, D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


@pytest.mark.parametrize(
    ("sha256", "visible"),
    [
        (A, True),  # first of two in a rating of another inspector on an assigned site
        (B, True),  # second of the two
        (C, True),  # named by the inspector's own inspection of a site not assigned
        (D, False),  # named only by another inspector's inspection elsewhere
        ("e" * 64, False),  # named by no rating
        (A.upper(), False),  # hashes are lowercase
        (A[:63], False),  # part of a hash
        ("%", False),  # a LIKE wildcard
    ],
)
def test_it_sees_photos_of_assigned_sites_and_own_inspections_in_one_query(
    inspector: Any,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    sha256: str,
    visible: bool,
) -> None:
    other = make_inspector("bo")
    assigned, elsewhere = make_site(), make_site()
    Assignment.objects.create(inspector=inspector, site=assigned)
    Assignment.objects.create(inspector=other, site=elsewhere)
    push(other, inspection_json(assigned.code, n_ratings=1, photos=[A, B]))
    push(inspector, inspection_json(elsewhere.code, n_ratings=1, photos=[C]))
    push(other, inspection_json(elsewhere.code, n_ratings=1, photos=[D]))

    with django_assert_max_num_queries(1):
        assert photo_visible_to_inspector(sha256=sha256, inspector=inspector) is visible
