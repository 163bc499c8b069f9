"""The Kivy application: opens the store, builds the screens, runs the sync worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.config import Config
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.utils import platform
from sqlalchemy.orm import Session, sessionmaker

from mobile.controllers.enroll import EnrollController
from mobile.controllers.home import HomeController
from mobile.controllers.inspection import ChecklistItem, InspectionController
from mobile.controllers.sites import SitesController
from mobile.controllers.sync_status import SyncStatusController
from mobile.fonts import app_font_path
from mobile.i18n import Translator, translator_for
from mobile.paths import STORE_FILENAME, configured_data_dir
from mobile.screens.checklist import ChecklistScreen
from mobile.screens.enroll import EnrollScreen
from mobile.screens.grade import GradeScreen
from mobile.screens.home import HomeScreen
from mobile.screens.sites import SitesScreen
from mobile.screens.sync import SyncScreen
from mobile.store import SettingKey, close_store, init_store, setting_get, setting_set
from mobile.sync.worker import SyncEvent, SyncWorker

# A landscape tablet; only used where the window size is ours to choose (desktop, CI).
DESKTOP_WINDOW_SIZE = (1280, 800)
SERVER_VARIABLE = "SKOLMILJO_SERVER"
SYNC_INTERVAL_VARIABLE = "SKOLMILJO_SYNC_INTERVAL"


class SkolmiljoApp(App):  # type: ignore[misc]  # Kivy has no type hints
    """The field app. `tr` is the translator the kv files use: `app.tr("home.connect")`."""

    def __init__(self, *, data_path: Path | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.tr: Translator = translator_for(lang)
        self.title = self.tr("app.title")
        self._data_path = data_path
        self._session_factory: sessionmaker[Session] | None = None
        self.worker: SyncWorker | None = None

    @property
    def store_path(self) -> Path:
        directory = self._data_path or configured_data_dir() or self._platform_data_dir()
        return directory / STORE_FILENAME

    def _platform_data_dir(self) -> Path:
        # Kivy's user_data_dir makes its folder with mkdir, not makedirs: on a Linux
        # desktop without ~/.config it fails. Android and iOS always have the parent.
        if platform == "linux":
            config_home = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
            Path(config_home).expanduser().mkdir(parents=True, exist_ok=True)
        return Path(self.user_data_dir)

    def build(self) -> ScreenManager:
        register_app_font()
        factory = init_store(self.store_path)
        self._session_factory = factory
        self._offer_server(factory)
        photos_dir = self.store_path.parent / "photos"
        inspections = InspectionController(factory, self.tr, photos_dir=photos_dir)
        manager = ScreenManager(transition=NoTransition())
        self.sync_screen = SyncScreen(
            name="sync",
            controller=SyncStatusController(factory),
            tr=self.tr,
            request_sync=self.request_sync,
        )
        interval = float(os.environ.get(SYNC_INTERVAL_VARIABLE, "300"))
        self.worker = SyncWorker(
            factory,
            photos_dir=photos_dir,
            listener=self._on_sync_event,
            interval=interval if interval > 0 else None,
        )
        for screen in (
            HomeScreen(name="home", controller=HomeController(factory), tr=self.tr),
            EnrollScreen(
                name="enroll",
                controller=EnrollController(factory, self.tr),
                tr=self.tr,
                on_enrolled=lambda: self.go("sites"),
            ),
            SitesScreen(
                name="sites",
                controller=SitesController(factory),
                tr=self.tr,
                on_choose=self.open_site,
            ),
            ChecklistScreen(
                name="checklist",
                controller=inspections,
                tr=self.tr,
                on_open_item=self.open_item,
                on_leave_inspection=self._after_inspection,
            ),
            GradeScreen(
                name="grade", controller=inspections, tr=self.tr, on_done=self._after_grade
            ),
            self.sync_screen,
        ):
            manager.add_widget(screen)
        self._inspections = inspections
        return manager

    def _offer_server(self, factory: sessionmaker[Session]) -> None:
        # `make mobile` names the demo server; the enroll form starts with it filled in.
        server = os.environ.get(SERVER_VARIABLE, "").strip()
        if server:
            with factory.begin() as session:
                if setting_get(session, SettingKey.DEVICE_TOKEN) is None:
                    setting_set(session, SettingKey.SERVER_URL, server)

    def on_start(self) -> None:
        if self.worker is not None:
            self.worker.start()

    def go(self, name: str) -> None:
        self.root.current = name

    def open_site(self, site_code: str) -> None:
        uuid = self._inspections.start(site_code)
        self.root.get_screen("checklist").show(uuid)
        self.go("checklist")

    def open_item(self, uuid: str, element: str, location: str) -> None:
        self.root.get_screen("grade").show(uuid, element, location)
        self.go("grade")

    def _after_grade(self, uuid: str, following: ChecklistItem | None) -> None:
        if following is not None:
            self.open_item(uuid, *following.key)
        else:
            self.root.get_screen("checklist").show(uuid)
            self.go("checklist")

    def _after_inspection(self) -> None:
        # Finished or paused: try to send it straight away when there is a network.
        self.request_sync()
        self.go("sites")

    def request_sync(self) -> None:
        if self.worker is not None:
            self.worker.request()

    def _on_sync_event(self, event: SyncEvent) -> None:
        self.sync_screen.on_sync_event(event)
        if event.kind in ("done", "failed", "stopped"):
            Clock.schedule_once(lambda _dt: self._refresh_current(), 0)

    def _refresh_current(self) -> None:
        screen: Any = self.root.current_screen if self.root else None
        if screen is not None and screen.name in ("home", "sites") and hasattr(screen, "refresh"):
            screen.refresh()

    def on_stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        if self._session_factory is not None:
            close_store(self._session_factory)
            self._session_factory = None


def register_app_font() -> None:
    """Make the shipped DejaVu Sans Kivy's default font, so every Label draws with it.

    Labels name the default font (`Roboto`) rather than a file, so registering the name
    anew before the first text is drawn switches all of them. No italic is shipped:
    Kivy draws italic with the regular file.
    """
    regular, bold = str(app_font_path()), str(app_font_path(bold=True))
    LabelBase.register(DEFAULT_FONT, regular, fn_bold=bold, fn_bolditalic=bold)


def configure_desktop_window() -> None:
    """Size the window like a landscape tablet. Call before the window opens."""
    if platform not in ("android", "ios"):
        width, height = DESKTOP_WINDOW_SIZE
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))


def main() -> None:
    configure_desktop_window()
    SkolmiljoApp().run()
