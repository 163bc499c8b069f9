"""Taking photos into the store: downscaled JPEG, capture time kept, named by SHA-256."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from mobile.store.models import Photo

MAX_EDGE: Final = 2048
JPEG_QUALITY: Final = 85
_EXIF_IFD: Final = 0x8769
_DATETIME_ORIGINAL: Final = 36867
_OFFSET_TIME_ORIGINAL: Final = 36881
_DATETIME: Final = 306


def capture_time(image: Image.Image, fallback: datetime) -> datetime:
    """When the photo was taken according to its EXIF data, else `fallback`.

    EXIF times have no zone unless OffsetTimeOriginal says; without it they are the
    camera's local time, which on a tablet is the device's own zone.
    """
    exif = image.getexif()
    text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(text, str):
        return fallback
    try:
        taken = datetime.strptime(text.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return fallback
    offset = exif.get_ifd(_EXIF_IFD).get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        try:
            return datetime.strptime(
                f"{taken:%Y-%m-%dT%H:%M:%S}{offset.strip()}", "%Y-%m-%dT%H:%M:%S%z"
            )
        except ValueError:
            pass
    return taken.astimezone().astimezone(UTC)


def downscaled_jpeg(image: Image.Image) -> bytes:
    """The image upright, long edge at most MAX_EDGE, as JPEG without metadata."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def photo_file(photos_dir: Path, sha256: str) -> Path:
    """Where a stored photo lives: named by its content hash."""
    return photos_dir / f"{sha256}.jpg"


def photo_import(session: Session, *, source: Path, photos_dir: Path) -> Photo:
    """Store the photo at `source` (any format Pillow reads); the original is left alone.

    The same picture imported twice is stored once. The file is written (and synced)
    before its row, so a row never names a missing file.
    """
    fallback = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    with Image.open(source) as image:
        taken_at = capture_time(image, fallback)
        data = downscaled_jpeg(image)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.get(Photo, sha256)
    if existing is not None:
        return existing
    photos_dir.mkdir(parents=True, exist_ok=True)
    target = photo_file(photos_dir, sha256)
    if not target.exists():
        partial = target.with_suffix(".part")
        with open(partial, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
    photo = Photo(sha256=sha256, path=target.name, taken_at=taken_at, size=len(data))
    session.add(photo)
    session.flush()
    return photo
