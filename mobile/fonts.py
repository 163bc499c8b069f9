"""The font the field app draws every text with; `mobile.app` registers it at start.

Kivy's own default, Roboto, has no `⚠` (the safety mark in checklist rows) and Kivy
has no per-character fallback, so the app's texts (Swedish and English) all go
through the shipped DejaVu Sans instead. Kept free of Kivy so tests can ask for it.
"""

from __future__ import annotations

from pathlib import Path

from shared.fonts import font_path


def app_font_path(*, bold: bool = False) -> Path:
    """The TTF registered as Kivy's default font (`bold` for `[b]` markup)."""
    return font_path("latin", bold=bold)
