from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from server.schools.models import SchoolUnit
from tests.server.accounts.accounts_factories import sign_in_as
from tests.server.factories import make_city_area, make_district, make_site, make_unit

pytestmark = pytest.mark.django_db

# Equity inputs and planning figures: for planners only (DESIGN section 8).
PLANNER_FIELDS = {"capacity", "socioeconomic_need", "newly_arrived_share", "need_synthetic"}
PUBLIC_URLS = ["/api/v1/units", "/api/v1/units/efus-1-utby"]
PLANNER_URLS = ["/api/v1/planning/units", "/api/v1/planning/units/efus-1-utby"]


@pytest.fixture
def unit() -> SchoolUnit:
    return make_unit(
        code="efus-1-utby",
        name="EfUS 1 Utby",
        site=make_site(code="utby", name="EfUS Utby"),
        pupils=266,
        capacity=314,
        socioeconomic_need=71.5,
        newly_arrived_share=0.12,
        need_synthetic=True,
    )


def public_json(unit: SchoolUnit) -> dict[str, Any]:
    return {
        "code": "efus-1-utby",
        "name": "EfUS 1 Utby",
        "school_form": "grundskola",
        "years": "F–6",
        "pupils": 266,
        "year_from": 0,
        "year_to": 6,
        "site": "utby",
        "site_name": "EfUS Utby",
        "district": unit.site.district.code,
    }


def planner_json(unit: SchoolUnit) -> dict[str, Any]:
    return {
        **public_json(unit),
        "capacity": 314,
        "socioeconomic_need": 71.5,
        "newly_arrived_share": 0.12,
        "need_synthetic": True,
    }


def item(response: Any) -> dict[str, Any]:
    """The one unit of a list answer, or the detail answer."""
    body = response.json()
    if "results" in body:
        [only] = body["results"]
        return dict(only)
    return dict(body)


def test_it_lists_units_with_their_site_and_no_equity_inputs(
    client: Client, unit: SchoolUnit
) -> None:
    response = client.get("/api/v1/units")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "pages": 1,
        "results": [public_json(unit)],
    }


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("role", ["anonymous", "inspector", "no role", "planner"])
def test_it_keeps_need_newly_arrived_and_capacity_out_of_public_reads(
    client: Client, unit: SchoolUnit, url: str, role: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == 200
    assert item(response) == public_json(unit)
    assert not PLANNER_FIELDS & set(item(response))


@pytest.mark.parametrize("url", PLANNER_URLS)
@pytest.mark.parametrize("role", ["planner", "administrator"])
def test_it_gives_planners_the_equity_inputs(
    client: Client, unit: SchoolUnit, url: str, role: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == 200
    assert item(response) == planner_json(unit)


@pytest.mark.parametrize("url", PLANNER_URLS)
@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("anonymous", 401, "unauthorized"),
        ("inspector", 403, "forbidden"),
        ("no role", 403, "forbidden"),
    ],
)
def test_it_refuses_the_planner_reads_to_everyone_else(
    client: Client, unit: SchoolUnit, url: str, role: str, status: int, code: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "details"}


def test_it_filters_the_planner_list_like_the_public_one(client: Client) -> None:
    site = make_site()
    a = make_unit(site=site, name="Alfa F-6", socioeconomic_need=80.0)
    make_unit(name="Beta 7-9")
    sign_in_as(client, "planner")

    response = client.get("/api/v1/planning/units", {"site": site.code})

    assert [(u["code"], u["socioeconomic_need"]) for u in response.json()["results"]] == [
        (a.code, 80.0)
    ]


def test_it_filters_units_by_site_district_form_and_name(client: Client) -> None:
    area = make_city_area()
    site = make_site(district=make_district(parent=area))
    a = make_unit(site=site, name="Alfa F-6")
    b = make_unit(site=site, name="Alfa anpassad", school_form="anpassad_grundskola")
    make_unit(name="Beta 7-9")

    def codes(**params: str) -> list[str]:
        return sorted(u["code"] for u in client.get("/api/v1/units", params).json()["results"])

    assert codes(site=site.code) == sorted([a.code, b.code])
    assert codes(district=area.code) == sorted([a.code, b.code])
    assert codes(district=area.name.upper()) == sorted([a.code, b.code])
    assert codes(school_form="anpassad_grundskola") == [b.code]
    assert codes(q="alfa f") == [a.code]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/units/00000000", 404, "There is no school unit with code '00000000'."),
        ("/api/v1/planning/units/00000000", 404, "There is no school unit with code '00000000'."),
        ("/api/v1/units?site=nowhere", 422, "There is no site with code 'nowhere'."),
        ("/api/v1/planning/units?site=nowhere", 422, "There is no site with code 'nowhere'."),
        (
            "/api/v1/units?district=nowhere",
            422,
            "There is no district or city area with code or name 'nowhere'; "
            "GET /api/v1/districts lists them.",
        ),
    ],
)
def test_it_rejects_unknown_codes_precisely(
    client: Client, url: str, status: int, message: str
) -> None:
    sign_in_as(client, "planner")

    response = client.get(url)

    assert response.status_code == status
    assert response.json()["message"] == message


def test_it_rejects_a_bad_school_form(client: Client) -> None:
    response = client.get("/api/v1/units", {"school_form": "förskola"})

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["school_form"]
