"""The API's JSON: strict, so no body ever holds NaN or Infinity (which JavaScript's
JSON.parse and most clients refuse)."""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer

logger = logging.getLogger(__name__)


def finite(data: Any) -> Any:
    """`data` with every non-finite float replaced by None (null), recursively."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


class StrictJSONRenderer(JSONRenderer):
    """Refuses NaN and Infinity; a body that holds one is sent with nulls instead, and
    logged, since it means an unscreened number got through."""

    json_dumps_params = {"allow_nan": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return super().render(request, data, response_status=response_status)
        except ValueError:
            logger.warning("Non-finite number in the answer to %s; sent as null", request.path)
            return json.dumps(finite(data), cls=self.encoder_class, allow_nan=False)
