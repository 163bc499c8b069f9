"""manage.py survey_daily_counts [--date YYYY-MM-DD]: one log line per open campaign with
the day's response count (yesterday by default), for an operator to schedule daily.

The survey form logs no line per response (that would time-stamp each answer); this is
what operators get instead.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.campaigns.models import local_today
from server.campaigns.selectors import daily_response_counts

logger = logging.getLogger("server.campaigns.daily_counts")


class Command(BaseCommand):
    help = (
        "Log one line per campaign open on a day with the number of survey responses sent "
        "that day (Stockholm time); yesterday unless --date is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to count, YYYY-MM-DD (default: yesterday).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = local_today() - timedelta(days=1)
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: write it as YYYY-MM-DD") from exc
        counts = daily_response_counts(day=day)
        for campaign, n in counts:
            logger.info(
                "Survey responses on %s: campaign %s (%s, %s): %d",
                day.isoformat(),
                campaign.code,
                campaign.unit.code,
                campaign.respondent_group,
                n,
            )
        if not counts:
            logger.info("Survey responses on %s: no campaign was open", day.isoformat())
