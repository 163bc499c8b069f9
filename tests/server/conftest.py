from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def api(client: Client) -> Client:
    return client
