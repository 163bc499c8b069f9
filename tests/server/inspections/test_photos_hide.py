"""Hiding a photo that shows a person: it shows nowhere, and uploading its bytes again
brings nothing back, before or after its file is deleted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from server.core.roles import PLANNER
from server.inspections.models import Assignment, Photo, Rating
from server.inspections.photos import photo_store
from server.inspections.selectors import visible_photo_hashes
from server.inspections.services import Source, inspections_push, photos_hide, photos_purge
from tests.server.factories import make_site
from tests.server.inspections.conftest import enrolled_token, inspection_json
from tests.server.inspections.test_photos_support import (
    PHOTO_URL,
    bearer,
    image_bytes,
    put_photo,
    sha256_of,
    stored_files,
)

pytestmark = pytest.mark.django_db

SHOWN, HIDDEN = image_bytes("PNG", seed=1), image_bytes("PNG", seed=2)
PHOTOS_ADMIN = "/admin/inspections/photo/"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    for data in (SHOWN, HIDDEN):
        photo_store(sha256=sha256_of(data), data=data)
    return tmp_path


@pytest.fixture
def administrator() -> User:
    return User.objects.create_user(username="adam", password="x", is_staff=True, is_superuser=True)


@pytest.fixture
def inspected(inspector: User) -> dict[str, Any]:
    """A finished inspection of the inspector's assigned site naming both photos."""
    site = make_site(code="bergsjoskolan", name="Bergsjöskolan")
    Assignment.objects.create(inspector=inspector, site=site)
    record = inspection_json(site.code, photos=[sha256_of(SHOWN), sha256_of(HIDDEN)])
    [result] = inspections_push(raws=[record], source=Source(inspector=inspector))
    assert result.status == "created"
    return record


