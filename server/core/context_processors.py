"""What every template may show: the municipality (its name in headers and titles)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from server.core.municipality import current_municipality


def municipality(request: HttpRequest) -> dict[str, Any]:
    return {"municipality": current_municipality()}
