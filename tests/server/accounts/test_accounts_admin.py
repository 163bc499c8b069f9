"""The Django admin for devices and enrollment codes, used as an administrator."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from server.accounts.models import Device, EnrollmentCode
from server.accounts.services import device_enroll, device_revoke, enrollment_uri
from tests.server.accounts.accounts_factories import (
    make_code,
    make_device,
    make_inspector,
    make_user,
)

pytestmark = pytest.mark.django_db

ADD_CODE = "/admin/accounts/enrollmentcode/add/"
CODES = "/admin/accounts/enrollmentcode/"
DEVICES = "/admin/accounts/device/"


@pytest.fixture
def admin_user() -> User:
    return make_user(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_it_offers_only_active_inspectors_for_a_new_code(admin_client: Client) -> None:
    make_inspector(username="anna")
    make_inspector(username="bo", is_active=False)
    make_user(username="pia")

    response = admin_client.get(ADD_CODE)

    assert response.status_code == 200
    options = re.findall(r"<option value=\"\d+\">([^<]+)</option>", response.content.decode())
    assert options == ["anna"]


def test_it_shows_a_new_code_and_its_qr_once(admin_client: Client, admin_user: User) -> None:
    anna = make_inspector(username="anna")

    response = admin_client.post(ADD_CODE, {"user": anna.pk, "hours": 3})

    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'id="enrollment-code"[^>]*>([^<]+)<', page)
    assert match, page
    code = match.group(1)
    assert '<div id="enrollment-qr"' in page
    assert "<svg" in page
    assert html.escape(enrollment_uri(code)) in page
    stored = EnrollmentCode.objects.get()
    assert (stored.user, stored.created_by) == (anna, admin_user)
    assert (stored.expires_at - stored.created_at).total_seconds() == 3 * 3600
    for later in [CODES, f"{CODES}{stored.pk}/change/"]:
        again = admin_client.get(later)
        assert again.status_code == 200
        assert code not in again.content.decode()
    assert device_enroll(code=code, device_name="Annas platta")[0].user == anna


def test_it_makes_no_code_for_someone_who_is_not_an_inspector(admin_client: Client) -> None:
    pia = make_user(username="pia")

    response = admin_client.post(ADD_CODE, {"user": pia.pk, "hours": 3})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert EnrollmentCode.objects.count() == 0


def test_it_lists_codes_and_devices(admin_client: Client) -> None:
    make_code(user=make_inspector(username="anna"))
    make_device(user=make_inspector(username="bo"), name="Bos platta")

    codes = admin_client.get(CODES, {"used_at__isempty": "1"})
    devices = admin_client.get(DEVICES, {"q": "bos"})

    assert codes.status_code == 200
    assert "anna" in codes.content.decode()
    assert devices.status_code == 200
    assert "Bos platta" in devices.content.decode()


def test_it_revokes_the_selected_devices(admin_client: Client) -> None:
    first, _ = make_device(name="Första")
    second, _ = make_device(name="Andra")
    kept, _ = make_device(name="Kvar")
    earlier, _ = make_device(name="Redan återkallad")
    device_revoke(device=earlier)
    revoked_before = earlier.revoked_at

    response = admin_client.post(
        DEVICES,
        {
            "action": "revoke_devices",
            "_selected_action": [first.pk, second.pk, earlier.pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "2 enheter återkallade." in response.content.decode()
    revoked = dict(Device.objects.values_list("name", "revoked_at"))
    assert revoked["Första"] is not None
    assert revoked["Andra"] is not None
    assert revoked["Kvar"] is None
    assert revoked["Redan återkallad"] == revoked_before
    assert revoked["Första"] <= timezone.now()


def test_it_does_not_add_devices_by_hand(admin_client: Client) -> None:
    response = admin_client.get(f"{DEVICES}add/")

    assert response.status_code == 403


def test_it_keeps_the_token_hash_read_only(admin_client: Client) -> None:
    device, _ = make_device(name="Platta")

    response = admin_client.post(
        f"{DEVICES}{device.pk}/change/", {"name": "Nytt namn", "token_hash": "0" * 64}
    )

    assert response.status_code == 302
    device_after = Device.objects.get(pk=device.pk)
    assert (device_after.name, device_after.token_hash) == ("Nytt namn", device.token_hash)


def test_it_keeps_non_staff_out_of_the_code_page() -> None:
    client = Client()
    client.force_login(make_inspector())

    response = client.get(ADD_CODE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
