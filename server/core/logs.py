"""Log lines an operator can search, with no personal data in them.

An event is logged as `logger.info("sync.push", extra={...})`: the message is the event's
name, the extra fields are its facts. With SKOLMILJO_LOG_FORMAT=json (production's
default) each record is one JSON object on one line, for a log collector; with `text`
(the demo's) a readable line with the same fields as `key=value`.

Client addresses and user names never go into a line in clear: `pseudonym()` turns them
into a short keyed hash, the same for the same value while SECRET_KEY stays, so an
operator can follow one client or one user name through the lines without learning who
or where it is.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from django.utils.crypto import salted_hmac
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# Django puts its HttpRequest (and the development server its socket) on some records:
# neither is JSON, and both can hold the client's address.
NOT_FIELDS: Final = frozenset([*RESERVED_ATTRS, "taskName", "request", "server_time"])


def pseudonym(value: str | None) -> str | None:
    """A 16-hex-digit keyed hash of a client address or user name; None for nothing."""
    if not value:
        return None
    return salted_hmac("skolmiljo.core.logs", value, algorithm="sha256").hexdigest()[:16]


def event_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The extra fields a record was logged with."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in NOT_FIELDS and not key.startswith("_")
    }


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, the fields."""
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=sorted(NOT_FIELDS),
        timestamp="time",
        json_ensure_ascii=False,
    )


class TextFormatter(logging.Formatter):
    """`time level logger message key=value …`: the JSON line's fields, for people."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{key}={value if isinstance(value, str) else json.dumps(value, default=str)}"
            for key, value in event_fields(record).items()
        )
        line = super().formatMessage(record)
        return f"{line} {fields}" if fields else line
