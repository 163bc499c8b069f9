"""A small city with one of everything a path parameter can name, and a user of each role.

For the tests that walk every route (the permission matrix) and for the API fuzzing, so
a `{code}`, `{uuid}`, `{sha256}` or `{plan_id}` resolves to a real row. No tests here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from server.campaigns.models import Campaign
from server.inspections.models import Assignment, Inspection
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_push
from server.planning import services as planning
from server.planning.models import SavedPlan
from server.schools.models import District, SchoolUnit, Site
from tests.server.accounts.accounts_factories import (
    make_device,
    make_inspector,
    make_planner,
    make_user,
)
from tests.server.campaigns.campaign_factories import make_campaign
from tests.server.factories import make_district, make_site, make_unit
from tests.server.inspections.conftest import inspection_json
from tests.server.inspections.test_photos_support import image_bytes, sha256_of


@dataclass(frozen=True)
class SmallCity:
    district: District
    site: Site
    unit: SchoolUnit
    campaign: Campaign
    inspection: Inspection
    photo_sha256: str
    plan: SavedPlan
    inspector: User
    planner: User
    administrator: User
    device_token: str


def small_city_make() -> SmallCity:
    """Build the city. Photos go to the default storage: point MEDIA_ROOT somewhere first."""
    district = make_district(code="bergsjon", name="Bergsjön")
    site = make_site(code="bergsjoskolan", name="Bergsjöskolan", district=district)
    unit = make_unit(code="bergsjoskolan-4-9", site=site, year_from=4, year_to=9, years="4–9")
    make_site(code="gamla-skolan", name="Gamla skolan", district=district)

    inspector = make_inspector(username="inga")
    planner = make_planner(username="pia")
    administrator = make_user(username="ada", is_staff=True, is_superuser=True)
    _, device_token = make_device(user=inspector, name="Ingas platta")
    Assignment.objects.create(inspector=inspector, site=site)

    png = image_bytes("PNG")
    photo_store(sha256=sha256_of(png), data=png)
    first = inspection_json(site.code, grade="C", photos=[sha256_of(png)])
    source = Source(inspector=inspector, device_name="Ingas platta")
    inspections_push(raws=[first], source=source)
    # A second revision, so the replaced one is kept (InspectionRevision) too.
    second = inspection_json(
        site.code, uuid=first["uuid"], revision=2, grade="D", photos=[sha256_of(png)]
    )
    inspections_push(raws=[second], source=source)

    plan = planning.saved_plan_create(
        name="Plan 2027",
        inputs={"budget": 5_000_000, "years": 2},
        payload=planning.plan_payload(
            planning.plan_compute(
                budget_per_year=5_000_000,
                years=2,
                alpha=1.0,
                weights=planning.weights_from(condition=0.5, experience=0.25, equity=0.25),
                start_year=2027,
            )
        ),
        user=planner,
    )
    return SmallCity(
        district=district,
        site=site,
        unit=unit,
        campaign=make_campaign(unit=unit, code="ENKAT1"),
        inspection=Inspection.objects.get(uuid=first["uuid"]),
        photo_sha256=sha256_of(png),
        plan=plan,
        inspector=inspector,
        planner=planner,
        administrator=administrator,
        device_token=device_token,
    )
