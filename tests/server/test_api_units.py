from __future__ import annotations

import pytest
from django.test import Client

from tests.server.factories import make_city_area, make_district, make_site, make_unit

pytestmark = pytest.mark.django_db


def test_it_lists_units_with_their_site_and_need(client: Client) -> None:
    site = make_site(code="utby", name="EfUS Utby")
    make_unit(
        code="efus-1-utby",
        name="EfUS 1 Utby",
        site=site,
        pupils=266,
        capacity=314,
        socioeconomic_need=71.5,
        newly_arrived_share=0.12,
        need_synthetic=True,
    )

    response = client.get("/api/v1/units")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "efus-1-utby",
            "name": "EfUS 1 Utby",
            "school_form": "grundskola",
            "years": "F–6",
            "pupils": 266,
            "year_from": 0,
            "year_to": 6,
            "capacity": 314,
            "site": "utby",
            "site_name": "EfUS Utby",
            "district": site.district.code,
            "socioeconomic_need": 71.5,
            "newly_arrived_share": 0.12,
            "need_synthetic": True,
        }
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
    assert codes(school_form="anpassad_grundskola") == [b.code]
    assert codes(q="alfa f") == [a.code]


def test_it_shows_one_unit(client: Client) -> None:
    unit = make_unit(code="87654321")

    response = client.get("/api/v1/units/87654321")

    assert response.status_code == 200
    assert response.json()["site"] == unit.site.code


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/units/00000000", 404, "There is no school unit with code '00000000'."),
        ("/api/v1/units?site=nowhere", 422, "There is no site with code 'nowhere'."),
        (
            "/api/v1/units?district=nowhere",
            422,
            "There is no district or city area with code 'nowhere'; "
            "GET /api/v1/districts lists the codes.",
        ),
    ],
)
def test_it_rejects_unknown_codes_precisely(
    client: Client, url: str, status: int, message: str
) -> None:
    response = client.get(url)

    assert response.status_code == status
    assert response.json()["message"] == message


def test_it_rejects_a_bad_school_form(client: Client) -> None:
    response = client.get("/api/v1/units", {"school_form": "förskola"})

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["school_form"]
