from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from window_harness import WindowHarness, Xvfb, running_in_ci

from mobile.store import close_store, init_store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "skolmiljo.sqlite3"


@pytest.fixture
def session_factory(store_path: Path) -> Iterator[sessionmaker[Session]]:
    factory = init_store(store_path)
    yield factory
    close_store(factory)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """One private Xvfb display for all window tests of the run."""
    executable = shutil.which("Xvfb")
    if executable is None:
        reason = "Xvfb is not installed (apt-get install xvfb libgl1-mesa-dri)"
        if running_in_ci():
            pytest.fail(f"{reason}: window tests must run in CI")
        pytest.skip(reason)
    xvfb = Xvfb(executable)
    display = xvfb.start()
    yield display
    xvfb.stop()


@pytest.fixture
def window(xvfb_display: str, tmp_path: Path) -> WindowHarness:
    """Runs window driver scripts for this test; see `window_harness`."""
    return WindowHarness(xvfb_display, tmp_path / "window")


# --- a live server for the sync client (the real Django app on a local port) ---


@pytest.fixture
def live(live_server: Any) -> Iterator[Any]:
    """The live test server behind a TCP proxy the test can break, with three sites,
    an inspector assigned to one of them, and a way to make enrollment codes."""
    from live_sync import LiveSync

    live_sync = LiveSync.create(live_server.url)
    yield live_sync
    live_sync.proxy.close()


@pytest.fixture
def server() -> Any:
    """A fake sync server on httpx's MockTransport (tests/mobile/fake_server.py); a test
    module that runs against the live server defines its own."""
    from fake_server import FakeServer

    return FakeServer()


@pytest.fixture
def tablet(tmp_path: Path, server: Any) -> Iterator[Any]:
    """A tablet (store, controllers, sync client) enrolled with the fake server."""
    from live_sync import Tablet

    tablet = Tablet(tmp_path / "tablet", transport=server.transport)
    tablet.enroll(server)
    yield tablet
    tablet.close()
