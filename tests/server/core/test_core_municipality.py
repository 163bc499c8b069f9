"""The municipality's settings: seeded from the environment, edited in the admin (one row,
never below the environment's survey threshold), cached and forgotten on save, and read
by the pages, the survey form, the exports and the survey results."""

from __future__ import annotations

import io
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from server.core.models import MunicipalitySettings
from server.core.municipality import Municipality, current_municipality, seeded_municipality
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db

ADMIN = "/admin/core/municipalitysettings/"
LERUM = {
    "name": "Lerums kommun",
    "center_lat": "57.7705",
    "center_lon": "12.2690",
    "zoom": "12",
    "price_year": "2025",
    "survey_threshold": "7",
}


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username="ada", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def planner() -> Client:
    client = Client()
    client.force_login(make_planner())
    return client


def save(admin: Client, **changes: str) -> Any:
    """The administrator's form, sent: the add form while there is no row, else the change."""
    exists = MunicipalitySettings.objects.exists()
    url = f"{ADMIN}1/change/" if exists else f"{ADMIN}add/"
    return admin.post(url, {**LERUM, **changes})


def test_it_is_the_seed_while_no_administrator_has_saved(settings: Settings) -> None:
    settings.MUNICIPALITY_NAME = "Alingsås kommun"
    settings.MUNICIPALITY_CENTER = None

    assert current_municipality() == seeded_municipality()
    assert current_municipality().name == "Alingsås kommun"
    assert current_municipality().center_lat is None


def test_it_opens_the_admin_on_a_form_filled_with_the_seed(admin: Client) -> None:
    listing = admin.get(ADMIN)
    assert listing.status_code == 302 and listing["Location"] == f"{ADMIN}add/"

    form = admin.get(f"{ADMIN}add/").content.decode()
    seed = seeded_municipality()
    assert f'value="{seed.name}"' in form
    assert f'value="{seed.survey_threshold}"' in form
    assert "SKOLMILJO_SURVEY_THRESHOLD" in form  # the help text beside the field
    assert MunicipalitySettings.objects.count() == 0


def test_it_saves_the_one_row_and_then_only_changes_it(admin: Client) -> None:
    assert save(admin).status_code == 302

    assert current_municipality() == Municipality(
        name="Lerums kommun",
        center_lat=57.7705,
        center_lon=12.269,
        zoom=12,
        price_year=2025,
        survey_threshold=7,
    )
    assert admin.get(ADMIN)["Location"] == f"{ADMIN}1/change/"
    assert admin.get(f"{ADMIN}add/").status_code == 403
    assert admin.post(f"{ADMIN}1/delete/", {"post": "yes"}).status_code == 403

    assert save(admin, name="Lerums kommun (test)").status_code == 302
    assert MunicipalitySettings.objects.count() == 1
    assert current_municipality().name == "Lerums kommun (test)"


