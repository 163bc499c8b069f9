from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.inspections.selectors import latest_ratings
from server.inspections.services import Source, inspections_push
from tests.server.factories import make_site
from tests.server.inspections.conftest import T0, inspection_json

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
