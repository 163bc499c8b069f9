"""The fonts the app, the posters and reports draw text with, shipped as package data.

DejaVu Sans (regular and bold) covers Swedish, English and Somali and symbols such as
`⚠`; Noto Sans Arabic covers Arabic and Persian. Licences are in the texts beside the
fonts. Kivy and Pillow both want a file on disk, so the paths are real paths next to
this module (the Android build unpacks the package as files).

Noto Sans Arabic has no Latin letters and not even brackets, so an Arabic text with a
`(` or a Latin word in it needs both fonts: `script_runs` cuts such a text into runs
for one font each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

Script = Literal["latin", "arabic"]
"""Which shipped font draws a text: `latin` (DejaVu Sans) or `arabic` (Noto Sans Arabic)."""

_FOLDER: Final = Path(__file__).parent
_FILES: Final[dict[tuple[Script, bool], str]] = {
    ("latin", False): "DejaVuSans.ttf",
    ("latin", True): "DejaVuSans-Bold.ttf",
    # No bold Arabic is shipped: one more 240 kB file for headings nobody draws yet.
    ("arabic", False): "NotoSansArabic-Regular.ttf",
    ("arabic", True): "NotoSansArabic-Regular.ttf",
}
# The Arabic script's blocks: Arabic, Supplement, Extended-B and -A, Presentation Forms A, B.
_ARABIC_BLOCKS: Final = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
# What Noto Sans Arabic draws besides Arabic (checked against its cmap by the tests):
# these stay in the run they stand in instead of starting a Latin one.
_ARABIC_FONT_ALSO_DRAWS: Final = frozenset(
    " !,-.:0123456789\u00a0«»\u200b\u200c\u200d\u200e\u200f\u2010\u2011"
)


def font_path(script: Script = "latin", *, bold: bool = False) -> Path:
    """The shipped TTF for `script`; for `arabic` the regular weight even when `bold`."""
    return _FOLDER / _FILES[(script, bold)]


def _own_script(char: str) -> Script | None:
    """The script `char` needs a font of, or None if either font draws it."""
    if any(low <= ord(char) <= high for low, high in _ARABIC_BLOCKS):
        return "arabic"
    if char in _ARABIC_FONT_ALSO_DRAWS or char.isspace():
        return None
    return "latin"


def script_of(text: str) -> Script:
    """`arabic` if `text` has any Arabic-script letter (Arabic, Persian), else `latin`."""
    return "arabic" if any(_own_script(char) == "arabic" for char in text) else "latin"


def font_for_text(text: str, *, bold: bool = False) -> Path:
    """The one shipped font for `text`: the Arabic font for Arabic-script text.

    Enough for Latin text and for Arabic text of Arabic letters, digits and simple
    punctuation; for Arabic text with brackets or Latin words in it use `script_runs`.
    """
    return font_path(script_of(text), bold=bold)


def script_runs(text: str) -> list[tuple[str, Script]]:
    """`text` cut into runs that one font each draws whole, in reading (logical) order.

    Spaces, digits and the punctuation both fonts draw join the run before them (the
    first run when they lead). Text without Arabic letters is one Latin run; empty text
    none. Laying runs out right to left is the renderer's job.
    """
    runs: list[tuple[str, Script]] = []
    start = 0
    current: Script | None = None
    for index, char in enumerate(text):
        script = _own_script(char)
        if script is None or script == current:
            continue
        if current is not None:
            runs.append((text[start:index], current))
            start = index
        current = script
    if text:
        runs.append((text[start:], current or "latin"))
    return runs
