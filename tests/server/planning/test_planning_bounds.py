"""One set of planner bounds (server/planning/schemas.py) for the API and the pages' forms."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django import forms
from django.test import Client

from server.pages.forms import PlanForm, RankingForm
from server.planning.bounds import ALPHA, BUDGET, START_YEAR, TOP_N, WEIGHT, YEARS, Bound
from server.planning.schemas import (
    PlanParams,
    RankingParams,
)

pytestmark = pytest.mark.django_db

# (field, its bound): the fields a planner fills in on the plan page and sends to the API.
PLAN_FIELDS = [
    ("condition", WEIGHT),
    ("experience", WEIGHT),
    ("equity", WEIGHT),
    ("budget", BUDGET),
    ("years", YEARS),
    ("alpha", ALPHA),
    ("start_year", START_YEAR),
]


def _form_field(form: type[forms.Form], field: str) -> forms.IntegerField:
    number = form.base_fields[field]
    assert isinstance(number, forms.IntegerField)  # FloatField is one too
    return number


def _past(field: str, bound: Bound, side: str) -> float:
    """The nearest value past the bound's `side` that a planner can type into the field."""
    whole = not isinstance(PlanForm.base_fields[field], forms.FloatField)
    if side == "above":
        return bound.high + 1 if whole else math.nextafter(bound.high, math.inf)
    return bound.low - 1 if whole else math.nextafter(bound.low, -math.inf)


@pytest.mark.parametrize(("field", "bound"), PLAN_FIELDS)
def test_it_gives_the_form_and_the_api_the_same_limits(field: str, bound: Bound) -> None:
    form_field = _form_field(PlanForm, field)
    schema = PlanParams.model_json_schema()["properties"][field]
    limits = schema["anyOf"][0] if "anyOf" in schema else schema  # start_year may be null

    assert (form_field.min_value, form_field.max_value) == (bound.low, bound.high)
    assert (limits["minimum"], limits["maximum"]) == (bound.low, bound.high)


@pytest.mark.parametrize("field", ["condition", "experience", "equity"])
def test_it_bounds_the_ranking_weights_alike_on_the_page_and_in_the_api(field: str) -> None:
    schema = RankingParams.model_json_schema()["properties"]
    form_field = _form_field(RankingForm, field)

    assert (schema[field]["minimum"], schema[field]["maximum"]) == (WEIGHT.low, WEIGHT.high)
    assert (form_field.min_value, form_field.max_value) == (WEIGHT.low, WEIGHT.high)
    assert (schema["top_n"]["minimum"], schema["top_n"]["maximum"]) == (TOP_N.low, TOP_N.high)


@pytest.mark.parametrize(("field", "bound"), PLAN_FIELDS)
@pytest.mark.parametrize("side", ["above", "below"])
def test_it_refuses_a_value_just_past_a_bound_on_the_page_and_in_the_api(
    planner: Client, field: str, bound: Bound, side: str
) -> None:
    params: dict[str, Any] = {
        "budget": 1_000_000,
        "start_year": 2027,
        field: repr(_past(field, bound, side)),
    }

    form = PlanForm(params)
    api = planner.get("/api/v1/plan", params)

    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert api.status_code == 422
    assert [d["field"] for d in api.json()["details"]] == [field]


@pytest.mark.parametrize(("field", "bound"), PLAN_FIELDS)
@pytest.mark.parametrize("side", ["high", "low"])
def test_it_accepts_a_value_at_a_bound_on_the_page_and_in_the_api(
    planner: Client, city: dict[str, Any], field: str, bound: Bound, side: str
) -> None:
    params: dict[str, Any] = {"budget": 1_000_000, "start_year": 2027, field: getattr(bound, side)}

    form = PlanForm(params)

    assert form.is_valid(), form.errors
    assert planner.get("/api/v1/plan", params).status_code == 200


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308"])
@pytest.mark.parametrize("field", ["budget", "alpha", "condition"])
def test_it_refuses_what_is_not_a_finite_number_on_the_page_too(
    planner: Client, field: str, value: str
) -> None:
    params = {"budget": 1_000_000, "start_year": 2027, field: value}

    form = PlanForm(params)
    page = planner.get("/plan/", params)

    assert list(form.errors) == [field]
    assert page.status_code == 400
