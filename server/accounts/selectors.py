"""Reads about users' roles (kept as Django groups, see server.core.roles)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet

from server.core.roles import INSPECTOR, PLANNER


def inspector_list() -> QuerySet[User]:
    """Active users in the inspector group: those who may be given an enrollment code."""
    return User.objects.filter(is_active=True, groups__name=INSPECTOR).order_by("username")


def user_is_inspector(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and isinstance(user, User)
        and user.groups.filter(name=INSPECTOR).exists()
    )


def user_is_planner(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Planners, and administrators (superusers), may use the planner pages and API."""
    if not (user.is_authenticated and user.is_active and isinstance(user, User)):
        return False
    return user.is_superuser or user.groups.filter(name=PLANNER).exists()
