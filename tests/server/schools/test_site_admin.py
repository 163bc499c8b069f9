from __future__ import annotations

import pytest
from django.test import Client

from server.schools.models import District
from tests.server.accounts.accounts_factories import make_user
from tests.server.factories import make_site, make_unit
from tests.server.test_csp import assert_under_the_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(make_user(username="admin", is_staff=True, is_superuser=True))
    return client


def test_the_site_form_has_a_map_picker_that_runs_under_the_csp(admin_client: Client) -> None:
    site = make_site(lat=None, lon=None)

    response = admin_client.get(f"/admin/schools/site/{site.pk}/change/")

    tags = assert_under_the_policy(response)
    html = response.content.decode()
    assert 'id="position-picker"' in html
    assert 'src="/static/schools/position_picker.js"' in html
    assert 'src="/static/maps/vendor/leaflet/leaflet.js"' in html
    assert [t for t, _ in tags if t == "script"] == []  # nothing inline to allow


def test_the_map_picker_opens_in_the_sites_district(
    admin_client: Client, example_districts: None
) -> None:
    site = make_site(lat=None, lon=None, district=District.objects.get(code="ekbacken"))

    html = admin_client.get(f"/admin/schools/site/{site.pk}/change/").content.decode()

    lat = float(html.split('data-lat="')[1].split('"')[0])
    lon = float(html.split('data-lon="')[1].split('"')[0])
    assert 59.30 < lat < 59.40 and 15.10 < lon < 15.20  # inside Ekbacken's square


def test_a_position_set_in_the_admin_places_the_site_in_its_district(
    admin_client: Client, example_districts: None
) -> None:
    site = make_site(lat=None, lon=None, district=None)
    form = {
        "code": site.code,
        "name": site.name,
        "district": "",
        "lat": "59.3512",
        "lon": "15.1488",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        "_save": "Spara",
    }

    response = admin_client.post(f"/admin/schools/site/{site.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    site.refresh_from_db()
    assert (site.lat, site.lon) == (59.3512, 15.1488)
    assert site.district == District.objects.get(code="ekbacken")


def test_the_site_list_filters_the_sites_that_need_a_position(admin_client: Client) -> None:
    placed, unplaced = make_site(name="Har plats"), make_site(name="Utan plats", lat=None, lon=None)

    response = admin_client.get("/admin/schools/site/?position=missing")

    html = response.content.decode()
    assert unplaced.name in html and placed.name not in html
    placed_html = admin_client.get("/admin/schools/site/?position=set").content.decode()
    assert placed.name in placed_html and unplaced.name not in placed_html


def test_the_unit_list_filters_the_units_whose_site_needs_a_position(
    admin_client: Client,
) -> None:
    make_unit(name="Enhet med plats")
    make_unit(name="Enhet utan plats", site=make_site(lat=None, lon=None))

    html = admin_client.get("/admin/schools/schoolunit/?position=missing").content.decode()

    assert "Enhet utan plats" in html and "Enhet med plats" not in html
