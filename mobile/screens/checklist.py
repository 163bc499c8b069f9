"""The checklist of one inspection: elements grouped by building and schoolyard, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from mobile.controllers.inspection import GROUPS, Checklist, ChecklistItem, InspectionController
from mobile.i18n import Translator
from mobile.screens.widgets import GroupHeader, ListButton
from mobile.store import InspectionState
from shared.errors import AppError

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def item_text(item: ChecklistItem, tr: Translator) -> str:
    name = f"{item.name} – {item.location}" if item.location else item.name
    grade = item.grade or "–"
    line = f"{grade}   {name}"
    if item.urgency == 1:
        line += "   ⚠ " + tr("grade.urgency.1")
    if item.previous is not None:
        line += "   (" + item.previous.grade + ")"
    return line


class ChecklistScreen(Screen):  # type: ignore[misc]
    title_text = StringProperty("")
    progress_text = StringProperty("")
    state_text = StringProperty("")
    done = NumericProperty(0)
    total = NumericProperty(0)
    editable = BooleanProperty(True)

    def __init__(
        self,
        *,
        controller: InspectionController,
        tr: Translator,
        on_open_item: Any,
        on_leave_inspection: Any,
        **kwargs: Any,
    ) -> None:
        self._controller = controller
        self._tr = tr
        self._on_open_item = on_open_item
        self._on_leave_inspection = on_leave_inspection
        self.uuid = ""
        self.checklist: Checklist | None = None
        self.item_buttons: dict[tuple[str, str], ListButton] = {}
        super().__init__(**kwargs)

    def show(self, uuid: str) -> None:
        self.uuid = uuid

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        checklist = self._controller.checklist(self.uuid)
        self.checklist = checklist
        tr = self._tr
        self.title_text = checklist.site_name
        self.done, self.total = checklist.done, checklist.total
        self.progress_text = tr("inspection.progress", done=checklist.done, total=checklist.total)
        self.editable = checklist.state is InspectionState.DRAFT
        key = "inspection.draft" if self.editable else "inspection.finished"
        self.state_text = tr(key, revision=checklist.revision)
        listing = self.ids.item_list
        listing.clear_widgets()
        self.item_buttons = {}
        for group in GROUPS:
            listing.add_widget(GroupHeader(text=tr(f"inspection.group.{group}")))
            for item in checklist.group(group):
                button = ListButton(text=item_text(item, tr), disabled=not self.editable)
                button.bind(on_release=lambda _b, key=item.key: self._on_open_item(self.uuid, *key))
                listing.add_widget(button)
                self.item_buttons[item.key] = button

    def open_next(self) -> None:
        if self.checklist is not None and (item := self.checklist.next_open()) is not None:
            self._on_open_item(self.uuid, *item.key)

    def pause(self) -> None:
        self._controller.pause(self.uuid)
        self._on_leave_inspection()

    def finish(self) -> None:
        try:
            self._controller.finish(self.uuid)
        except AppError as error:
            self.state_text = error.message
            return
        self._on_leave_inspection()

    def reopen(self) -> None:
        self._controller.reopen(self.uuid)
        self.refresh()
