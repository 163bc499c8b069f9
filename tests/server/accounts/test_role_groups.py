"""A new installation has the role groups after `migrate` alone."""

import pytest
from django.contrib.auth.models import Group

from server.core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_migrate_creates_one_group_per_role():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
