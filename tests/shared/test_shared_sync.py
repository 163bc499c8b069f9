"""Wire types of the sync protocol and per-record validation (shared/sync.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.catalogue import load_catalogue
from shared.errors import ErrorDetail
from shared.grades import Grade, Urgency
from shared.sync import (
    MAX_PUSH_BATCH,
    CatalogueRef,
    EnrollIn,
    EnrollOut,
    InspectionIn,
    PushIn,
    PushOut,
    PushResult,
    ReferenceOut,
    parse_inspection,
    parse_push,
    parse_push_record,
)

PHOTO = "a" * 64
OTHER_PHOTO = "0123456789abcdef" * 4


def raw_rating(**changes: Any) -> dict[str, Any]:
    rating = {
        "element": "toilets",
        "location": "Hus B plan 2",
        "grade": "C",
        "urgency": 2,
        "note": "Två av fyra lås trasiga.",
        "quantity": 4,
        "observed_at": "2026-03-02T09:15:00+01:00",
        "position": {"lat": 57.7, "lon": 11.97, "accuracy_m": 8.5},
        "photos": [PHOTO],
    }
    return rating | changes


def raw_inspection(**changes: Any) -> dict[str, Any]:
    inspection = {
        "uuid": "6f1c2b1e-4a5b-4c3d-8e9f-0a1b2c3d4e5f",
        "revision": 1,
        "site": "hvitfeldtska",
        "catalogue_version": "2026.1",
        "started_at": "2026-03-02T09:00:00+01:00",
        "finished_at": "2026-03-02T11:30:00Z",
        "ratings": [
            raw_rating(),
            raw_rating(element="roof", location="", grade="B", urgency=None, photos=[]),
        ],
    }
    return inspection | changes


def test_it_parses_a_valid_inspection() -> None:
    inspection = parse_inspection(raw_inspection())

    assert isinstance(inspection, InspectionIn)
    assert inspection.uuid == UUID("6f1c2b1e-4a5b-4c3d-8e9f-0a1b2c3d4e5f")
    assert inspection.finished_at is not None
    assert inspection.finished_at.utcoffset() is not None
    rating = inspection.ratings[0]
    assert (rating.grade, rating.urgency, rating.quantity) == (Grade.C, Urgency.WITHIN_1_YEAR, 4)
    assert rating.position is not None
    assert rating.position.accuracy_m == 8.5


def test_it_fills_in_the_optional_rating_fields() -> None:
    rating = raw_rating()
    for key in ("location", "note", "photos"):
        del rating[key]
    inspection = parse_inspection(raw_inspection(ratings=[rating]))
    assert isinstance(inspection, InspectionIn)
    assert (inspection.ratings[0].location, inspection.ratings[0].note) == ("", "")
    assert inspection.ratings[0].photos == []


def test_it_strips_the_location_label() -> None:
    inspection = parse_inspection(raw_inspection(ratings=[raw_rating(location="  Hus B \n")]))
    assert isinstance(inspection, InspectionIn)
    assert inspection.ratings[0].location == "Hus B"


def test_it_accepts_an_unfinished_inspection_without_ratings() -> None:
    inspection = parse_inspection(raw_inspection(finished_at=None, ratings=[]))
    assert isinstance(inspection, InspectionIn)
    assert inspection.finished_at is None


def test_it_survives_a_json_round_trip() -> None:
    inspection = parse_inspection(raw_inspection())
    assert isinstance(inspection, InspectionIn)
    again = parse_inspection(json.loads(inspection.model_dump_json()))
    assert again == inspection


def _in_rating(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(inspection: dict[str, Any]) -> None:
        inspection["ratings"][1][key] = value

    return mutate


def _in_inspection(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(inspection: dict[str, Any]) -> None:
        inspection[key] = value

    return mutate


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(inspection: dict[str, Any]) -> None:
        del inspection[key]

    return mutate


def _position(**changes: Any) -> dict[str, Any]:
    return {"lat": 57.7, "lon": 11.97, "accuracy_m": 5.0} | changes


ZONE = "must include a time zone"
BAD_FIELDS = [
    (
        "grade X",
        _in_rating("grade", "X"),
        "ratings.1.grade",
        "Input should be 'A', 'B', 'C', 'D' or 'N'",
    ),
    ("grade lower case", _in_rating("grade", "b"), "ratings.1.grade", "Input should be 'A'"),
    ("naive started_at", _in_inspection("started_at", "2026-03-02T09:00:00"), "started_at", ZONE),
    (
        "naive finished_at",
        _in_inspection("finished_at", "2026-03-02T11:00:00"),
        "finished_at",
        ZONE,
    ),
    (
        "naive observed_at",
        _in_rating("observed_at", "2026-03-02T09:15:00"),
        "ratings.1.observed_at",
        ZONE,
    ),
    ("date only", _in_rating("observed_at", "2026-03-02"), "ratings.1.observed_at", ZONE),
    (
        "finished before start",
        _in_inspection("finished_at", "2026-03-02T07:59:59Z"),
        "finished_at",
        "must not be before started_at",
    ),
    (
        "lat above 90",
        _in_rating("position", _position(lat=90.5)),
        "ratings.1.position.lat",
        "less than or equal to 90",
    ),
    (
        "lat below -90",
        _in_rating("position", _position(lat=-91)),
        "ratings.1.position.lat",
        "greater than or equal to -90",
    ),
    (
        "lon above 180",
        _in_rating("position", _position(lon=180.01)),
        "ratings.1.position.lon",
        "less than or equal to 180",
    ),
    (
        "lon below -180",
        _in_rating("position", _position(lon=-200)),
        "ratings.1.position.lon",
        "greater than or equal to -180",
    ),
    (
        "lat not a number",
        _in_rating("position", _position(lat=float("nan"))),
        "ratings.1.position.lat",
        "finite number",
    ),
    (
        "negative accuracy",
        _in_rating("position", _position(accuracy_m=-1)),
        "ratings.1.position.accuracy_m",
        "greater than or equal to 0",
    ),
    (
        "negative quantity",
        _in_rating("quantity", -0.5),
        "ratings.1.quantity",
        "greater than or equal to 0",
    ),
    (
        "infinite quantity",
        _in_rating("quantity", float("inf")),
        "ratings.1.quantity",
        "finite number",
    ),
    ("urgency 5", _in_rating("urgency", 5), "ratings.1.urgency", "Input should be 1, 2, 3 or 4"),
    (
        "urgency for absent",
        lambda i: i["ratings"][1].update(grade="N", urgency=1),
        "ratings.1.urgency",
        "must be null when grade is N",
    ),
    (
        "photo upper case",
        _in_rating("photos", [PHOTO.upper()]),
        "ratings.1.photos.0",
        "64 lowercase hexadecimal",
    ),
    (
        "photo too short",
        _in_rating("photos", [OTHER_PHOTO, "abc"]),
        "ratings.1.photos.1",
        "SHA-256",
    ),
    (
        "photo twice",
        _in_rating("photos", [PHOTO, OTHER_PHOTO, PHOTO]),
        "ratings.1.photos",
        f"photo {PHOTO} is listed more than once",
    ),
    (
        "long location",
        _in_rating("location", "x" * 101),
        "ratings.1.location",
        "at most 100 characters",
    ),
    ("long note", _in_rating("note", "x" * 2001), "ratings.1.note", "at most 2000 characters"),
    ("NUL in note", _in_rating("note", "a\x00b"), "ratings.1.note", "must not contain NUL"),
    ("lone surrogate", _in_rating("note", "a\ud800b"), "ratings.1.note", "unicode"),
    (
        "element not a code",
        _in_rating("element", "Roof"),
        "ratings.1.element",
        "should match pattern",
    ),
    (
        "unknown rating field",
        _in_rating("colour", "red"),
        "ratings.1.colour",
        "Extra inputs are not permitted",
    ),
    (
        "unknown field",
        _in_inspection("device", "tablet-3"),
        "device",
        "Extra inputs are not permitted",
    ),
    ("missing site", _without("site"), "site", "Field required"),
    ("empty site", _in_inspection("site", ""), "site", "at least 1 character"),
    ("missing finished_at", _without("finished_at"), "finished_at", "Field required"),
    ("revision 0", _in_inspection("revision", 0), "revision", "greater than or equal to 1"),
    (
        "revision overflow",
        _in_inspection("revision", 2**31),
        "revision",
        "less than or equal to 2147483647",
    ),
    ("bad uuid", _in_inspection("uuid", "not-a-uuid"), "uuid", "Input should be a valid UUID"),
    (
        "ratings not a list",
        _in_inspection("ratings", {}),
        "ratings",
        "Input should be a valid list",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [case[1:] for case in BAD_FIELDS],
    ids=[case[0] for case in BAD_FIELDS],
)
def test_it_reports_a_bad_field_at_its_dotted_path(
    mutate: Callable[[dict[str, Any]], None], field: str, message: str
) -> None:
    inspection = raw_inspection()
    mutate(inspection)

    errors = parse_inspection(inspection)

    assert isinstance(errors, list)
    assert [error.field for error in errors] == [field]
    assert message.lower() in errors[0].message.lower()


def test_it_reports_every_error_of_a_record() -> None:
    inspection = raw_inspection(started_at="2026-03-02T09:00:00")
    inspection["ratings"][0]["grade"] = "E"
    inspection["ratings"][1]["position"] = _position(lat=100)

    errors = parse_inspection(inspection)

    assert isinstance(errors, list)
    assert [error.field for error in errors] == [
        "started_at",
        "ratings.0.grade",
        "ratings.1.position.lat",
    ]


def test_it_reports_each_repeated_element_and_location() -> None:
    ratings = [
        raw_rating(location="Hus B"),
        raw_rating(element="roof", location=""),
        raw_rating(location=" Hus B "),  # the same place once stripped
        raw_rating(element="roof", location=""),
        raw_rating(element="roof", location="Hus B"),  # another element: fine
    ]

    errors = parse_inspection(raw_inspection(ratings=ratings))

    assert errors == [
        ErrorDetail(
            field="ratings.2",
            message="element 'toilets' at location 'Hus B' is already rated in ratings.0",
        ),
        ErrorDetail(
            field="ratings.3",
            message="element 'roof' at location '' is already rated in ratings.1",
        ),
    ]


def test_it_refuses_repeats_when_the_model_is_used_directly() -> None:
    ratings = [raw_rating(), raw_rating()]
    with pytest.raises(ValidationError, match="ratings.1 repeats element 'toilets'"):
        InspectionIn.model_validate(raw_inspection(ratings=ratings))


@pytest.mark.parametrize("raw", [[], "inspection", None, 3])
def test_it_reports_a_record_that_is_not_an_object(raw: Any) -> None:
    errors = parse_inspection(raw)
    assert isinstance(errors, list)
    assert [error.field for error in errors] == [""]
    assert "valid dictionary" in errors[0].message


@pytest.mark.parametrize(
    ("timestamp", "offset_hours"),
    [
        ("2026-03-02T08:00:00Z", 0),
        ("2026-03-02T09:00:00+01:00", 1),
        ("2026-03-02T03:00:00-05:00", -5),
    ],
)
def test_it_accepts_any_time_zone(timestamp: str, offset_hours: int) -> None:
    inspection = parse_inspection(raw_inspection(started_at=timestamp))
    assert isinstance(inspection, InspectionIn)
    offset = inspection.started_at.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == offset_hours * 3600


def test_it_accepts_a_full_batch() -> None:
    batch = PushIn.model_validate({"inspections": [raw_inspection()] * MAX_PUSH_BATCH})
    assert len(batch.inspections) == 200


def test_it_refuses_a_batch_over_200() -> None:
    with pytest.raises(ValidationError, match="at most 200 items"):
        PushIn.model_validate({"inspections": [raw_inspection()] * (MAX_PUSH_BATCH + 1)})


def test_it_does_not_fail_a_batch_for_one_bad_record() -> None:
    bad = raw_inspection(ratings=[raw_rating(grade="Z")])
    batch = PushIn.model_validate({"inspections": [raw_inspection(), bad]})

    parsed = [parse_inspection(raw) for raw in batch.inspections]

    assert isinstance(parsed[0], InspectionIn)
    assert parsed[1] == [
        ErrorDetail(field="ratings.0.grade", message="Input should be 'A', 'B', 'C', 'D' or 'N'")
    ]


def test_it_keeps_the_raw_records_of_a_batch_untouched() -> None:
    record = raw_inspection()
    batch = PushIn.model_validate({"inspections": [copy.deepcopy(record)]})
    assert batch.inspections == [record]


def test_it_refuses_unknown_fields_in_requests() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        PushIn.model_validate({"inspections": [], "device": "x"})


def test_it_ignores_unknown_fields_in_answers() -> None:
    body = {
        "results": [
            {
                "uuid": "u",
                "status": "created",
                "errors": [],
                "missing_photos": [PHOTO],
                "stored_at": "2026-03-02T10:00:00Z",
            }
        ],
        "server_version": "2.0",
    }
    answer = PushOut.model_validate(body)
    assert answer.results[0].missing_photos == [PHOTO]
    assert "stored_at" not in answer.results[0].model_dump()


def test_it_refuses_an_unknown_push_status() -> None:
    with pytest.raises(ValidationError, match="Input should be 'created'"):
        PushOut.model_validate({"results": [{"uuid": "u", "status": "ok"}]})


@pytest.mark.parametrize(
    ("device_name", "accepted"), [("", False), ("T", True), ("x" * 100, True), ("x" * 101, False)]
)
def test_it_bounds_the_device_name(device_name: str, accepted: bool) -> None:
    body = {"code": "ABCD-1234", "device_name": device_name}
    if accepted:
        assert EnrollIn.model_validate(body).device_name == device_name
    else:
        with pytest.raises(ValidationError, match="device_name"):
            EnrollIn.model_validate(body)


def test_it_refuses_a_server_time_without_time_zone() -> None:
    body = {"token": "t", "inspector": "Anna", "server_time": "2026-03-02T10:00:00"}
    with pytest.raises(ValidationError, match=ZONE):
        EnrollOut.model_validate(body)


def test_it_reads_a_reference_pull() -> None:
    body = {
        "cursor": "c2",
        "sites": [
            {
                "code": "hvitfeldtska",
                "name": "Hvitfeldtska",
                "district": "Centrum",
                "lat": 57.7,
                "lon": 11.96,
                "units": [
                    {
                        "code": "12345678",
                        "name": "Hvitfeldtska 7-9",
                        "school_form": "grundskola",
                        "years": "7-9",
                        "pupils": 420,
                    }
                ],
            },
            {
                "code": "old",
                "name": "Old",
                "district": "Norr",
                "lat": 57.8,
                "lon": 12.0,
                "units": [],
                "removed": True,
            },
        ],
        "catalogue": None,
        "assignments": ["hvitfeldtska"],
    }
    reference = ReferenceOut.model_validate(body)
    assert [site.removed for site in reference.sites] == [False, True]
    assert reference.sites[0].units[0].pupils == 420


def test_it_sends_the_catalogue_as_the_tablet_needs_it() -> None:
    catalogue = load_catalogue()
    ref = CatalogueRef.from_catalogue(catalogue)
    assert ref.version == "2026.1"
    assert [element.code for element in ref.elements] == catalogue.codes
    toilets = ref.elements[catalogue.codes.index("toilets")]
    assert toilets.model_dump() == {
        "code": "toilets",
        "group": "building",
        "name_sv": "Toaletter och hygien",
        "name_en": "Toilets and hygiene",
        "weight": 3.0,
        "unit": "st",
    }


# parse_push: a push body validated straight from its JSON bytes. The record-by-record
# path (parse_push_record on json.loads output) is the reference it must agree with.
def _body(*records: Any) -> bytes:
    return json.dumps({"inspections": list(records)}).encode()


def _reference(*records: Any) -> list[InspectionIn | PushResult]:
    return [parse_push_record(raw) for raw in json.loads(_body(*records))["inspections"]]


def test_parse_push_validates_a_valid_batch_in_order() -> None:
    records = [raw_inspection(uuid=f"00000000-0000-4000-8000-00000000000{n}") for n in range(3)]

    parsed = parse_push(_body(*records))

    assert parsed == _reference(*records)
    assert [str(p.uuid) for p in parsed if isinstance(p, InspectionIn)] == [
        r["uuid"] for r in records
    ]


def test_parse_push_judges_each_record_of_a_mixed_batch_on_its_own() -> None:
    bad = raw_inspection(uuid="not-a-uuid", ratings=[raw_rating(grade="Z")])

    parsed = parse_push(_body(raw_inspection(), bad, "text", raw_inspection(revision=2)))

    assert isinstance(parsed[0], InspectionIn) and isinstance(parsed[3], InspectionIn)
    assert isinstance(parsed[1], PushResult) and isinstance(parsed[2], PushResult)
    assert (parsed[1].uuid, parsed[1].status) == ("not-a-uuid", "invalid")
    assert {e.field for e in parsed[1].errors} == {"uuid", "ratings.0.grade"}
    assert parsed[2].errors == [
        ErrorDetail(field="", message="an inspection must be a JSON object")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Invalid JSON"),
        (b'{"records": []}', "Field required"),
        (_body(*[raw_inspection()] * (MAX_PUSH_BATCH + 1)), "at most 200 items"),
        (b'{"inspections": {}}', "Input should be a valid array"),
    ],
)
def test_parse_push_refuses_a_malformed_body(body: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_push(body)


_CHANGES: list[tuple[str, Any]] = [
    ("grade", "B"),
    ("grade", "Z"),
    ("grade", 3),
    ("urgency", 1),
    ("urgency", "2"),
    ("urgency", 9),
    ("quantity", 0),
    ("quantity", "4.5"),
    ("quantity", -1),
    ("quantity", True),
    ("note", "Å" * 2001),
    ("note", 12),
    ("location", "  Hus C "),
    ("observed_at", "2026-03-02T09:15:00"),
    ("observed_at", "2026-03-02"),
    ("observed_at", 1_700_000_000),
    ("position", {"lat": 91, "lon": 0, "accuracy_m": None}),
    ("position", {"lat": "57.7", "lon": 12, "accuracy_m": 3}),
    ("photos", [PHOTO, PHOTO]),
    ("photos", ["A" * 64]),
    ("extra", 1),
]


@given(st.lists(st.lists(st.sampled_from(_CHANGES), max_size=3), min_size=1, max_size=4))
def test_parse_push_agrees_with_the_record_by_record_path(
    changes: list[list[tuple[str, Any]]],
) -> None:
    records = [
        raw_inspection(ratings=[raw_rating(**dict(record_changes))]) for record_changes in changes
    ]

    assert parse_push(_body(*records)) == _reference(*records)
