from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from server.schools.models import Site
from tests.server.accounts.accounts_factories import sign_in_as
from tests.server.factories import make_city_area, make_district, make_site, make_unit

pytestmark = pytest.mark.django_db

# A planning figure, for planners only; floor and yard area are public facts.
PLANNER_FIELDS = {"replacement_value_sek"}
PUBLIC_URLS = ["/api/v1/sites", "/api/v1/sites/bergsjoskolan"]
PLANNER_URLS = ["/api/v1/planning/sites", "/api/v1/planning/sites/bergsjoskolan"]


def test_it_lists_sites_with_pupils_of_all_units(client: Client) -> None:
    area = make_city_area(code="nordost", name="Nordost")
    district = make_district(code="bergsjon", name="Bergsjön", parent=area)
    site = make_site(code="bergsjoskolan", name="Bergsjöskolan", district=district)
    make_unit(site=site, pupils=300)
    make_unit(site=site, pupils=40, school_form="anpassad_grundskola")

    response = client.get("/api/v1/sites")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "pages": 1,
        "results": [
            {
                "code": "bergsjoskolan",
                "name": "Bergsjöskolan",
                "district": "bergsjon",
                "district_name": "Bergsjön",
                "city_area": "nordost",
                "lat": site.lat,
                "lon": site.lon,
                "needs_position": False,
                "pupils": 340,
                "unit_count": 2,
                "floor_area_m2": 4000.0,
                "yard_area_m2": 9000.0,
                "year_built": 1968,
                "attributes_synthetic": False,
                "removed": False,
            }
        ],
    }


def test_it_filters_sites_by_city_area_and_district(client: Client) -> None:
    north, centre = make_city_area(code="nordost"), make_city_area(code="centrum")
    a = make_site(district=make_district(parent=north))
    b = make_site(district=make_district(parent=north))
    make_site(district=make_district(parent=centre))

    by_area = client.get("/api/v1/sites", {"district": "nordost"}).json()
    by_district = client.get("/api/v1/sites", {"district": a.district.code}).json()

    assert sorted(s["code"] for s in by_area["results"]) == sorted([a.code, b.code])
    assert [s["code"] for s in by_district["results"]] == [a.code]


def test_it_filters_sites_by_district_name_in_any_case(client: Client) -> None:
    # The ranking gives district names and these reads give codes: either filters.
    north = make_city_area(code="nordost", name="Nordost")
    a = make_site(district=make_district(code="bergsjon", name="Bergsjön", parent=north))
    b = make_site(district=make_district(code="kortedala", name="Kortedala", parent=north))

    def codes(district: str) -> list[str]:
        body = client.get("/api/v1/sites", {"district": district}).json()
        return sorted(s["code"] for s in body["results"])

    assert codes("Bergsjön") == codes("BERGSJÖN") == codes("bergsjön") == [a.code]
    assert codes("NORDOST") == codes("nordost") == sorted([a.code, b.code])


