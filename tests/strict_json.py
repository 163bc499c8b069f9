"""A strict JSON check for every answer the suite's requests get: no NaN, no Infinity."""

from __future__ import annotations

import json
from typing import Any


class NonFiniteNumber(AssertionError):
    pass


def _refuse(constant: str) -> Any:
    raise NonFiniteNumber(f"the JSON body holds {constant}, which strict JSON has not")


def strict_loads(body: bytes | str) -> Any:
    return json.loads(body, parse_constant=_refuse)


def check_response(response: Any) -> None:
    """Parse a JSON answer strictly; other answers pass untouched."""
    if getattr(response, "streaming", False):
        return
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        strict_loads(response.content)
