"""The enroll screen: server address + one-time code; the network call runs off the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.clock import mainthread
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

import mobile.screens.widgets  # noqa: F401  (styles)
from mobile.controllers.enroll import EnrollController
from mobile.i18n import Translator
from shared.errors import AppError

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class EnrollScreen(Screen):  # type: ignore[misc]
    server_text = StringProperty("")
    name_text = StringProperty("")
    message = StringProperty("")
    failed = BooleanProperty(False)
    working = BooleanProperty(False)

    def __init__(
        self, *, controller: EnrollController, tr: Translator, on_enrolled: Any, **kwargs: Any
    ) -> None:
        self._controller = controller
        self._tr = tr
        self._on_enrolled = on_enrolled
        super().__init__(**kwargs)

    def on_pre_enter(self, *_args: Any) -> None:
        server, name = self._controller.defaults()
        self.server_text = self.ids.server_input.text or server
        self.name_text = self.ids.name_input.text or name

    def submit(self) -> None:
        self.working, self.failed = True, False
        self.message = self._tr("enroll.working")
        server = self.ids.server_input.text
        code = self.ids.code_input.text
        name = self.ids.name_input.text
        threading.Thread(target=self._enroll, args=(server, code, name), daemon=True).start()

    def _enroll(self, server: str, code: str, name: str) -> None:
        try:
            inspector = self._controller.enroll(server_url=server, code=code, device_name=name)
        except AppError as error:
            self._done(error.message, failed=True)
        else:
            self._done(self._tr("enroll.done", inspector=inspector), failed=False)

    @mainthread  # type: ignore[misc]
    def _done(self, message: str, *, failed: bool) -> None:
        self.working, self.failed, self.message = False, failed, message
        if not failed:
            self.ids.code_input.text = ""
            self._on_enrolled()
