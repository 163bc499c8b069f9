"""server.core.logs: one JSON object per line with the event's fields, a readable text
line, and the keyed hash that stands in for addresses and user names."""

from __future__ import annotations

import json
import logging
import re
import sys
from logging.config import DictConfigurator
from typing import Any

import pytest
from django.conf import settings
from django.test import RequestFactory

from server.core.logs import TextFormatter, json_formatter, pseudonym


def record(message: str = "sync.push", **extra: Any) -> logging.LogRecord:
    made = logging.LogRecord(
        "server.inspections.sync_api", logging.INFO, __file__, 1, message, (), None
    )
    made.__dict__.update(extra)
    return made


def test_it_renders_one_json_object_per_line_with_the_extra_fields() -> None:
    line = json_formatter().format(
        record(device_id=3, statuses={"created": 2, "invalid": 1}, note_count=0, place="Göteborg")
    )

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed == {
        "time": parsed["time"],
        "level": "INFO",
        "logger": "server.inspections.sync_api",
        "message": "sync.push",
        "device_id": 3,
        "statuses": {"created": 2, "invalid": 1},
        "note_count": 0,
        "place": "Göteborg",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", parsed["time"])


def test_it_keeps_a_traceback_on_its_json_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        failed = record("sync.push failed", exc_info=sys.exc_info())

    parsed = json.loads(json_formatter().format(failed))

    assert "ValueError: boom" in parsed["exc_info"]


def test_it_leaves_out_the_request_django_puts_on_its_records() -> None:
    request = RequestFactory().get("/x", REMOTE_ADDR="203.0.113.9")
    django_record = record("Not Found: /x", status_code=404, request=request)

    line = json_formatter().format(django_record)

    assert json.loads(line)["status_code"] == 404
    assert "request" not in json.loads(line) and "203.0.113.9" not in line
    assert "203.0.113.9" not in TextFormatter().format(django_record)


def test_it_writes_the_fields_as_key_value_on_a_text_line() -> None:
    line = TextFormatter().format(record(device_id=3, statuses={"created": 2}, cursor=False))

    assert line.endswith(
        'INFO server.inspections.sync_api sync.push device_id=3 statuses={"created": 2} '
        "cursor=false"
    )


def test_it_hashes_a_value_to_the_same_short_keyed_pseudonym() -> None:
    hashed = pseudonym("203.0.113.9")

    assert re.fullmatch(r"[0-9a-f]{16}", hashed or "")
    assert hashed == pseudonym("203.0.113.9") != pseudonym("203.0.113.10")
    assert (pseudonym(""), pseudonym(None)) == (None, None)


@pytest.mark.parametrize("name", ["json", "text"])
def test_it_builds_the_formatters_the_settings_name(name: str) -> None:
    config = dict(settings.LOGGING["formatters"][name])

    formatter = DictConfigurator({}).configure_formatter(config)

    assert isinstance(formatter, logging.Formatter)
    assert "sync.push" in formatter.format(record())
