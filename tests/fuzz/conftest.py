"""The fuzz run's small city, made once for the session, and its closing lines: how many
cases ran, per run, and the statuses they got."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test.utils import override_settings

from tests.fuzz.tally import CASES, SECONDS, STATUSES
from tests.server.small_city import SmallCity, small_city_make


@pytest.fixture(scope="session")
def city(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SmallCity]:
    """Made once, before any test's transaction: each operation's test rolls back its own
    writes, so every operation meets the same city."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    # Django's test client keeps the test's connection open across requests; the WSGI
    # handler would close it at each request's end (and with it the test transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        made = small_city_make()
    yield made
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    media.disable()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CASES:
        return
    write = terminalreporter.write_line
    for run in sorted({label.split(" ", 1)[0] for label in CASES}):
        cases = {k: n for k, n in CASES.items() if k.startswith(run + " ")}
        statuses = {k.split(" ", 1)[1]: n for k, n in STATUSES.items() if k.startswith(run + " ")}
        write(
            f"fuzz as {run}: {sum(cases.values())} cases over {len(cases)} operations; "
            f"statuses {dict(sorted(statuses.items()))}"
        )
    slowest = ", ".join(f"{k} {n:.0f} s" for k, n in SECONDS.most_common(4))
    write(f"fuzz: {sum(CASES.values())} cases in all; the slowest to answer: {slowest}")
