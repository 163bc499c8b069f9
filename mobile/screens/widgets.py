"""Widgets the screens share (styled in widgets.kv): big touch targets, readable text."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty
from kivy.uix.button import Button
from kivy.uix.label import Label

_KV = str(Path(__file__).with_suffix(".kv"))
if _KV not in Builder.files:
    Builder.load_file(_KV)


class BigButton(Button):  # type: ignore[misc]  # Kivy has no type hints
    """A button a gloved finger hits: at least 72 dp high."""


class ListButton(Button):  # type: ignore[misc]
    """One row of a list (a site, a checklist item): tap to open."""


class ChoiceButton(Button):  # type: ignore[misc]
    """A grade or urgency choice; `chosen` highlights it, `tone` colours it."""

    chosen = BooleanProperty(False)
    tone = ColorProperty((0.12, 0.36, 0.29, 1))


class TextLine(Label):  # type: ignore[misc]
    """A line of text that wraps to its width."""


class GroupHeader(Label):  # type: ignore[misc]
    """The heading of a checklist group (building, schoolyard)."""
