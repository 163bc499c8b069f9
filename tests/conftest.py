"""Suite-wide hooks: say which database the run used, so CI logs show both runs apart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser_csp import CspWatch, WatchedBrowser


def _database() -> str:
    from django.conf import settings

    if not settings.configured:
        return "no database (Django not set up)"
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    where = db.get("HOST") or "embedded"
    return f"{engine} ({where})"


def pytest_configure(config: pytest.Config) -> None:
    # The English .mo files are generated, not committed: compile them before any page renders.
    from server.core.locale import compile_messages

    compile_messages()


def pytest_ignore_collect(collection_path: Any, config: pytest.Config) -> bool | None:
    """tests/fuzz (marked `fuzz`) runs only when asked for by its marker, as `make fuzz`
    does with `-m fuzz`. Not `addopts = -m "not fuzz"`: a run's own -m (make
    test-server's) would replace it. Not collected either, so a run never loads it."""
    if collection_path.name == "fuzz" and "fuzz" not in (config.getoption("markexpr") or ""):
        return True
    return None


def pytest_report_header(config: pytest.Config) -> str:
    return f"skolmiljo database: {_database()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    stats = terminalreporter.stats
    passed, failed = len(stats.get("passed", [])), len(stats.get("failed", []))
    skipped = len(stats.get("skipped", []))
    terminalreporter.write_line(
        f"On {_database()}: {passed} passed, {failed} failed, {skipped} skipped."
    )


@pytest.fixture(autouse=True, scope="session")
def _strict_json_answers() -> Any:
    """Every JSON answer any test gets through Django's test client is parsed strictly:
    a body with NaN or Infinity fails the test that asked for it."""
    from django.test import client as test_client

    from tests.strict_json import check_response

    original = test_client.Client.request

    def request(self: Any, **kwargs: Any) -> Any:
        response = original(self, **kwargs)
        check_response(response)
        return response

    test_client.Client.request = request  # type: ignore[method-assign]
    yield
    test_client.Client.request = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _one_request_at_a_time_on_sqlite() -> Any:
    """A live server on the in-memory SQLite test database shares one connection among
    its request threads, so two requests at once (the field app uploads four photos at a
    time) interleave their transactions ("no such savepoint"). There, a live server
    handles one request at a time; on PostgreSQL each thread has its own connection."""
    import threading

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    lock = threading.Lock()
    original = WSGIHandler.__call__

    def call(self: Any, environ: Any, start_response: Any) -> Any:
        with lock:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = call  # type: ignore[method-assign]
    yield
    WSGIHandler.__call__ = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Rate limits count in Django's cache: each test starts with none spent."""
    yield
    from django.core.cache import cache

    from server.planning.precompute import forget_all

    cache.clear()
    forget_all()  # the rankings this process keeps beside the cache


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url() -> Any:
    """The machine's Redis, database 15, empty before and after the test.

    Skips when Redis does not answer, except under CI, where .ci/run starts it and a
    silent skip would hide that shared rate limits went untested.
    """
    import os

    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis does not answer at {REDIS_TEST_URL} ({exc})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: .ci/run starts it.")
        pytest.skip(f"{message}: start it with redis-server.")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless, driven by Playwright; no network but localhost needed."""
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package.")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # same test are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        # Every context and page opened from it reports CSP violations (_csp_clean).
        yield WatchedBrowser(browser, CSP_WATCH)
        browser.close()


CSP_WATCH = CspWatch()


@pytest.fixture(autouse=True)
def _csp_clean() -> Any:
    """Fails any test whose pages logged a Content-Security-Policy violation.

    Autouse, so it is set up before and torn down after the test's own fixtures: its
    check runs once their pages are closed and all they logged has arrived.
    """
    CSP_WATCH.take()
    yield
    CSP_WATCH.check()


@pytest.fixture
def csp_watch() -> CspWatch:
    """For a test that breaks the policy on purpose: `take()` what it caught."""
    return CSP_WATCH


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():  # type: ignore[no-untyped-def]
    import os
    from pathlib import Path

    root = Path(os.environ.get("SKOLMILJO_TEST_OUTPUT", Path(__file__).parents[1] / "test-output"))
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


class PageLog:
    """What a page did that a test should see: requests leaving the server, errors."""

    def __init__(self, page, base_url: str) -> None:  # type: ignore[no-untyped-def]
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on(
            "request", lambda r: None if r.url.startswith(base_url) else self.outside.append(r.url)
        )
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def page_log(page, live_server) -> PageLog:  # type: ignore[no-untyped-def]
    return PageLog(page, live_server.url)