def test_it_logs_each_edit_with_its_administrator(admin: Client) -> None:
    save(admin)
    save(admin, survey_threshold="9")

    kind = ContentType.objects.get_for_model(MunicipalitySettings)
    entries = LogEntry.objects.filter(content_type=kind).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes_dict == {"survey_threshold": ["7", "9"]}
    assert {e.actor.username for e in entries} == {"ada"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "måste fyllas i"),
        ({"center_lon": ""}, "center_lon", "både latitud och longitud"),
        ({"center_lat": "91"}, "center_lat", "mindre än eller lika med 90"),
        ({"center_lon": "-181"}, "center_lon", "större än eller lika med -180"),
        ({"zoom": "19"}, "zoom", "mindre än eller lika med 18"),
        ({"zoom": "0"}, "zoom", "större än eller lika med 1"),
        ({"price_year": "1999"}, "price_year", "större än eller lika med 2000"),
        ({"price_year": "2101"}, "price_year", "mindre än eller lika med 2100"),
    ],
)
def test_it_refuses_a_value_out_of_bounds_and_saves_nothing(
    admin: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = save(admin, **changes)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and message in errors[field][0]
    assert MunicipalitySettings.objects.count() == 0


def test_it_refuses_a_threshold_below_the_environments_floor_saying_so(
    admin: Client, settings: Settings
) -> None:
    settings.SURVEY_SUPPRESSION_THRESHOLD = 6
    save(admin, survey_threshold="8")

    response = save(admin, survey_threshold="5", name="Kungälvs kommun")

    (error,) = response.context["adminform"].form.errors["survey_threshold"]
    assert "inte vara lägre än 6" in error and "SKOLMILJO_SURVEY_THRESHOLD = 6" in error
    assert MunicipalitySettings.objects.get().survey_threshold == 8
    assert current_municipality().name == "Lerums kommun"


def test_it_reads_a_saved_threshold_under_a_since_raised_floor_as_the_floor(
    admin: Client, settings: Settings
) -> None:
    save(admin, survey_threshold="5")
    settings.SURVEY_SUPPRESSION_THRESHOLD = 8

    assert current_municipality().survey_threshold == 8


def test_it_reads_the_row_from_the_cache_and_forgets_it_on_save() -> None:
    MunicipalitySettings.objects.create(
        name="Partille kommun", zoom=13, price_year=2026, survey_threshold=5
    )
    assert current_municipality().name == "Partille kommun"  # now cached
    with CaptureQueriesContext(connection) as queries:
        assert current_municipality().name == "Partille kommun"
    assert len(queries) == 0

    row = MunicipalitySettings.objects.get()
    row.name = "Härryda kommun"
    row.save()

    assert current_municipality().name == "Härryda kommun"


def test_it_forgets_the_cache_when_a_change_behind_the_models_back_is_saved() -> None:
    # The entry is the row, read once; an update() writes without the signal, so it is
    # the next save (or the entry's expiry) that shows it.
    row = MunicipalitySettings.objects.create(
        name="Ale kommun", zoom=11, price_year=2026, survey_threshold=5
    )
    current_municipality()
    MunicipalitySettings.objects.update(name="Ale kommun (ändrad)")
    assert current_municipality().name == "Ale kommun"
    row.refresh_from_db()
    row.save()
    assert current_municipality().name == "Ale kommun (ändrad)"


def test_it_names_the_edited_municipality_in_pages_survey_and_exports(
    admin: Client, planner: Client
) -> None:
    save(admin, name="Stenungsunds kommun")
    campaign = make_campaign(unit=make_unit(year_from=4, year_to=9))

    front = Client().get("/").content.decode()
    survey = Client().get(f"/s/{campaign.code}").content.decode()
    export = planner.get("/api/v1/survey-results/export?format=xlsx")

    assert '<span class="municipality">Stenungsunds kommun</span>' in front
    assert "Stenungsunds kommun</title>" in front
    assert "Planerarna i Stenungsunds kommun läser svaren" in survey
    assert "minst 7 svarande" in survey
    book = load_workbook(io.BytesIO(export.content))
    assert next(book["Antaganden"].iter_rows(min_row=2, values_only=True)) == (
        "Kommun",
        "Stenungsunds kommun",
    )


def test_it_suppresses_survey_results_under_a_raised_threshold(
    admin: Client, planner: Client, settings: Settings
) -> None:
    settings.SURVEY_SUPPRESSION_THRESHOLD = 5
    unit = make_unit(year_from=4, year_to=9, pupils=100)
    add_responses(make_campaign(unit=unit, open_now=False), [3], 6)

    def shown() -> list[bool]:
        results = planner.get("/api/v1/survey-results").json()["results"]
        return [not r["suppressed"] for r in results if r["unit"] == unit.code]

    assert shown() == [True]
    save(admin, survey_threshold="7")
    assert shown() == [False]
    assert planner.get("/api/v1/survey-results").json()["threshold"] == 7
