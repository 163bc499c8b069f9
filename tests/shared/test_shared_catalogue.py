"""The element catalogue data and its models (shared/catalogue.py, shared/catalogue.json)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.catalogue import CATALOGUE_VERSION, Catalogue, Element, load_catalogue
from shared.grades import Grade

PACKAGED = Path(__file__).resolve().parents[2] / "shared" / "catalogue.json"

# DESIGN section 3, in catalogue order.
DESIGN_ELEMENTS = {
    "building": [
        "roof",
        "facade",
        "windows_doors",
        "interior_surfaces",
        "toilets",
        "ventilation",
        "heating_cooling",
        "lighting_electrical",
        "water_drainage",
        "fire_safety",
        "accessibility",
        "learning_spaces",
        "furniture",
        "dining",
        "sports_hall",
    ],
    "yard": [
        "play_equipment",
        "surfacing",
        "greenery",
        "shade",
        "seating",
        "sports_areas",
        "yard_lighting",
        "fencing_traffic",
        "yard_drainage",
        "bicycle_parking",
    ],
}


def raw_catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PACKAGED.read_text(encoding="utf-8"))
    return data


def test_it_loads_the_packaged_catalogue() -> None:
    catalogue = load_catalogue()
    assert (catalogue.version, catalogue.price_year, catalogue.vat_included) == (
        "2026.1",
        2026,
        True,
    )
    assert catalogue.currency == "SEK"
    assert CATALOGUE_VERSION == "2026.1"


def test_it_caches_only_the_packaged_catalogue() -> None:
    assert load_catalogue() is load_catalogue()
    from_path = load_catalogue(PACKAGED)
    assert from_path == load_catalogue()
    assert from_path is not load_catalogue()


@pytest.mark.parametrize(("group", "codes"), sorted(DESIGN_ELEMENTS.items()))
def test_it_has_every_element_of_the_design(group: str, codes: list[str]) -> None:
    assert [element.code for element in load_catalogue().by_group(group)] == codes  # type: ignore[arg-type]


def test_it_has_nothing_the_design_does_not_name() -> None:
    assert load_catalogue().codes == DESIGN_ELEMENTS["building"] + DESIGN_ELEMENTS["yard"]


def test_it_weighs_roof_toilets_ventilation_and_fire_safety_most() -> None:
    heaviest = {"roof", "toilets", "ventilation", "fire_safety"}
    elements = load_catalogue().elements
    lightest_heavy = min(e.weight for e in elements if e.code in heaviest)
    heaviest_other = max(e.weight for e in elements if e.code not in heaviest)
    assert lightest_heavy > heaviest_other


# The elements whose defect can injure someone on site, and why; everything else (health
# or comfort over time, wear, missing amenities) is planned work, never a safety defect.
SAFETY_RELEVANT = {
    "roof": "falling snow, ice and loose sheet metal",
    "facade": "falling render, bricks and cladding",
    "windows_doors": "broken glass, falling sashes, exit doors that do not open",
    "lighting_electrical": "exposed live parts, overheated distribution boards",
    "fire_safety": "blocked escape routes, dead alarms, open fire cells",
    "sports_hall": "loose apparatus and wall bars, slippery hall floor",
    "play_equipment": "falls, entrapment and broken parts of play equipment",
    "surfacing": "holes and trip edges where pupils run",
    "greenery": "dead trees and falling branches",
    "sports_areas": "unanchored goals that tip over",
    "yard_lighting": "dark paths and exposed cables at lamp posts",
    "fencing_traffic": "gaps to the street, car park and drop-off traffic",
}


def test_it_states_for_every_element_whether_it_can_carry_a_safety_defect() -> None:
    assert all(isinstance(e.get("safety_relevant"), bool) for e in raw_catalogue()["elements"])


@pytest.mark.parametrize("code", [c for codes in DESIGN_ELEMENTS.values() for c in codes])
def test_it_marks_only_the_elements_whose_defect_can_injure(code: str) -> None:
    assert load_catalogue().element(code).safety_relevant is (code in SAFETY_RELEVANT)


def test_it_loads_a_catalogue_without_the_safety_flag_as_not_safety_relevant(
    tmp_path: Path,
) -> None:
    # Catalogue files written before the flag still load; the version does not change.
    data = raw_catalogue()
    for element in data["elements"]:
        del element["safety_relevant"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    catalogue = load_catalogue(path)

    assert catalogue.version == CATALOGUE_VERSION
    assert not any(e.safety_relevant for e in catalogue.elements)


def test_it_has_strictly_rising_rates_and_no_cost_for_grade_a() -> None:
    for element in load_catalogue().elements:
        rates = element.repair_rate
        assert rates.A == 0 < rates.B < rates.C < rates.D, element.code


@pytest.mark.parametrize(
    ("code", "unit", "rate_d"),
    [
        ("roof", "m2", 2500),
        ("toilets", "st", 120_000),
        ("ventilation", "m2", 1800),
        ("play_equipment", "st", 150_000),
    ],
)
def test_it_prices_grade_d_at_the_agreed_order_of_magnitude(
    code: str, unit: str, rate_d: float
) -> None:
    element = load_catalogue().element(code)
    assert element.unit == unit
    assert rate_d / 2 <= element.repair_rate.D <= rate_d * 2


def test_it_finds_an_element_by_code() -> None:
    assert load_catalogue().element("toilets").name_sv == "Toaletter och hygien"


def test_it_names_the_unknown_code_and_version_in_the_key_error() -> None:
    with pytest.raises(KeyError, match=r"no element 'attic' in catalogue version 2026\.1"):
        load_catalogue().element("attic")


def test_it_refuses_an_unknown_group() -> None:
    with pytest.raises(ValueError, match="unknown element group 'garden'"):
        load_catalogue().by_group("garden")  # type: ignore[arg-type]


def test_it_cannot_be_changed_by_one_caller_for_all() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        load_catalogue().element("roof").weight = 100  # type: ignore[misc]


def _element(catalogue: dict[str, Any], code: str = "roof") -> dict[str, Any]:
    element: dict[str, Any] = next(e for e in catalogue["elements"] if e["code"] == code)
    return element


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets `path` (dotted, from the first element) to `value`."""

    def mutate(catalogue: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = catalogue["elements"][0]
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _duplicate_toilets(catalogue: dict[str, Any]) -> None:
    catalogue["elements"].append(copy.deepcopy(_element(catalogue, "toilets")))


def _drop_rate_d(catalogue: dict[str, Any]) -> None:
    del catalogue["elements"][0]["repair_rate"]["D"]


def _add_top_level_field(catalogue: dict[str, Any]) -> None:
    catalogue["vat"] = True


def _empty(catalogue: dict[str, Any]) -> None:
    catalogue["elements"] = []


BAD_CATALOGUES = [
    (
        "duplicate code",
        _duplicate_toilets,
        "elements",
        "element code 'toilets' appears more than once",
    ),
    ("camel case code", _set("code", "Roof"), "elements.0.code", "code 'Roof' is not snake_case"),
    ("double underscore", _set("code", "roof__x"), "elements.0.code", "is not snake_case"),
    (
        "rate for A",
        _set("repair_rate.A", 10),
        "elements.0.repair_rate",
        "the rate for grade A must be 0, got 10",
    ),
    (
        "falling rates",
        _set("repair_rate.C", 3000),
        "elements.0.repair_rate",
        "rates must not decrease from A to D, got A=0, B=150, C=3000, D=2500",
    ),
    ("missing rate", _drop_rate_d, "elements.0.repair_rate.D", "Field required"),
    (
        "negative rate",
        _set("repair_rate.B", -1),
        "elements.0.repair_rate.B",
        "greater than or equal to 0",
    ),
    ("zero weight", _set("weight", 0), "elements.0.weight", "Input should be greater than 0"),
    (
        "negative weight",
        _set("weight", -2.5),
        "elements.0.weight",
        "Input should be greater than 0",
    ),
    (
        "probability above 1",
        _set("deterioration.B", 1.5),
        "elements.0.deterioration.B",
        "less than or equal to 1",
    ),
    (
        "negative probability",
        _set("deterioration.A", -0.1),
        "elements.0.deterioration.A",
        "greater than or equal to 0",
    ),
    (
        "D deteriorates",
        _set("deterioration.D", 0.1),
        "elements.0.deterioration.D",
        "Extra inputs are not permitted",
    ),
    (
        "unknown unit",
        _set("unit", "kg"),
        "elements.0.unit",
        "Input should be 'm2', 'st', 'm' or 'site'",
    ),
    (
        "unknown group",
        _set("group", "garden"),
        "elements.0.group",
        "Input should be 'building' or 'yard'",
    ),
    (
        "basis unfit for unit",
        _set("quantity_basis", "count"),
        "elements.0",
        "quantity_basis 'count' does not fit unit 'm2'",
    ),
    (
        "typo in a field name",
        _set("wieght", 2),
        "elements.0.wieght",
        "Extra inputs are not permitted",
    ),
    ("unknown top-level field", _add_top_level_field, "vat", "Extra inputs are not permitted"),
    ("no elements", _empty, "elements", "should have at least 1 item"),
    ("empty name", _set("name_sv", ""), "elements.0.name_sv", "at least 1 character"),
]


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [case[1:] for case in BAD_CATALOGUES],
    ids=[case[0] for case in BAD_CATALOGUES],
)
def test_it_rejects_a_bad_catalogue_file_precisely(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], field: str, message: str
) -> None:
    catalogue = raw_catalogue()
    mutate(catalogue)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue), encoding="utf-8")

    with pytest.raises(ValidationError) as caught:
        load_catalogue(path)

    found = [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]
    assert any(loc == field and message in msg for loc, msg in found), found


