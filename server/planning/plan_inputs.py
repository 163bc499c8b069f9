"""What a planner asks of a plan, as JSON (API body, page form, a task's arguments), and
the plan's settings made from it. One shape everywhere, so the frontier a worker computes
is the frontier of the plan the planner sees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.planning.plan_settings import (
    DEFAULT_MOBILISATION_SEK,
    CostOverride,
    Exclusion,
    Pin,
    PlanSettings,
)
from server.planning.ranking import Weights
from shared.errors import ErrorDetail, InvalidInput

PlanInputs = dict[str, Any]
"""budget_per_year, years, alpha, condition, experience, equity, start_year, district,
school_form, price_year, method, floor (percent), mobilisation, carry_over, pins,
exclusions, overrides: JSON-ready."""

_FIELDS_BY_PREFIX = (
    ("pin", "pins"),
    ("exclusion", "exclusions"),
    ("override", "overrides"),
    ("cost_override", "overrides"),
    ("equity_floor", "floor"),
    ("the equity floor", "floor"),
    ("mobilisation", "mobilisation"),
)


def plan_inputs(
    *,
    budget_per_year: float,
    years: int,
    alpha: float,
    weights: Weights,
    start_year: int,
    district: str | None = None,
    school_form: str | None = None,
    price_year: int | None = None,
    method: str = "joint",
    floor: float | None = None,
    mobilisation: float | None = None,
    carry_over: bool = False,
    pins: Sequence[Mapping[str, Any]] = (),
    exclusions: Sequence[Mapping[str, Any]] = (),
    overrides: Sequence[Mapping[str, Any]] = (),
) -> PlanInputs:
    """The inputs as JSON, controls in a fixed order (so equal requests key equal)."""
    return {
        "budget_per_year": float(budget_per_year),
        "years": int(years),
        "alpha": float(alpha),
        **{pillar: float(weight) for pillar, weight in weights.as_dict().items()},
        "start_year": int(start_year),
        "district": district or None,
        "school_form": school_form or None,
        "price_year": price_year or None,
        "method": method,
        "floor": None if floor is None else float(floor),
        "mobilisation": None if mobilisation is None else float(mobilisation),
        "carry_over": bool(carry_over),
        "pins": _sorted(pins, ("site", "element", "location", "year")),
        "exclusions": _sorted(exclusions, ("site", "element", "location")),
        "overrides": _sorted(overrides, ("site", "element", "location", "cost_sek")),
    }


def _sorted(rows: Sequence[Mapping[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    clean = [{key: row.get(key) for key in keys} for row in rows]
    return sorted(clean, key=lambda row: tuple(str(row[key]) for key in keys))


def inputs_weights(inputs: Mapping[str, Any]) -> Weights:
    return Weights(
        condition=inputs["condition"], experience=inputs["experience"], equity=inputs["equity"]
    )


def plan_settings(inputs: Mapping[str, Any], **changes: Any) -> PlanSettings:
    """The plan's settings from its inputs (`changes` replace any, e.g. alpha); a value
    the plan refuses is a 422 naming the field."""
    if inputs.get("mobilisation") is not None and inputs.get("method") in ("yearly", "greedy"):
        message = "mobilisation is a cost of the joint plan's projects: use method joint"
        raise InvalidInput(
            f"The plan cannot be made: {message}",
            [ErrorDetail(field="mobilisation", message=message)],
        )
    try:
        return PlanSettings(**{**_arguments(inputs), **changes})
    except ValueError as exc:  # a control's own check (a location without an element) too
        raise plan_refused(exc) from None


def _arguments(inputs: Mapping[str, Any]) -> dict[str, Any]:
    mobilisation = inputs.get("mobilisation")
    floor = inputs.get("floor")
    return {
        "budget_per_year": inputs["budget_per_year"],
        "start_year": inputs["start_year"],
        "years": inputs["years"],
        "weights": inputs_weights(inputs),
        "alpha": inputs["alpha"],
        "method": inputs.get("method") or "joint",
        "carry_over": bool(inputs.get("carry_over")),
        "mobilisation_sek": DEFAULT_MOBILISATION_SEK if mobilisation is None else mobilisation,
        "equity_floor": None if floor is None else floor / 100,
        "pins": tuple(
            Pin(
                site=str(p["site"]),
                year=int(p["year"]),
                element=p.get("element") or None,
                location=p.get("location"),
            )
            for p in inputs.get("pins") or ()
        ),
        "exclusions": tuple(
            Exclusion(
                site=str(e["site"]), element=e.get("element") or None, location=e.get("location")
            )
            for e in inputs.get("exclusions") or ()
        ),
        "cost_overrides": tuple(
            CostOverride(
                site=str(o["site"]),
                element=str(o["element"]),
                location=str(o.get("location") or ""),
                cost_sek=float(o["cost_sek"]),
            )
            for o in inputs.get("overrides") or ()
        ),
    }


def plan_refused(exc: ValueError) -> InvalidInput:
    """A 422 for a plan the core refused, on the field its message names."""
    message = str(exc)
    field = next(
        (name for prefix, name in _FIELDS_BY_PREFIX if message.lower().startswith(prefix)), "plan"
    )
    return InvalidInput(
        f"The plan cannot be made: {message}", [ErrorDetail(field=field, message=message)]
    )
