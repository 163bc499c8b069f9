"""Users in each role, enrollment codes and devices, made the way the services make them."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.contrib.auth.models import Group, User
from django.test import Client

from server.accounts.models import Device, EnrollmentCode
from server.accounts.services import device_enroll, enrollment_code_create
from server.core.roles import INSPECTOR, PLANNER

_seq = count(1)


def make_user(*, groups: tuple[str, ...] = (), **fields: Any) -> User:
    n = next(_seq)
    values: dict[str, Any] = {"username": f"user-{n}"}
    values.update(fields)
    user = User.objects.create_user(**values)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_inspector(**fields: Any) -> User:
    return make_user(groups=(INSPECTOR,), **fields)


def make_planner(**fields: Any) -> User:
    return make_user(groups=(PLANNER,), **fields)


def make_code(*, user: User | None = None, **kwargs: Any) -> tuple[EnrollmentCode, str]:
    return enrollment_code_create(user=user or make_inspector(), **kwargs)


def make_device(*, user: User | None = None, name: str = "Platta 1") -> tuple[Device, str]:
    _, code = make_code(user=user)
    return device_enroll(code=code, device_name=name)


def sign_in_as(client: Client, role: str) -> User | None:
    """Sign `client` in as a new user in `role`: anonymous (nobody), no role, inspector,
    planner or administrator (a superuser)."""
    user = {
        "anonymous": lambda: None,
        "no role": make_user,
        "inspector": make_inspector,
        "planner": make_planner,
        "administrator": lambda: make_user(is_superuser=True),
    }[role]()
    if user is not None:
        client.force_login(user)
    return user
