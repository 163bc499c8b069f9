"""The Kivy application: opens the store, builds the screens."""

from __future__ import annotations

import os
from pathlib import Path

from kivy.app import App
from kivy.config import Config
from kivy.uix.screenmanager import ScreenManager
from kivy.utils import platform
from sqlalchemy.orm import Session, sessionmaker

from mobile.controllers.home import HomeController
from mobile.i18n import Translator, translator_for
from mobile.paths import STORE_FILENAME, configured_data_dir
from mobile.screens.home import HomeScreen
from mobile.store import close_store, init_store

# A landscape tablet; only used where the window size is ours to choose (desktop, CI).
DESKTOP_WINDOW_SIZE = (1280, 800)


class SkolmiljoApp(App):  # type: ignore[misc]  # Kivy has no type hints
    """The field app. `tr` is the translator the kv files use: `app.tr("home.connect")`."""

    def __init__(self, *, data_path: Path | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.tr: Translator = translator_for(lang)
        self.title = self.tr("app.title")
        self._data_path = data_path
        self._session_factory: sessionmaker[Session] | None = None

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
        self._session_factory = init_store(self.store_path)
        manager = ScreenManager()
        manager.add_widget(
            HomeScreen(name="home", controller=HomeController(self._session_factory), tr=self.tr)
        )
        return manager

    def on_stop(self) -> None:
        if self._session_factory is not None:
            close_store(self._session_factory)
            self._session_factory = None


def configure_desktop_window() -> None:
    """Size the window like a landscape tablet. Call before the window opens."""
    if platform not in ("android", "ios"):
        width, height = DESKTOP_WINDOW_SIZE
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))


def main() -> None:
    configure_desktop_window()
    SkolmiljoApp().run()
