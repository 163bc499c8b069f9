"""Reading the events a test's requests logged, and every line they would have made."""

from __future__ import annotations

from typing import Any

import pytest

from server.core.logs import TextFormatter, event_fields, json_formatter


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    """The fields of every `name` event logged, in order."""
    return [event_fields(r) for r in caplog.records if r.getMessage() == name]


def every_line(caplog: pytest.LogCaptureFixture) -> str:
    """Every record logged (ours, Django's, axes'), as a JSON line and as a text line."""
    as_json, as_text = json_formatter(), TextFormatter()
    return "\n".join(
        f(record) for record in caplog.records for f in (as_json.format, as_text.format)
    )
