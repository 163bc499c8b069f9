"""The audit trail: who changed what, from the admin, the API and enrollment; and what it
never holds (survey answers, respondent codes) and who may read it (administrators)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from auditlog.context import set_extra_data
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.test import Client

from server.accounts.models import Device, EnrollmentCode
from server.campaigns.models import Campaign, RespondentCode
from server.core.audit import MASK, audit_actor
from server.core.roles import INSPECTOR
from server.schools.models import Site
from surveys.questionnaire import load_questionnaire
from tests.server.accounts.accounts_factories import make_code, make_device, make_inspector
from tests.server.campaigns.campaign_factories import make_campaign, make_planner
from tests.server.factories import make_site, make_unit
from tests.server.inspections.conftest import Tablet, inspection_json

pytestmark = pytest.mark.django_db

LOG = "/admin/auditlog/logentry/"


def entries_for(model: type[Any]) -> Any:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_user(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def planner_client() -> Client:
    make_planner()
    client = Client()
    assert client.login(request=HttpRequest(), username="planner-t", password="pw-planner-123")
    return client


def submit(client: Client, code: str, **extra: str) -> Any:
    """A whole pupils' survey, answered and sent from the form's last step."""
    answers = {f"a_{item.code}": "2" for item in load_questionnaire("pupils").items}
    data = {"lang": "sv", "step": "6", "action": "submit", **answers, **extra}
    return client.post(f"/s/{code}", data)


def site_form(site: Site, **changes: Any) -> dict[str, Any]:
    """The admin's change form of a site as the page would post it, with no unit inlines."""
    data: dict[str, Any] = {
        "code": site.code,
        "name": site.name,
        "district": site.district_id,
        "lat": site.lat,
        "lon": site.lon,
        "floor_area_m2": site.floor_area_m2,
        "yard_area_m2": site.yard_area_m2,
        "year_built": site.year_built,
        "replacement_value_sek": site.replacement_value_sek,
        "removed_at_0": "",
        "removed_at_1": "",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_it_logs_an_admin_edit_of_a_site_with_actor_and_changed_field(
    admin_client: Client, admin_user: User
) -> None:
    site = make_site(name="Hjällboskolan")

    response = admin_client.post(
        f"/admin/schools/site/{site.pk}/change/", site_form(site, name="Hjällboskolan norra")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries_for(Site).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin_user
    assert entry.object_pk == str(site.pk)
    assert entry.changes_dict == {"name": ["Hjällboskolan", "Hjällboskolan norra"]}
    assert entry.remote_addr == "127.0.0.1"


def test_it_logs_a_campaign_opened_through_the_api_as_the_planners(
    planner_client: Client,
) -> None:
    unit = make_unit(code="12345678", year_from=4, year_to=9)

    response = planner_client.post(
        "/api/v1/campaigns",
        {
            "unit": unit.code,
            "respondent_group": "pupils",
            "opens_on": "2026-11-01",
            "closes_on": "2026-12-01",
            "respondent_codes": 20,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get()
    entry = entries_for(Campaign).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == User.objects.get(username="planner-t")
    assert entry.changes_dict["code"] == ["None", campaign.code]
    assert entry.changes_dict["unit"] == ["None", str(unit.pk)]
    # The slips' codes are nowhere in the trail, not even under another row.
    assert set(entry.changes_dict) <= {
        "code",
        "questionnaire",
        "unit",
        "respondent_group",
        "years",
        "opens_on",
        "closes_on",
        "synthetic",
    }
    logged = " ".join(str(e.changes) for e in LogEntry.objects.all())
    codes = list(RespondentCode.objects.values_list("code", flat=True))
    assert len(codes) == 20
    assert not [code for code in codes if code in logged]
    assert not entries_for(RespondentCode).exists()


def test_it_logs_an_enrollment_as_the_inspectors(client: Client) -> None:
    anna = make_inspector(username="anna")
    _, code = make_code(user=anna)

    response = client.post(
        "/api/v1/devices/enroll",
        {"code": code, "device_name": "Annas platta"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    device = Device.objects.get()
    created = entries_for(Device).get()
    assert (created.action, created.actor, created.object_pk) == (
        LogEntry.Action.CREATE,
        anna,
        str(device.pk),
    )
    assert created.changes_dict["name"] == ["None", "Annas platta"]
    assert created.changes_dict["token_hash"] == ["None", MASK]  # not even half of it
    spent = entries_for(EnrollmentCode).filter(action=LogEntry.Action.UPDATE).get()
    assert spent.actor == anna
    assert spent.changes_dict == {"device": ["None", str(device.pk)]}


def test_it_logs_who_revoked_a_device_in_the_admin(admin_client: Client, admin_user: User) -> None:
    device, _ = make_device()

    response = admin_client.post(
        "/admin/accounts/device/",
        {"action": "revoke_devices", "_selected_action": [device.pk]},
    )

    assert response.status_code == 302
    entry = entries_for(Device).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin_user
    assert list(entry.changes_dict) == ["revoked_at"]


def test_it_logs_group_membership_and_masks_passwords(
    admin_client: Client, admin_user: User
) -> None:
    pia = User.objects.create_user(username="pia", password="first-secret-pw")
    group = Group.objects.get(name=INSPECTOR)  # made by migrate

    with audit_actor(admin_user):
        pia.groups.add(group)
        pia.set_password("second-secret-pw")
        pia.save()

    entries = list(entries_for(User).filter(object_pk=str(pia.pk)).order_by("pk"))
    assert [e.action for e in entries] == [LogEntry.Action.CREATE] + [LogEntry.Action.UPDATE] * 2
    assert entries[1].actor == admin_user
    assert entries[1].changes_dict["groups"]["objects"] == [INSPECTOR]
    assert entries[2].changes_dict == {"password": [MASK, MASK]}
    assert "pbkdf2" not in str(entries[0].changes) and "md5" not in str(entries[0].changes)


def test_it_writes_no_entry_for_a_survey_answer_or_a_respondent_code() -> None:
    campaign = make_campaign(respondent_codes=3)
    code = RespondentCode.objects.filter(campaign=campaign).first()
    assert code is not None
    before = LogEntry.objects.count()

    response = submit(Client(), campaign.code, rcode=code.code)

    assert response.status_code == 303
    assert RespondentCode.objects.get(pk=code.pk).used
    assert LogEntry.objects.count() == before


def test_it_shows_the_trail_to_administrators_only(
    admin_client: Client, planner_client: Client
) -> None:
    make_site()
    staff = User.objects.create_user(username="staff", is_staff=True)
    # Even the model permission does not open the trail to someone who is not an administrator.
    staff.user_permissions.add(
        Permission.objects.get(codename="view_logentry", content_type__app_label="auditlog")
    )
    staff_client = Client()
    staff_client.force_login(staff)

    assert admin_client.get(LOG).status_code == 200
    assert planner_client.get(LOG).status_code == 302  # to the admin's sign-in
    assert staff_client.get(LOG).status_code == 403
    assert "auditlog" not in staff_client.get("/admin/").content.decode()


def test_it_lets_nobody_change_or_delete_an_entry(admin_client: Client) -> None:
    make_site()
    entry = entries_for(Site).get()
    page = f"{LOG}{entry.pk}/"

    assert admin_client.get(f"{page}change/").status_code == 200  # read-only view
    assert admin_client.post(f"{page}change/", {"action": 2}).status_code == 403
    assert admin_client.get(f"{page}delete/").status_code == 403
    assert admin_client.post(f"{page}delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{LOG}add/").status_code == 403
    bulk = admin_client.post(LOG, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert bulk.status_code in {200, 302}
    assert LogEntry.objects.filter(pk=entry.pk, action=entry.action).exists()
    assert "delete_selected" not in admin_client.get(LOG).content.decode()


def test_it_gives_the_outer_actor_back_after_a_block(admin_user: User) -> None:
    inspector = make_inspector()

    with set_extra_data(context_data={"actor": admin_user}):
        with audit_actor(inspector):
            inner = make_site()
        outer = make_site()

    assert entries_for(Site).get(object_pk=str(inner.pk)).actor == inspector
    assert entries_for(Site).get(object_pk=str(outer.pk)).actor == admin_user


def test_it_logs_each_push_with_its_device_and_inspector(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    inga = make_inspector(username="inga")
    device, token = make_device(user=inga, name="Ingas platta")
    site = make_site()
    tablet = Tablet(client, token)
    before = LogEntry.objects.count()

    with caplog.at_level(logging.INFO, logger="server.inspections.sync"):
        response = tablet.push(inspection_json(site.code, n_ratings=2))

    assert response.status_code == 200, response.content
    [record] = caplog.records
    assert (record.getMessage(), record.device_id, record.inspector_id, record.statuses) == (
        "sync.push",
        device.pk,
        inga.pk,
        {"created": 1},
    )
    assert LogEntry.objects.count() == before  # inspections are not in the table
