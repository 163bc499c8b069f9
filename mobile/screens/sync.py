"""The sync screen: each inspection's state, progress, and the sync button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import mainthread
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from mobile.controllers.sync_status import (
    SyncStatusController,
    sync_row_text,
    sync_summary_text,
)
from mobile.i18n import Translator
from mobile.screens.widgets import TextLine
from mobile.sync.worker import SyncEvent

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class SyncScreen(Screen):  # type: ignore[misc]
    summary_text = StringProperty("")
    progress_text = StringProperty("")
    progress_done = NumericProperty(0)
    progress_total = NumericProperty(0)
    running = BooleanProperty(False)
    problem = BooleanProperty(False)

    def __init__(
        self, *, controller: SyncStatusController, tr: Translator, request_sync: Any, **kwargs: Any
    ) -> None:
        self._controller = controller
        self._tr = tr
        self._request_sync = request_sync
        self.row_labels: dict[str, TextLine] = {}
        super().__init__(**kwargs)

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        summary = self._controller.summary()
        self.summary_text = sync_summary_text(summary, self._tr)
        self.problem = bool(summary.auth_error or summary.last_error)
        listing = self.ids.row_list
        listing.clear_widgets()
        self.row_labels = {}
        for row in self._controller.rows():
            label = TextLine(text=sync_row_text(row, self._tr))
            listing.add_widget(label)
            self.row_labels[row.uuid] = label

    def sync_now(self) -> None:
        self.running = True
        self.progress_text = self._tr("sync.running")
        self._request_sync()

    @mainthread  # type: ignore[misc]
    def on_sync_event(self, event: SyncEvent) -> None:
        """Called from the sync thread; runs on the UI thread."""
        tr = self._tr
        if event.kind == "started":
            self.running = True
            self.progress_text = tr("sync.running")
        elif event.kind == "progress":
            self.progress_done, self.progress_total = event.done, event.total
            self.progress_text = tr(
                "sync.progress",
                phase=tr(f"sync.phase.{event.phase}"),
                done=event.done,
                total=event.total,
            )
        else:
            self.running = False
            self.progress_text = tr("sync.done") if event.kind == "done" else event.message
        # The rows change when a phase ends, not with each chunk of photos.
        if event.kind != "progress" or event.done == event.total:
            self.refresh()
