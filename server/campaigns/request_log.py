"""Keep the survey form out of the development server's request log.

`manage.py runserver` (the demo's `make serve`) logs every request with its time on the
`django.server` logger: for the survey form that would be a time-stamped line per
answer sent, next to a day-only `submitted_on`. This filter drops lines about `/s/`
paths; refusals are logged, without the address, by the form's own views.
"""

from __future__ import annotations

import logging

SURVEY_PREFIX = "/s/"


class SurveyRequestsHidden(logging.Filter):
    """Drop `django.server` records whose request line asks for a survey form page."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        request_line = str(args[0]) if args else ""
        parts = request_line.split(" ")
        path = parts[1] if len(parts) > 1 else ""
        return not (path == SURVEY_PREFIX.rstrip("/") or path.startswith(SURVEY_PREFIX))
