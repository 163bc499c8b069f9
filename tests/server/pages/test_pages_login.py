from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from server.core.roles import PLANNER

pytestmark = pytest.mark.django_db


def test_it_signs_a_planner_in_to_the_planner_api(client: Client) -> None:
    user = User.objects.create_user(username="pia", password="rätt-lösenord-123")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])

    before = client.get("/api/v1/ranking")
    signed_in = client.post(
        "/accounts/login/", {"username": "pia", "password": "rätt-lösenord-123"}
    )
    after = client.get("/api/v1/ranking")

    assert before.status_code == 401
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/dashboard/")
    assert after.status_code == 200
    assert "Logga ut pia" in client.get("/", follow=True).content.decode()


def test_it_says_what_went_wrong_on_a_wrong_password(client: Client) -> None:
    User.objects.create_user(username="pia", password="rätt-lösenord-123")

    response = client.post("/accounts/login/", {"username": "pia", "password": "fel"})

    assert response.status_code == 200
    assert "stämmer inte" in response.content.decode()
