"""Helpers for the photo tests: real images made in memory, uploads as a tablet sends them.

No tests here; the name only keeps the photo test files together.
"""

from __future__ import annotations

import hashlib
import os
import random
from io import BytesIO
from pathlib import Path
from typing import Any

from django.test import Client
from PIL import Image

PHOTO_URL = "/api/v1/photos/{}"


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (48, 32), seed: int = 1) -> bytes:
    """A small image in `fmt` (JPEG, PNG or WEBP); another seed gives other bytes."""
    rnd = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata(
        [
            (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
            for _ in range(size[0] * size[1])
        ]
    )
    out = BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def big_png(megabytes: float) -> bytes:
    """An uncompressed PNG of noise, a little over `megabytes` MB."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 1
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = BytesIO()
    image.save(out, "PNG", compress_level=0)
    return out.getvalue()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def put_photo(
    client: Client,
    data: bytes,
    *,
    token: str | None,
    sha256: str | None = None,
    content_type: str = "image/jpeg",
) -> Any:
    """PUT the raw bytes under `sha256` (default: their own hash), as the tablet does."""
    return client.put(
        PHOTO_URL.format(sha256 or sha256_of(data)),
        data=data,
        content_type=content_type,
        headers=bearer(token) if token else {},
    )


def stored_files(media_root: Path) -> list[str]:
    """Every file under the media root, relative to it, sorted."""
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
