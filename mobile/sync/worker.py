"""Syncing off the UI thread: one background thread, woken by a button or a timer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from mobile.store import SettingKey, setting_get, setting_set
from mobile.sync.api import SyncApi
from mobile.sync.engine import SyncReport, SyncStopped, api_for_store, sync_run
from mobile.sync.retry import Backoff


@dataclass(frozen=True)
class SyncEvent:
    """What the worker tells the UI (on the worker's thread: the UI hops to its own)."""

    kind: str  # "started", "progress", "done", "failed", "stopped"
    phase: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    report: SyncReport | None = None


Listener = Callable[[SyncEvent], None]


class SyncWorker:
    """Runs `sync_run` in a daemon thread: on `request()`, and every `interval` seconds
    while the device is enrolled and the server has not refused its token."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        photos_dir: Path,
        listener: Listener,
        interval: float | None = 300.0,
        backoff: Backoff | None = None,
        api_factory: Callable[[sessionmaker[Session]], SyncApi] = api_for_store,
    ) -> None:
        self._session_factory = session_factory
        self._photos_dir = photos_dir
        self._listener = listener
        self._interval = interval
        self._backoff = backoff or Backoff()
        self._api_factory = api_factory
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="skolmiljo-sync", daemon=True)
        self.running = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        """Sync as soon as possible (the sync button)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _auto_allowed(self) -> bool:
        with self._session_factory() as session:
            enrolled = setting_get(session, SettingKey.DEVICE_TOKEN) is not None
            refused = setting_get(session, SettingKey.AUTH_ERROR) is not None
        return enrolled and not refused

    def _loop(self) -> None:
        while not self._stopping.is_set():
            asked = self._wake.wait(self._interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            if asked or self._auto_allowed():
                self.run_once()

    def run_once(self) -> None:
        self.running.set()
        self._listener(SyncEvent("started"))
        try:
            api = self._api_factory(self._session_factory)
            with api:
                report = sync_run(
                    self._session_factory,
                    api,
                    photos_dir=self._photos_dir,
                    backoff=self._backoff,
                    progress=lambda phase, done, total: self._listener(
                        SyncEvent("progress", phase, done, total)
                    ),
                    sleep=self._sleep,
                )
        except SyncStopped as error:
            self._listener(SyncEvent("stopped", message=str(error)))
        except Exception as error:  # network down beyond the backoff: try again later
            message = str(error) or type(error).__name__
            with self._session_factory.begin() as session:
                setting_set(session, SettingKey.LAST_SYNC_ERROR, message)
            self._listener(SyncEvent("failed", message=message))
        else:
            self._listener(SyncEvent("done", report=report))
        finally:
            self.running.clear()

    def _sleep(self, seconds: float) -> None:
        # A stop request cuts a backoff short.
        self._stopping.wait(seconds)