def test_it_rejects_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{"version": "2026.1",', encoding="utf-8")
    with pytest.raises(ValidationError, match="Invalid JSON"):
        load_catalogue(path)


def test_it_accepts_the_packaged_file_copied_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(raw_catalogue()), encoding="utf-8")
    assert isinstance(load_catalogue(path), Catalogue)


RATES = {"A": 0, "B": 100, "C": 250.5, "D": 1000}


def make_element(**changes: Any) -> Element:
    data = {
        "code": "roof",
        "group": "building",
        "name_sv": "Tak",
        "name_en": "Roof",
        "description_sv": "Tak.",
        "description_en": "Roof.",
        "weight": 3,
        "unit": "m2",
        "repair_rate": RATES,
        "quantity_basis": "roof_area",
        "quantity_estimate": {"per": "floor_area", "factor": 0.5},
        "deterioration": {"A": 0.05, "B": 0.1, "C": 0.15},
    }
    return Element.model_validate(data | changes)


@pytest.mark.parametrize(
    ("grade", "quantity", "cost"),
    [
        (Grade.A, 100, 0.0),
        (Grade.B, 3, 300.0),
        (Grade.C, 2, 501.0),
        (Grade.D, 0.5, 500.0),
        (Grade.D, 0, 0.0),
        (Grade.N, 100, 0.0),
    ],
)
def test_it_costs_a_repair_as_rate_times_quantity(
    grade: Grade, quantity: float, cost: float
) -> None:
    assert make_element().repair_cost(grade, quantity) == pytest.approx(cost)


def test_it_refuses_a_negative_quantity() -> None:
    with pytest.raises(ValueError, match="quantity must not be negative, got -1"):
        make_element().repair_cost(Grade.C, -1)


@pytest.mark.parametrize(
    ("grade", "probability"),
    [(Grade.A, 0.05), (Grade.B, 0.1), (Grade.C, 0.15), (Grade.D, 0.0), (Grade.N, 0.0)],
)
def test_it_gives_the_yearly_probability_of_dropping_a_grade(
    grade: Grade, probability: float
) -> None:
    assert make_element().deterioration.for_grade(grade) == probability


@pytest.mark.parametrize(
    ("estimate", "quantity"),
    [
        ({"per": "floor_area", "factor": 0.5}, 1500.0),
        ({"per": "yard_area", "factor": 0.1}, 800.0),
        ({"per": "site", "factor": 1}, 1.0),
    ],
)
def test_it_estimates_a_demo_quantity_from_the_site_areas(
    estimate: dict[str, Any], quantity: float
) -> None:
    element = make_element(quantity_estimate=estimate)
    assert element.quantity_estimate.quantity(floor_area=3000, yard_area=8000) == quantity