def test_it_asks_for_the_code_when_two_districts_share_a_name(client: Client) -> None:
    make_district(code="centrum-1", name="Centrum")
    make_district(code="centrum-2", name="centrum")

    response = client.get("/api/v1/sites", {"district": "Centrum"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "More than one district or city area is named 'Centrum'; give its code "
        "(GET /api/v1/districts lists them).",
        "details": [{"field": "district", "message": "ambiguous district 'Centrum'"}],
    }


def test_it_filters_sites_by_school_form_and_name(client: Client) -> None:
    special = make_unit(school_form="anpassad_grundskola", name="Särskilda skolan").site
    make_unit(name="Vanliga skolan")

    by_form = client.get("/api/v1/sites", {"school_form": "anpassad_grundskola"}).json()
    by_name = client.get("/api/v1/sites", {"q": "särskilda"}).json()

    assert [s["code"] for s in by_form["results"]] == [special.code]
    assert by_form["count"] == 1
    assert [s["code"] for s in by_name["results"]] == [special.code]


def test_it_hides_removed_sites_unless_asked(client: Client) -> None:
    kept, removed = make_site(), make_site(removed_at=timezone.now())

    default = client.get("/api/v1/sites").json()
    everything = client.get("/api/v1/sites", {"include_removed": "true"}).json()

    assert [s["code"] for s in default["results"]] == [kept.code]
    assert {s["code"]: s["removed"] for s in everything["results"]} == {
        kept.code: False,
        removed.code: True,
    }


def test_it_pages_through_sites(client: Client) -> None:
    codes = sorted(make_site(name=f"Skola {n:02d}").code for n in range(5))

    first = client.get("/api/v1/sites", {"page_size": 2}).json()
    last = client.get("/api/v1/sites", {"page_size": 2, "page": 3}).json()

    assert (first["count"], first["pages"], len(first["results"])) == (5, 3, 2)
    assert len(last["results"]) == 1
    seen = [
        s["code"]
        for p in (1, 2, 3)
        for s in client.get("/api/v1/sites", {"page_size": 2, "page": p}).json()["results"]
    ]
    assert sorted(seen) == codes


def test_it_shows_one_site_with_its_units(client: Client) -> None:
    unit = make_unit(code="12345678", name="Ellen Keyskolan F-6", years="F–6", pupils=233)

    response = client.get(f"/api/v1/sites/{unit.site.code}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == unit.site.code
    assert body["units"] == [
        {
            "code": "12345678",
            "name": "Ellen Keyskolan F-6",
            "school_form": "grundskola",
            "years": "F–6",
            "pupils": 233,
        }
    ]


def test_it_answers_404_with_the_shared_error_shape_for_an_unknown_site(client: Client) -> None:
    response = client.get("/api/v1/sites/no-such-school")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "There is no site (skolhus) with code 'no-such-school'.",
        "details": [],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"school_form": "gymnasium"}, "school_form"),
        ({"include_removed": "perhaps"}, "include_removed"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_it_rejects_bad_query_values_field_by_field(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/sites", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [d["field"] for d in body["details"]] == [field]
    assert field in body["message"]
    assert body["details"][0]["message"]


def test_it_rejects_an_unknown_district_filter(client: Client) -> None:
    response = client.get("/api/v1/sites", {"district": "atlantis"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "There is no district or city area with code or name 'atlantis'; "
        "GET /api/v1/districts lists them.",
        "details": [{"field": "district", "message": "unknown district 'atlantis'"}],
    }


def test_it_answers_404_for_a_page_past_the_last(client: Client) -> None:
    make_site()

    response = client.get("/api/v1/sites", {"page": 4})

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Page 4 does not exist: there is 1 page of 50 items.",
        "details": [{"field": "page", "message": "must be between 1 and 1"}],
    }


@pytest.fixture
def bergsjoskolan() -> Site:
    site = make_site(code="bergsjoskolan", name="Bergsjöskolan", replacement_value_sek=95_000_000)
    make_unit(site=site, code="12345678", name="Bergsjöskolan F-6", pupils=300)
    return site


def public_json(site: Site) -> dict[str, Any]:
    return {
        "code": "bergsjoskolan",
        "name": "Bergsjöskolan",
        "district": site.district.code,
        "district_name": site.district.name,
        "city_area": None,
        "lat": site.lat,
        "lon": site.lon,
        "needs_position": False,
        "pupils": 300,
        "unit_count": 1,
        "floor_area_m2": 4000.0,
        "yard_area_m2": 9000.0,
        "year_built": 1968,
        "attributes_synthetic": False,
        "removed": False,
    }


def item(response: Any) -> dict[str, Any]:
    """The one site of a list answer, or the detail answer without its units."""
    body = response.json()
    if "results" in body:
        [only] = body["results"]
        return dict(only)
    assert [u["code"] for u in body["units"]] == ["12345678"]
    return {key: value for key, value in body.items() if key != "units"}


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("role", ["anonymous", "inspector", "no role", "planner"])
def test_it_keeps_the_replacement_value_out_of_public_reads(
    client: Client, bergsjoskolan: Site, url: str, role: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == 200
    assert item(response) == public_json(bergsjoskolan)
    assert not PLANNER_FIELDS & set(item(response))


@pytest.mark.parametrize("url", PLANNER_URLS)
@pytest.mark.parametrize("role", ["planner", "administrator"])
def test_it_gives_planners_the_replacement_value(
    client: Client, bergsjoskolan: Site, url: str, role: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == 200
    assert item(response) == {**public_json(bergsjoskolan), "replacement_value_sek": 95_000_000}


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
    client: Client, bergsjoskolan: Site, url: str, role: str, status: int, code: str
) -> None:
    sign_in_as(client, role)

    response = client.get(url)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("params", "codes"),
    [({}, ["kept"]), ({"include_removed": "true"}, ["kept", "removed"])],
)
def test_it_filters_the_planner_list_like_the_public_one(
    client: Client, params: dict[str, str], codes: list[str]
) -> None:
    make_site(code="kept", name="A")
    make_site(code="removed", name="B", removed_at=timezone.now())
    sign_in_as(client, "planner")

    response = client.get("/api/v1/planning/sites", params)

    assert [s["code"] for s in response.json()["results"]] == codes


def test_it_answers_404_to_a_planner_for_an_unknown_site(client: Client) -> None:
    sign_in_as(client, "planner")

    response = client.get("/api/v1/planning/sites/no-such-school")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
