"""The limits of what a tablet may send (shared/bounds.py) and the wire models that use them."""

from __future__ import annotations

import math
from typing import Any, get_args

import pytest

import shared.sync
from shared import bounds
from shared.bounds import (
    MAX_ACCURACY_M,
    MAX_CATALOGUE_VERSION_LENGTH,
    MAX_DEVICE_NAME_LENGTH,
    MAX_ELEMENT_CODE_LENGTH,
    MAX_ENROLLMENT_CODE_LENGTH,
    MAX_LOCATION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_QUANTITY,
    MAX_QUANTITY_BY_UNIT,
    MAX_SITE_CODE_LENGTH,
    quantity_bound,
)
from shared.catalogue import Unit, load_catalogue
from shared.sync import EnrollIn, InspectionIn, RatingIn, parse_inspection
from tests.shared.test_shared_sync import raw_inspection, raw_rating


def rating_errors(**changes: Any) -> list[tuple[str, str]]:
    """(field, message) of each error of an inspection whose one rating has `changes`."""
    parsed = parse_inspection(raw_inspection(ratings=[raw_rating(**changes)]))
    if isinstance(parsed, InspectionIn):
        return []
    return [(error.field, error.message) for error in parsed]


@pytest.mark.parametrize("unit", get_args(Unit))
def test_it_bounds_the_quantity_of_every_catalogue_unit(unit: str) -> None:
    bound = quantity_bound(unit)

    assert math.isfinite(bound) and 0 < bound <= MAX_QUANTITY


def test_it_bounds_no_unit_the_catalogue_does_not_know() -> None:
    assert set(MAX_QUANTITY_BY_UNIT) == set(get_args(Unit))


def test_it_fits_the_packaged_catalogue_estimates_for_a_large_site() -> None:
    # A school with 30,000 m2 of floor and 60,000 m2 of yard is among the largest there are.
    for element in load_catalogue().elements:
        estimate = element.quantity_estimate.quantity(floor_area=30_000, yard_area=60_000)
        assert estimate <= quantity_bound(element.unit), element.code


def test_it_names_the_known_units_for_an_unknown_one() -> None:
    with pytest.raises(KeyError, match="no quantity bound for unit 'ha' .*m2, m, st, site"):
        quantity_bound("ha")


def test_it_refuses_to_change_a_bound_at_run_time() -> None:
    with pytest.raises(TypeError):
        MAX_QUANTITY_BY_UNIT["m2"] = 1e9  # type: ignore[index]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (MAX_QUANTITY + 1, f"less than or equal to {MAX_QUANTITY}"),
        (1e308, f"less than or equal to {MAX_QUANTITY}"),
        (math.inf, "finite number"),
        (-math.inf, "finite number"),
        (math.nan, "finite number"),
        (-0.5, "greater than or equal to 0"),
    ],
)
def test_it_refuses_a_quantity_over_the_largest_bound_or_not_finite(
    quantity: float, message: str
) -> None:
    errors = rating_errors(quantity=quantity)

    assert [field for field, _ in errors] == ["ratings.0.quantity"]
    assert message in errors[0][1]


@pytest.mark.parametrize("quantity", [0, 0.5, MAX_QUANTITY, None])
def test_it_accepts_a_quantity_within_the_largest_bound(quantity: float | None) -> None:
    assert rating_errors(quantity=quantity) == []


@pytest.mark.parametrize(
    ("accuracy_m", "message"),
    [
        (MAX_ACCURACY_M + 0.5, f"less than or equal to {MAX_ACCURACY_M}"),
        (math.inf, "finite number"),
        (math.nan, "finite number"),
        (-1, "greater than or equal to 0"),
    ],
)
def test_it_refuses_an_accuracy_out_of_bounds(accuracy_m: float, message: str) -> None:
    errors = rating_errors(position={"lat": 57.7, "lon": 11.97, "accuracy_m": accuracy_m})

    assert [field for field, _ in errors] == ["ratings.0.position.accuracy_m"]
    assert message in errors[0][1]


@pytest.mark.parametrize("accuracy_m", [0, 4.5, MAX_ACCURACY_M, None])
def test_it_accepts_an_accuracy_within_bounds(accuracy_m: float | None) -> None:
    assert rating_errors(position={"lat": 57.7, "lon": 11.97, "accuracy_m": accuracy_m}) == []


def test_it_publishes_the_bounds_in_the_wire_schema() -> None:
    rating = RatingIn.model_json_schema()["properties"]
    position = RatingIn.model_json_schema()["$defs"]["Position"]["properties"]

    assert {"type": "number", "minimum": 0, "maximum": MAX_QUANTITY} in rating["quantity"]["anyOf"]
    assert {"type": "number", "minimum": 0, "maximum": MAX_ACCURACY_M} in position["accuracy_m"][
        "anyOf"
    ]
    assert rating["note"]["maxLength"] == MAX_NOTE_LENGTH


TEXT_LIMITS = [
    ("rating location", "location", MAX_LOCATION_LENGTH),
    ("rating note", "note", MAX_NOTE_LENGTH),
    ("rating element", "element", MAX_ELEMENT_CODE_LENGTH),
    ("inspection site", "site", MAX_SITE_CODE_LENGTH),
    ("inspection catalogue version", "catalogue_version", MAX_CATALOGUE_VERSION_LENGTH),
    ("enrolment code", "code", MAX_ENROLLMENT_CODE_LENGTH),
    ("enrolment device name", "device_name", MAX_DEVICE_NAME_LENGTH),
]


def _with_text(field: str, length: int) -> tuple[type[Any], dict[str, Any]]:
    text = "x" * length
    if field in {"location", "note", "element"}:
        return InspectionIn, raw_inspection(ratings=[raw_rating(**{field: text})])
    if field in {"site", "catalogue_version"}:
        return InspectionIn, raw_inspection(**{field: text})
    return EnrollIn, {"code": "ABCD-EFGH", "device_name": "Platta 1", field: text}


@pytest.mark.parametrize(
    ("field", "limit"),
    [case[1:] for case in TEXT_LIMITS],
    ids=[case[0] for case in TEXT_LIMITS],
)
def test_it_takes_text_lengths_from_the_bounds(field: str, limit: int) -> None:
    model, at_limit = _with_text(field, limit)
    _, over_limit = _with_text(field, limit + 1)

    model.model_validate(at_limit)
    with pytest.raises(ValueError, match=f"at most {limit} characters"):
        model.model_validate(over_limit)


@pytest.mark.parametrize(
    "name",
    ["MAX_PUSH_BATCH", "MAX_PUSH_BYTES", "MAX_RATINGS", "MAX_PHOTOS_PER_RATING", "MAX_REVISION"],
)
def test_it_re_exports_the_protocol_limits_from_shared_sync(name: str) -> None:
    assert getattr(shared.sync, name) == getattr(bounds, name)


def test_it_limits_a_push_body_to_8_mib() -> None:
    assert shared.sync.MAX_PUSH_BYTES == 8 * 1024 * 1024


def test_it_leaves_room_for_revisions_to_rise_in_steps() -> None:
    # Starting at most at MAX_FIRST_REVISION and rising by at most MAX_REVISION_STEP per
    # push, a record needs millions of pushes to reach the 32-bit column's limit.
    pushes = (bounds.MAX_REVISION - bounds.MAX_FIRST_REVISION) // bounds.MAX_REVISION_STEP

    assert (bounds.MAX_FIRST_REVISION, bounds.MAX_REVISION_STEP) == (1000, 1000)
    assert pushes > 2_000_000
