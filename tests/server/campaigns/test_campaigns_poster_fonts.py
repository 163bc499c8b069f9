"""The poster and slips draw their texts with the shipped fonts (server/campaigns/poster.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from server.campaigns import poster
from shared.fonts import font_path
from tests.server.campaigns.campaign_factories import make_campaign
from tests.server.factories import make_unit

# Noncharacters: no font has a glyph for them, so they draw the font's .notdef box.
MISSING, ALSO_MISSING = "\uffff", "\ufffe"


def _bitmap(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    image = Image.new("L", (160, 100), 0)
    ImageDraw.Draw(image).text((10, 5), text, fill=255, font=font)
    return image.tobytes()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", font_path("latin")),
        ("Vad tycker du om skolans miljö?", font_path("latin")),
        ("بيئتي المدرسية", font_path("arabic")),
        ("محیط مدرسهٔ من", font_path("arabic")),
    ],
)
def test_it_loads_the_shipped_font_for_the_text(text: str, expected: Path) -> None:
    font = poster._font(20, text)
    assert isinstance(font, ImageFont.FreeTypeFont)
    assert Path(str(font.path)) == expected
    assert font.size == 20


def test_it_tells_a_missing_glyph_box_apart() -> None:
    # The check below can fail: two characters the font lacks draw the same box.
    font = poster._font(40)
    box = _bitmap(font, MISSING)
    assert any(box), "the .notdef glyph draws nothing"
    assert _bitmap(font, ALSO_MISSING) == box


@pytest.mark.parametrize("letter", list("åäöÅÄÖ–·"))
def test_it_draws_swedish_letters_not_the_missing_glyph_box(letter: str) -> None:
    font = poster._font(40)
    assert _bitmap(font, letter) != _bitmap(font, MISSING)


@pytest.mark.django_db
def test_it_renders_the_poster_and_slips_with_swedish_letters() -> None:
    campaign = make_campaign(unit=make_unit(name="Ängåsskolan"), group="parents")
    png = Image.open(io.BytesIO(poster.poster_render(campaign, fmt="png")))
    assert png.size == (1240, 1754)
    slips = Image.open(io.BytesIO(poster.slips_render(campaign, ["ABCD-1234"], fmt="png")))
    assert slips.size == (1240, 1754)
