"""Sign-in lock-out (django-axes): five failures of one user name from one address lock
that pair, on the site's and the admin's sign-in page, for the cool-off."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.test.client import RequestFactory
from django.utils import timezone, translation

from server.pages.views import login_locked_out
from tests.server.accounts.accounts_factories import make_planner, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "rätt-lösenord-123"
HERE = "198.51.100.7"
MESSAGE = (
    "För många misslyckade inloggningar för det här kontot härifrån. Försök igen om 15 "
    "minuter, eller be en administratör låsa upp."
)


def sign_in(
    client: Client,
    username: str,
    password: str = PASSWORD,
    *,
    address: str = HERE,
    path: str = LOGIN,
    forwarded_for: str | None = None,
) -> int:
    headers = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.post(path, {"username": username, "password": password}, **headers)
    return response.status_code


def fail(client: Client, username: str, times: int = 5, **where: str) -> list[int]:
    return [sign_in(client, username, "fel-lösenord", **where) for _ in range(times)]


@pytest.fixture
def pia() -> User:
    return make_planner(username="pia", password=PASSWORD)


def test_it_refuses_the_right_password_after_five_wrong_ones(client: Client, pia: User) -> None:
    statuses = fail(client, "pia")
    response = client.post(LOGIN, {"username": "pia", "password": PASSWORD}, REMOTE_ADDR=HERE)

    page = html.unescape(response.content.decode())
    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert MESSAGE in page
    assert '<header class="top">' in page and 'name="password"' in page  # the site's page
    assert "_auth_user_id" not in client.session


def test_it_lets_the_same_user_in_from_another_address(client: Client, pia: User) -> None:
    fail(client, "pia", address=HERE)

    assert sign_in(client, "pia", address="192.0.2.44") == 302


def test_it_lets_another_user_in_from_the_same_address(client: Client, pia: User) -> None:
    make_planner(username="per", password=PASSWORD)
    fail(client, "pia")

    assert sign_in(Client(), "per") == 302


def test_it_lets_the_user_in_once_the_cool_off_has_passed(client: Client, pia: User) -> None:
    fail(client, "pia")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    still_locked = sign_in(client, "pia")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert still_locked == 429
    assert sign_in(client, "pia") == 302


def test_it_resets_the_count_when_the_user_signs_in(client: Client, pia: User) -> None:
    fail(client, "pia", times=4)
    first = sign_in(client, "pia")
    client.post("/accounts/logout/")
    fail(client, "pia", times=4)

    assert (first, sign_in(client, "pia")) == (302, 302)
    assert AccessAttempt.objects.count() == 0


def test_it_locks_the_admin_sign_in_the_same_way(client: Client) -> None:
    make_user(username="ada", password=PASSWORD, is_staff=True, is_superuser=True)
    statuses = fail(client, "ada", path=ADMIN_LOGIN)
    response = client.post(
        ADMIN_LOGIN, {"username": "ada", "password": PASSWORD, "next": "/admin/"}, REMOTE_ADDR=HERE
    )

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert MESSAGE in html.unescape(response.content.decode())
    assert sign_in(Client(), "ada", address="192.0.2.44", path=ADMIN_LOGIN) == 302


def test_it_counts_the_admin_and_the_site_sign_in_together(client: Client, pia: User) -> None:
    fail(client, "pia", times=3, path=ADMIN_LOGIN)
    fail(client, "pia", times=2)

    assert sign_in(client, "pia") == 429


def test_it_says_it_in_english_when_the_page_is_in_english(client: Client, pia: User) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, "pia")
    response = client.post(LOGIN, {"username": "pia", "password": PASSWORD}, REMOTE_ADDR=HERE)

    assert response.status_code == 429
    assert (
        "Too many failed sign-ins for this account from here. Try again in 15 minutes, or "
        "ask an administrator to unlock it."
    ) in html.unescape(response.content.decode())


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=1))
def test_it_says_minute_for_one_minute() -> None:
    request = RequestFactory().post(LOGIN)
    request.user = User()  # the layout asks who is signed in

    with translation.override("sv"):
        response = login_locked_out(request)

    assert response.status_code == 429
    assert "Försök igen om 1 minut, eller" in html.unescape(response.content.decode())


@override_settings(TRUSTED_PROXIES=1)
def test_it_keys_on_the_forwarded_address_behind_a_trusted_proxy(client: Client, pia: User) -> None:
    proxy = "10.0.0.1"
    fail(client, "pia", address=proxy, forwarded_for="203.0.113.9")

    assert sign_in(client, "pia", address=proxy, forwarded_for="203.0.113.9") == 429
    assert sign_in(client, "pia", address=proxy, forwarded_for="203.0.113.10") == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@override_settings(TRUSTED_PROXIES=0)
def test_it_ignores_a_rotating_forwarded_for_without_trusted_proxies(
    client: Client, pia: User
) -> None:
    for n in range(5):
        sign_in(client, "pia", "fel-lösenord", forwarded_for=f"203.0.113.{n}")

    assert sign_in(client, "pia", forwarded_for="203.0.113.99") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HERE}


def test_it_keeps_no_password_in_the_lock_out_records(client: Client, pia: User) -> None:
    fail(client, "pia")
    sign_in(client, "pia")

    (attempt,) = AccessAttempt.objects.all()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("pia", HERE, 6)
    assert "fel-lösenord" not in attempt.post_data and PASSWORD not in attempt.post_data
