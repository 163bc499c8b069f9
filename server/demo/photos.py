"""Small synthetic photos for the demo: made with Pillow at load time, never committed.

Each is a 320x240 JPEG that says it is synthetic, tinted by grade, with a few random
"stains" so no two look alike. The same seed and keys give the same bytes, so loading
the demo twice stores each photo once (photos are content-addressed).
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from typing import Final

from PIL import Image, ImageDraw

from server.demo.synthetic import rng_for

PER_INSPECTION: Final = 3
"""Most photos one synthetic inspection gets (its worst grades first): enough to show."""

_TINT: Final = {
    "A": (198, 228, 198),
    "B": (230, 236, 190),
    "C": (244, 214, 160),
    "D": (236, 170, 160),
}


def demo_photo(*, seed: int, key: str, label: str, grade: str) -> tuple[str, bytes]:
    """A synthetic JPEG for the rating `key` and its SHA-256: (sha256, bytes)."""
    rng = rng_for(seed, "photo", key)
    image = Image.new("RGB", (320, 240), _TINT.get(grade, (220, 220, 220)))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 9))):
        x, y = int(rng.integers(0, 300)), int(rng.integers(40, 220))
        w, h = int(rng.integers(10, 90)), int(rng.integers(5, 40))
        shade = int(rng.integers(60, 160))
        draw.ellipse((x, y, x + w, y + h), fill=(shade, shade - 20, shade - 40))
    draw.rectangle((0, 0, 320, 34), fill=(40, 40, 40))
    draw.text((8, 4), "SYNTETISKT FOTO (demo)", fill=(255, 230, 120))
    draw.text((8, 19), f"{label[:40]} – {grade}", fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, format="JPEG", quality=70)
    data = out.getvalue()
    return hashlib.sha256(data).hexdigest(), data
