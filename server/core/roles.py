"""The platform's roles, kept as Django groups (administrators are superusers)."""

from __future__ import annotations

PLANNER = "planner"
INSPECTOR = "inspector"
ROLES = (PLANNER, INSPECTOR)
