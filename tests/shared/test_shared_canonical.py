"""Canonical form and content hash of an inspection (shared/canonical.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.bounds import MAX_QUANTITY
from shared.canonical import canonical_inspection, content_hash
from shared.catalogue import load_catalogue
from shared.grades import Grade, Urgency
from shared.sync import InspectionIn, Position, RatingIn

PHOTO_A = "a" * 64
PHOTO_B = "b" * 64


def raw_inspection() -> dict[str, Any]:
    return {
        "uuid": "6F1C2B1E-4A5B-4C3D-8E9F-0A1B2C3D4E5F",
        "revision": 3,
        "site": "hvitfeldtska",
        "catalogue_version": "2026.1",
        "started_at": "2026-03-02T09:00:00+01:00",
        "finished_at": None,
        "ratings": [
            {
                "element": "toilets",
                "location": "Hus B",
                "grade": "C",
                "urgency": 2,
                "note": "Lås trasigt",
                "quantity": 4.0,
                "observed_at": "2026-03-02T09:15:30.5+01:00",
                "position": {"lat": 57.7, "lon": 12, "accuracy_m": None},
                "photos": [PHOTO_B, PHOTO_A],
            },
            {
                "element": "roof",
                "location": "",
                "grade": "B",
                "urgency": None,
                "note": "",
                "quantity": None,
                "observed_at": "2026-03-02T08:10:00Z",
                "position": None,
                "photos": [],
            },
        ],
    }


def inspection(raw: dict[str, Any] | None = None) -> InspectionIn:
    return InspectionIn.model_validate(raw if raw is not None else raw_inspection())


def test_it_writes_the_documented_format() -> None:
    expected = (
        '{"catalogue_version":"2026.1","finished_at":null,"ratings":['
        '{"element":"roof","grade":"B","location":"","note":"",'
        '"observed_at":"2026-03-02T08:10:00.000000Z","photos":[],"position":null,'
        '"quantity":null,"urgency":null},'
        '{"element":"toilets","grade":"C","location":"Hus B","note":"Lås trasigt",'
        '"observed_at":"2026-03-02T08:15:30.500000Z",'
        f'"photos":["{PHOTO_A}","{PHOTO_B}"],'
        '"position":{"accuracy_m":null,"lat":57.7,"lon":12},"quantity":4,"urgency":2}],'
        '"site":"hvitfeldtska","started_at":"2026-03-02T08:00:00.000000Z",'
        '"uuid":"6f1c2b1e-4a5b-4c3d-8e9f-0a1b2c3d4e5f"}'
    )
    assert canonical_inspection(inspection()) == expected.encode("utf-8")


def test_it_hashes_the_canonical_bytes_with_sha256() -> None:
    insp = inspection()
    assert content_hash(insp) == hashlib.sha256(canonical_inspection(insp)).hexdigest()
    assert len(content_hash(insp)) == 64


def test_it_covers_every_wire_field_except_revision() -> None:
    canonical = json.loads(canonical_inspection(inspection()))
    assert set(canonical) == set(InspectionIn.model_fields) - {"revision"}
    assert set(canonical["ratings"][1]) == set(RatingIn.model_fields)
    assert set(canonical["ratings"][1]["position"]) == set(Position.model_fields)


Mutation = Callable[[dict[str, Any]], None]


def _rating(key: str, value: Any, index: int = 0) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        raw["ratings"][index][key] = value

    return mutate


def _top(key: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        raw[key] = value

    return mutate


def _reverse_ratings(raw: dict[str, Any]) -> None:
    raw["ratings"].reverse()


SAME_CONTENT: list[tuple[str, Mutation]] = [
    ("ratings reordered", _reverse_ratings),
    ("photos reordered", _rating("photos", [PHOTO_A, PHOTO_B])),
    ("start in UTC", _top("started_at", "2026-03-02T08:00:00Z")),
    ("start in New York", _top("started_at", "2026-03-02T03:00:00-05:00")),
    ("observation in UTC", _rating("observed_at", "2026-03-02T08:15:30.500000+00:00")),
    ("quantity as an integer", _rating("quantity", 4)),
    ("longitude as a float", _rating("position", {"lat": 57.7, "lon": 12.0, "accuracy_m": None})),
    ("uuid in lower case", _top("uuid", "6f1c2b1e-4a5b-4c3d-8e9f-0a1b2c3d4e5f")),
    ("location with spaces", _rating("location", "  Hus B ")),
    ("another revision", _top("revision", 4)),
]


@pytest.mark.parametrize(
    "mutate", [case[1] for case in SAME_CONTENT], ids=[case[0] for case in SAME_CONTENT]
)
def test_it_ignores_representation(mutate: Mutation) -> None:
    raw = raw_inspection()
    mutate(raw)
    assert content_hash(inspection(raw)) == content_hash(inspection())


OTHER_CONTENT: list[tuple[str, Mutation]] = [
    ("grade", _rating("grade", "D")),
    ("urgency", _rating("urgency", 1)),
    ("urgency dropped", _rating("urgency", None)),
    ("note", _rating("note", "Lås trasiga")),
    ("location", _rating("location", "Hus C")),
    ("element", _rating("element", "ventilation")),
    ("quantity", _rating("quantity", 4.5)),
    ("quantity dropped", _rating("quantity", None)),
    ("observed one microsecond later", _rating("observed_at", "2026-03-02T09:15:30.500001+01:00")),
    ("position", _rating("position", {"lat": 57.7, "lon": 12.0001, "accuracy_m": None})),
    ("accuracy", _rating("position", {"lat": 57.7, "lon": 12, "accuracy_m": 3})),
    ("photo removed", _rating("photos", [PHOTO_A])),
    ("second rating's grade", _rating("grade", "A", index=1)),
    ("site", _top("site", "annedal")),
    ("catalogue version", _top("catalogue_version", "2026.2")),
    ("started an hour later", _top("started_at", "2026-03-02T09:00:00Z")),
    ("finished", _top("finished_at", "2026-03-02T12:00:00+01:00")),
    ("uuid", _top("uuid", "6f1c2b1e-4a5b-4c3d-8e9f-0a1b2c3d4e50")),
    ("rating removed", lambda raw: raw["ratings"].pop()),
]


@pytest.mark.parametrize(
    "mutate", [case[1] for case in OTHER_CONTENT], ids=[case[0] for case in OTHER_CONTENT]
)
def test_it_changes_with_any_content(mutate: Mutation) -> None:
    raw = raw_inspection()
    mutate(raw)
    assert content_hash(inspection(raw)) != content_hash(inspection())


def test_it_keeps_non_ascii_text_as_utf8_with_no_whitespace() -> None:
    canonical = canonical_inspection(inspection())
    assert "Lås trasigt".encode() in canonical
    compact = json.dumps(
        json.loads(canonical), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert canonical == compact.encode("utf-8")


# --- properties -----------------------------------------------------------------

ELEMENTS = load_catalogue().codes
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
INSTANTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
ZONES = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
PHOTOS = st.lists(
    st.binary(max_size=8).map(lambda data: hashlib.sha256(data).hexdigest()),
    unique=True,
    max_size=4,
)
POSITIONS = st.none() | st.fixed_dictionaries(
    {
        "lat": st.floats(-90, 90),
        "lon": st.floats(-180, 180),
        "accuracy_m": st.none() | st.floats(0, 1000),
    }
)


@st.composite
def ratings(draw: st.DrawFn) -> list[dict[str, Any]]:
    places = draw(
        st.lists(st.tuples(st.sampled_from(ELEMENTS), TEXT.map(str.strip)), unique=True, max_size=8)
    )
    drawn = []
    for element, location in places:
        grade = draw(st.sampled_from(list(Grade)))
        urgency = None if grade is Grade.N else draw(st.none() | st.sampled_from(list(Urgency)))
        drawn.append(
            {
                "element": element,
                "location": location,
                "grade": grade,
                "urgency": urgency,
                "note": draw(TEXT),
                "quantity": draw(st.none() | st.integers(0, 10_000) | st.floats(0, MAX_QUANTITY)),
                "observed_at": draw(INSTANTS),
                "position": draw(POSITIONS),
                "photos": draw(PHOTOS),
            }
        )
    return drawn


@st.composite
def inspections(draw: st.DrawFn) -> dict[str, Any]:
    started_at = draw(INSTANTS)
    return {
        "uuid": draw(st.uuids()),
        "revision": draw(st.integers(1, 50)),
        "site": draw(st.sampled_from(["hvitfeldtska", "annedal", "kortedala"])),
        "catalogue_version": "2026.1",
        "started_at": started_at,
        "finished_at": draw(st.none() | st.just(started_at + timedelta(hours=2))),
        "ratings": draw(ratings()),
    }


@given(raw=inspections(), data=st.data())
def test_it_hashes_shuffled_and_rezoned_inspections_alike(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    def rezone(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(data.draw(ZONES))

    other = dict(raw, started_at=rezone(raw["started_at"]), finished_at=rezone(raw["finished_at"]))
    other["ratings"] = [
        dict(
            rating,
            observed_at=rezone(rating["observed_at"]),
            photos=data.draw(st.permutations(rating["photos"])),
        )
        for rating in data.draw(st.permutations(raw["ratings"]))
    ]

    assert content_hash(inspection(other)) == content_hash(inspection(raw))


@given(raw=inspections(), data=st.data())
def test_it_hashes_any_change_of_one_grade_differently(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    if not raw["ratings"]:
        raw["ratings"] = data.draw(ratings().filter(bool))
    index = data.draw(st.integers(0, len(raw["ratings"]) - 1))
    rating = raw["ratings"][index]
    choices = [
        grade
        for grade in Grade
        if grade is not rating["grade"] and (grade is not Grade.N or rating["urgency"] is None)
    ]
    changed = dict(raw, ratings=list(raw["ratings"]))
    changed["ratings"][index] = dict(rating, grade=data.draw(st.sampled_from(choices)))

    assert content_hash(inspection(changed)) != content_hash(inspection(raw))
