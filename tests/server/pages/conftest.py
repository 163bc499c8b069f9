from __future__ import annotations

# The planning tests' small city (three sites, two inspected) and a signed-in planner.
from tests.server.planning.conftest import city, planner  # noqa: F401
