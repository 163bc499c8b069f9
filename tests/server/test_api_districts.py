from __future__ import annotations

import pytest
from django.test import Client

from tests.server.factories import make_city_area, make_district

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[11.9, 57.7], [12.0, 57.7], [12.0, 57.8], [11.9, 57.8], [11.9, 57.7]]],
}


def test_it_lists_city_areas_and_districts(client: Client) -> None:
    area = make_city_area(code="hisingen", name="Hisingen", official_code=4)
    make_district(code="backa", name="Backa", official_code=71, parent=area, boundary=SQUARE)

    response = client.get("/api/v1/districts")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "hisingen",
            "name": "Hisingen",
            "kind": "city_area",
            "official_code": 4,
            "parent": None,
            "has_boundary": False,
        },
        {
            "code": "backa",
            "name": "Backa",
            "kind": "district",
            "official_code": 71,
            "parent": "hisingen",
            "has_boundary": True,
        },
    ]


def test_it_filters_districts_by_kind_and_parent(client: Client) -> None:
    north, south = make_city_area(), make_city_area()
    inside = make_district(parent=north)
    make_district(parent=south)

    areas = client.get("/api/v1/districts", {"kind": "city_area"}).json()
    children = client.get("/api/v1/districts", {"parent": north.code}).json()
    by_name = client.get("/api/v1/districts", {"parent": north.name.lower()}).json()

    assert {d["code"] for d in areas["results"]} == {north.code, south.code}
    assert [d["code"] for d in children["results"]] == [inside.code]
    assert by_name["results"] == children["results"]


def test_it_shows_a_district_with_its_boundary(client: Client) -> None:
    district = make_district(boundary=SQUARE)

    response = client.get(f"/api/v1/districts/{district.code}")

    assert response.status_code == 200
    assert response.json()["boundary"] == SQUARE


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/districts/nowhere", 404),
        ("/api/v1/districts?kind=county", 422),
        ("/api/v1/districts?parent=nowhere", 422),
        ("/api/v1/districts?page=99", 404),
    ],
)
def test_it_answers_bad_input_with_4xx_in_the_shared_shape(
    client: Client, url: str, status: int
) -> None:
    response = client.get(url)

    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "details"}
