"""The home screen: enrollment state and what waits to sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from mobile.controllers.home import HomeController, home_view
from mobile.i18n import Translator

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class HomeScreen(Screen):  # type: ignore[misc]  # Kivy has no type hints
    enrollment_text = StringProperty("")
    waiting_text = StringProperty("")
    sites_text = StringProperty("")
    can_connect = BooleanProperty(False)
    can_choose_site = BooleanProperty(False)

    def __init__(self, *, controller: HomeController, tr: Translator, **kwargs: Any) -> None:
        self._controller = controller
        self._tr = tr
        super().__init__(**kwargs)

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        view = home_view(self._controller.summary(), self._tr)
        self.enrollment_text = view.enrollment
        self.waiting_text = view.waiting
        self.sites_text = view.sites
        self.can_connect = view.can_connect
        self.can_choose_site = view.can_choose_site
