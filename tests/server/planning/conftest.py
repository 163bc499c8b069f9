from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from server.core.roles import PLANNER
from server.inspections.services import Source, inspections_push
from tests.server.factories import make_site, make_unit
from tests.server.inspections.conftest import inspection_json, make_inspector


@pytest.fixture
def planner(client: Client) -> Client:
    user = User.objects.create_user(username="pia", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client.force_login(user)
    return client


@pytest.fixture
def city() -> dict[str, Any]:
    """Worn-out but advantaged 'gamla'; well-kept but high-need 'nya'; uninspected 'okand'."""
    old = make_site(code="gamla", name="Gamla skolan", yard_area_m2=20000)
    new = make_site(code="nya", name="Nya skolan", yard_area_m2=1000)
    unknown = make_site(code="okand", name="Okända skolan")
    make_unit(site=old, pupils=300, socioeconomic_need=5.0, newly_arrived_share=0.0)
    make_unit(site=new, pupils=300, socioeconomic_need=95.0, newly_arrived_share=0.3)
    make_unit(site=unknown, pupils=300, socioeconomic_need=50.0)
    worn = inspection_json("gamla", grade="D")
    worn["ratings"][0]["urgency"] = 1
    inspections_push(
        raws=[worn, inspection_json("nya", grade="A")], source=Source(inspector=make_inspector())
    )
    return {"old": old, "new": new, "unknown": unknown}
