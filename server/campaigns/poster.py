"""Printable A4 poster (PNG or PDF) with the campaign's QR code, and slips of one-time codes."""

from __future__ import annotations

import io
from typing import Literal

import qrcode
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from server.campaigns.models import Campaign
from shared.fonts import font_for_text

Format = Literal["png", "pdf"]
_A4 = (1240, 1754)  # 150 dpi: sharp enough to print, small enough to send
_INK = (20, 20, 20)


def campaign_url(campaign: Campaign) -> str:
    """The address on the poster: the public server address and /s/<code>."""
    return f"{settings.PUBLIC_URL}/s/{campaign.code}"


def _qr(data: str, box: int) -> Image.Image:
    # High error correction: posters get pinned, folded and photographed at an angle.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=box, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def _font(size: int, text: str = "") -> ImageFont.FreeTypeFont:
    """The shipped font that draws `text` (Pillow's default font has no å, ä, ö).

    Pillow shapes Arabic and Persian (joined letters, right to left) when it has
    libraqm; without it they come out unjoined, but still in the Arabic font's glyphs.
    """
    return ImageFont.truetype(str(font_for_text(text)), size)


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, width: int) -> int:
    font = _font(size, text)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (right - left)) // 2, y), text, fill=_INK, font=font)
    return y + (bottom - top) + size // 2


def _encode(image: Image.Image, fmt: Format) -> bytes:
    out = io.BytesIO()
    if fmt == "pdf":
        image.save(out, format="PDF", resolution=150.0)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def poster_render(campaign: Campaign, *, fmt: Format = "png") -> bytes:
    """The A4 poster: heading in Swedish and English, the school, the QR code, link and code."""
    image = Image.new("RGB", _A4, "white")
    draw = ImageDraw.Draw(image)
    width = _A4[0]
    who = "elever" if campaign.respondent_group == Campaign.Group.PUPILS else "vårdnadshavare"
    who_en = "pupils" if campaign.respondent_group == Campaign.Group.PUPILS else "parents"
    y = _centered(draw, 110, "Vad tycker du om skolans miljö?", 64, width)
    y = _centered(draw, y, "What do you think of the school environment?", 40, width)
    y = _centered(draw, y + 20, campaign.unit.name, 52, width)
    y = _centered(draw, y, f"Enkät för {who} / survey for {who_en}", 36, width)
    qr = _qr(campaign_url(campaign), box=16)
    side = min(760, qr.width)
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    image.paste(qr, ((width - side) // 2, y + 30))
    y += 30 + side + 40
    y = _centered(draw, y, "Skanna koden eller gå till / scan the code or go to", 34, width)
    y = _centered(draw, y, campaign_url(campaign), 44, width)
    y = _centered(draw, y + 10, f"Kod / code: {campaign.code}", 56, width)
    _centered(
        draw,
        _A4[1] - 150,
        f"Anonym · öppen {campaign.opens_on:%Y-%m-%d} – {campaign.closes_on:%Y-%m-%d}",
        32,
        width,
    )
    return _encode(image, fmt)


def slips_render(campaign: Campaign, codes: list[str], *, fmt: Format = "pdf") -> bytes:
    """A4 pages of slips to cut apart, each with the link and one one-time code.

    Several pages become one multi-page PDF; as PNG only the first page (up to 24 slips).
    """
    per_page, cols = 24, 3
    slip_w, slip_h = _A4[0] // cols, _A4[1] // (per_page // cols)
    pages: list[Image.Image] = []
    # Loaded once: a page draws four texts on each of its 24 slips.
    name_font, url_font, code_font, note_font = (
        _font(22, campaign.unit.name),
        _font(20),
        _font(34),
        _font(18),
    )
    for start in range(0, max(len(codes), 1), per_page):
        page = Image.new("RGB", _A4, "white")
        draw = ImageDraw.Draw(page)
        for n, code in enumerate(codes[start : start + per_page]):
            x, y = (n % cols) * slip_w, (n // cols) * slip_h
            draw.rectangle([x, y, x + slip_w - 1, y + slip_h - 1], outline=(150, 150, 150))
            draw.text((x + 20, y + 18), campaign.unit.name[:28], fill=_INK, font=name_font)
            draw.text((x + 20, y + 55), campaign_url(campaign), fill=_INK, font=url_font)
            draw.text((x + 20, y + 100), f"Din kod: {code}", fill=_INK, font=code_font)
            draw.text((x + 20, y + 150), "Gäller en gång / one use", fill=_INK, font=note_font)
        pages.append(page)
    if fmt == "png" or len(pages) == 1:
        return _encode(pages[0], fmt)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return out.getvalue()
