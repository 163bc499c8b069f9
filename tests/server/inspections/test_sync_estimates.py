"""Costs the server estimates from a site's size stay finite and plausible."""

from __future__ import annotations

import math

import pytest

from server.inspections.models import Rating
from server.inspections.services import Source, inspections_push
from tests.server.factories import make_site
from tests.server.inspections.conftest import inspection_json, make_inspector

pytestmark = pytest.mark.django_db


def push_without_quantities(site_code: str) -> None:
    record = inspection_json(site_code, grade="C", n_ratings=3)
    for rating in record["ratings"]:
        rating["quantity"] = None
    [result] = inspections_push(raws=[record], source=Source(inspector=make_inspector()))
    assert result.status == "created", result.errors


@pytest.mark.parametrize("floor_area", [1e308, 5e9])
def test_it_estimates_no_cost_from_an_implausible_site_size(floor_area: float) -> None:
    site = make_site(code="jatte", floor_area_m2=floor_area, yard_area_m2=10_000)

    push_without_quantities(site.code)

    assert list(Rating.objects.values_list("estimated_cost_sek", flat=True)) == [None] * 3


def test_it_estimates_a_finite_cost_from_a_plausible_site_size() -> None:
    site = make_site(code="vanlig", floor_area_m2=4_000, yard_area_m2=10_000)

    push_without_quantities(site.code)

    costs = list(Rating.objects.values_list("estimated_cost_sek", flat=True))
    assert len(costs) == 3 and all(c is not None and math.isfinite(c) and c > 0 for c in costs)