def planner_client(client: Client) -> Client:
    user = User.objects.create_user(username="pia", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client.force_login(user)
    return client


def hide(administrator: User) -> None:
    assert photos_hide(sha256s=[sha256_of(HIDDEN)], by=administrator) == 1


def test_it_answers_404_to_planners_for_a_hidden_photo(client: Client, administrator: User) -> None:
    hide(administrator)
    planner = planner_client(client)

    hidden = planner.get(PHOTO_URL.format(sha256_of(HIDDEN)))
    shown = planner.get(PHOTO_URL.format(sha256_of(SHOWN)))

    assert hidden.status_code == 404
    assert hidden.json() == {
        "code": "not_found",
        "message": f"No photo with SHA-256 {sha256_of(HIDDEN)}.",
        "details": [],
    }
    assert shown.status_code == 200


def test_it_answers_404_to_administrators_too(client: Client, administrator: User) -> None:
    hide(administrator)
    client.force_login(administrator)

    assert client.get(PHOTO_URL.format(sha256_of(HIDDEN))).status_code == 404


def test_it_answers_404_to_the_tablet_that_took_a_hidden_photo(
    client: Client, inspector: User, administrator: User, inspected: dict[str, Any]
) -> None:
    token = enrolled_token(inspector)
    assert client.get(PHOTO_URL.format(sha256_of(HIDDEN)), headers=bearer(token)).status_code == 200
    hide(administrator)

    hidden = client.get(PHOTO_URL.format(sha256_of(HIDDEN)), headers=bearer(token))
    shown = client.get(PHOTO_URL.format(sha256_of(SHOWN)), headers=bearer(token))

    assert (hidden.status_code, shown.status_code) == (404, 200)


def test_it_leaves_a_hidden_photo_out_of_the_inspection_read_api(
    client: Client, administrator: User, inspected: dict[str, Any]
) -> None:
    hide(administrator)

    body = planner_client(client).get(f"/api/v1/inspections/{inspected['uuid']}").json()

    rating = next(r for r in body["ratings"] if r["photos"] or r["photo_urls"])
    assert rating["photos"] == [sha256_of(SHOWN)]
    assert rating["photo_urls"] == [PHOTO_URL.format(sha256_of(SHOWN))]
    assert sha256_of(HIDDEN) not in str(body)


def test_it_leaves_a_hidden_photo_off_the_site_page(
    client: Client, administrator: User, inspected: dict[str, Any]
) -> None:
    planner = planner_client(client)
    before = planner.get("/sites/bergsjoskolan/").content.decode()
    hide(administrator)

    after = planner.get("/sites/bergsjoskolan/").content.decode()

    assert sha256_of(HIDDEN) in before
    assert sha256_of(HIDDEN) not in after
    assert after.count(f'src="{PHOTO_URL.format(sha256_of(SHOWN))}"') == 1


def test_it_keeps_the_hashes_in_the_ratings(administrator: User, inspected: dict[str, Any]) -> None:
    hide(administrator)
    photos_purge(now=timezone.now() + timedelta(days=365))

    # The ratings are the tablet's record; only what shows photos filters them.
    named = [h for r in Rating.objects.all() for h in r.photos]
    assert sorted(named) == sorted([sha256_of(SHOWN), sha256_of(HIDDEN)])
    assert visible_photo_hashes(hashes=named) == {sha256_of(SHOWN)}


@pytest.mark.parametrize("deleted", [False, True], ids=["hidden", "hidden and deleted"])
def test_it_does_not_unhide_a_photo_whose_bytes_a_tablet_sends_again(
    client: Client, inspector: User, administrator: User, media: Path, deleted: bool
) -> None:
    hide(administrator)
    if deleted:
        assert photos_purge(now=timezone.now() + timedelta(days=31)) == 1
    files_before = stored_files(media)
    token = enrolled_token(inspector)

    response = put_photo(client, HIDDEN, token=token)
    head = client.head(PHOTO_URL.format(sha256_of(HIDDEN)), headers=bearer(token))

    # "Already stored", so the tablet marks it sent and stops retrying.
    assert response.status_code == 200
    assert response.json()["sha256"] == sha256_of(HIDDEN)
    assert head.status_code == 200
    assert stored_files(media) == files_before
    photo = Photo.objects.get(pk=sha256_of(HIDDEN))
    assert (photo.hidden_at is not None, photo.hidden_by) == (True, administrator)
    assert (photo.deleted_at is not None) is deleted
    client.force_login(administrator)
    assert client.get(PHOTO_URL.format(sha256_of(HIDDEN))).status_code == 404


def test_it_does_not_ask_a_tablet_for_a_deleted_photo_again(
    inspector: User, administrator: User
) -> None:
    hide(administrator)
    photos_purge(now=timezone.now() + timedelta(days=31))
    site = make_site()
    record = inspection_json(site.code, photos=[sha256_of(HIDDEN)])

    [result] = inspections_push(raws=[record], source=Source(inspector=inspector))

    assert (result.status, result.missing_photos) == ("created", [])


def test_it_hides_photos_from_the_admin_and_records_who(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)

    response = client.post(
        PHOTOS_ADMIN,
        {"action": "hide_photos", "_selected_action": [sha256_of(HIDDEN)]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 foton dolda" in response.content.decode()
    photo = Photo.objects.get(pk=sha256_of(HIDDEN))
    assert photo.hidden_by == administrator
    assert photo.hidden_at is not None
    assert timezone.now() - photo.hidden_at < timedelta(minutes=1)
    assert Photo.objects.get(pk=sha256_of(SHOWN)).hidden_at is None


def test_it_keeps_who_hid_a_photo_first(client: Client, administrator: User) -> None:
    hide(administrator)
    first = Photo.objects.get(pk=sha256_of(HIDDEN)).hidden_at
    other = User.objects.create_user(username="eva", is_staff=True, is_superuser=True)

    assert photos_hide(sha256s=[sha256_of(HIDDEN)], by=other) == 0
    photo = Photo.objects.get(pk=sha256_of(HIDDEN))
    assert (photo.hidden_by, photo.hidden_at) == (administrator, first)


@pytest.mark.parametrize(("value", "expected"), [("ja", [HIDDEN]), ("nej", [SHOWN])])
def test_it_filters_the_admin_list_on_hidden(
    client: Client, administrator: User, value: str, expected: list[bytes]
) -> None:
    hide(administrator)
    client.force_login(administrator)

    page = client.get(PHOTOS_ADMIN, {"dold": value}).content.decode()

    for data in (SHOWN, HIDDEN):
        assert (sha256_of(data) in page) is (data in expected)


def test_it_offers_no_way_to_delete_or_edit_a_photo_in_the_admin(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)

    page = client.get(PHOTOS_ADMIN).content.decode()
    delete = client.get(f"{PHOTOS_ADMIN}{sha256_of(SHOWN)}/delete/")

    assert 'value="hide_photos"' in page
    assert 'value="delete_selected"' not in page
    assert delete.status_code == 403
    assert Photo.objects.count() == 2


def test_it_keeps_planners_away_from_the_action_even_with_admin_rights(
    client: Client,
) -> None:
    # A planner made staff with every photo permission still cannot hide (nor list) them.
    planner = User.objects.create_user(username="pia", password="x", is_staff=True)
    planner.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    planner.user_permissions.set(Permission.objects.filter(codename__endswith="_photo"))
    client.force_login(planner)

    listing = client.get(PHOTOS_ADMIN)
    action = client.post(
        PHOTOS_ADMIN, {"action": "hide_photos", "_selected_action": [sha256_of(HIDDEN)]}
    )

    assert listing.status_code == 403
    assert action.status_code == 403
    assert Photo.objects.get(pk=sha256_of(HIDDEN)).hidden_at is None


def test_it_sends_planners_without_staff_rights_to_the_sign_in_page(client: Client) -> None:
    planner_client(client)

    response = client.post(
        PHOTOS_ADMIN, {"action": "hide_photos", "_selected_action": [sha256_of(HIDDEN)]}
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Photo.objects.get(pk=sha256_of(HIDDEN)).hidden_at is None
