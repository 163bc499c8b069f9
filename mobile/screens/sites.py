"""The site list: assigned sites first, search by school or district, tap to inspect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from mobile.controllers.sites import SitesController, site_row_detail
from mobile.i18n import Translator
from mobile.screens.widgets import ListButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class SitesScreen(Screen):  # type: ignore[misc]
    search_hint = StringProperty("")
    empty_text = StringProperty("")

    def __init__(
        self, *, controller: SitesController, tr: Translator, on_choose: Any, **kwargs: Any
    ) -> None:
        self._controller = controller
        self._tr = tr
        self._on_choose = on_choose
        self.site_buttons: dict[str, ListButton] = {}
        super().__init__(**kwargs)
        self.search_hint = tr("sites.search")

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        rows = self._controller.sites(self.ids.search_input.text)
        listing = self.ids.site_list
        listing.clear_widgets()
        self.site_buttons = {}
        for row in rows:
            button = ListButton(
                text=f"[b]{_escape(row.name)}[/b]\n{_escape(site_row_detail(row, self._tr))}",
                markup=True,
            )
            button.bind(on_release=lambda _b, code=row.code: self._on_choose(code))
            listing.add_widget(button)
            self.site_buttons[row.code] = button
        self.empty_text = "" if rows else self._tr("sites.empty")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
