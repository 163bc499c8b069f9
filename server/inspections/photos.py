"""Photos: content-addressed by SHA-256, checked (size, hash, decodes), stored once.

The bytes live in Django's default storage under ``photos/<first 2 hex>/<sha256>.<ext>``;
the ``Photo`` row says they are complete. A photo an administrator hid is never served,
and its row outlives its file (a tombstone): see ``photo_store``.

Storing is idempotent and safe under concurrency because the row's primary key is the
lock: the row is inserted first, the file written inside the same transaction, so a
second writer of the same photo waits on the key until the first has committed
(PostgreSQL), or on the write lock (SQLite).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Final

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image

from server.inspections.models import Photo
from shared.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType

logger = logging.getLogger(__name__)

_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")

MAX_PIXELS: Final = 50_000_000
"""Most pixels a photo may have. Decoding needs about 3 bytes per pixel, so this bounds the
memory one upload can take (a small file can claim a huge image: a decompression bomb);
tablet cameras take 8 to 13 megapixels, phones at most 50 in their default modes."""


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extension: str


# Pillow's format names -> what is stored. MPO is the JPEG variant many cameras write
# (a JPEG with extra preview frames); Pillow's JPEG opener reports it by that name.
_KINDS: Final = {
    "JPEG": _Kind("image/jpeg", "jpg"),
    "MPO": _Kind("image/jpeg", "jpg"),
    "PNG": _Kind("image/png", "png"),
    "WEBP": _Kind("image/webp", "webp"),
}
# Only these openers ever see the bytes: no other Pillow plugin parses untrusted input.
_OPENERS: Final = ("JPEG", "PNG", "WEBP")

# Leading bytes of what tablets and people send by mistake; only for the error message.
_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "a JPEG image that does not decode (damaged or cut off)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image that does not decode (damaged or cut off)"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
)
_HEIF_BRANDS: Final = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}


def photo_exists(*, sha256: str) -> bool:
    """Whether the photo is stored whole: its row, and its file at the recorded size.

    A malformed hash is simply not stored. A row without its file counts as missing, so
    the tablet that took the photo sends it again and the upload repairs it; except for a
    hidden photo, which counts as stored so that no tablet sends it again (`photo_store`).
    """
    if not _SHA256_HEX.fullmatch(sha256):
        return False
    photo = Photo.objects.filter(pk=sha256).first()
    return photo is not None and (photo.hidden_at is not None or _file_intact(photo))


def photo_check_size(*, size: int) -> None:
    """Refuse a photo of more than ``settings.PHOTO_MAX_BYTES`` (before reading it, too)."""
    limit = settings.PHOTO_MAX_BYTES
    if size > limit:
        # Rounded up, so a photo just over the limit never reads as equal to it.
        raise PayloadTooLarge(
            f"The photo is {_megabytes(size, up=True)} MB; at most {_megabytes(limit)} MB is "
            "accepted. Send it at a lower resolution or quality."
        )


def photo_store(*, sha256: str, data: bytes) -> tuple[Photo, bool]:
    """Check and store a photo; return it and whether this call created it.

    Raises BadRequest (malformed hash, empty body, bytes that hash otherwise),
    PayloadTooLarge (over the byte or pixel limit) or UnsupportedMediaType (not a
    JPEG, PNG or WebP image that decodes). Storing the same bytes again changes
    nothing, except that a missing or damaged file is written again, and never for a
    photo an administrator has hidden.
    """
    if not _SHA256_HEX.fullmatch(sha256):
        raise BadRequest(
            f"'{sha256}' is not a SHA-256 digest: expected 64 lowercase hexadecimal characters."
        )
    photo_check_size(size=len(data))
    if not data:
        raise BadRequest("The body is empty: send the photo's bytes.")
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise BadRequest(
            f"The bytes hash to {actual}, not {sha256}: "
            "the upload was cut off or altered; send it again."
        )

    # The common repeat (a tablet retrying after a lost answer) costs one read, no decode.
    # Equal hashes mean equal bytes, which were checked when first stored.
    existing = Photo.objects.filter(pk=sha256).first()
    if existing is not None and existing.hidden_at is not None:
        # Hidden (it shows a person), perhaps with its file already deleted by the purge,
        # the row kept as a tombstone. The tablet that took the photo keeps it and sends
        # the same bytes again: storing them would bring the photo back. Nothing is
        # written, and the answer is "already stored" (200), not an error, so the tablet
        # marks the photo sent and stops retrying; 404 or 410 would make it try forever.
        return existing, False
    if existing is not None and _file_intact(existing):
        return existing, False

    kind = _decode(data)
    name = f"photos/{sha256[:2]}/{sha256}.{kind.extension}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                photo = Photo.objects.create(
                    sha256=sha256, file=name, content_type=kind.content_type, size=len(data)
                )
            created = True
        except IntegrityError:
            # Another request stored it, or an earlier one left its row without a file.
            # Lock the row so only one request at a time repairs the file.
            photo = Photo.objects.select_for_update().get(pk=sha256)
            created = False
            if photo.hidden_at is not None:
                return photo, False  # hidden meanwhile: as above, never written again
        # Written inside the transaction: if writing fails, the row is not kept either.
        _file_write(photo, data)
    return photo, created


def photo_open(*, sha256: str) -> tuple[Photo, File]:
    """The photo and its file opened for reading; the caller closes the file.

    A hidden or deleted photo is NotFound, in the same words as one never stored.
    """
    photo = (
        Photo.objects.visible().filter(pk=sha256).first() if _SHA256_HEX.fullmatch(sha256) else None
    )
    if photo is None:
        raise NotFound(f"No photo with SHA-256 {sha256}.")
    try:
        file = default_storage.open(photo.file.name, "rb")
    except FileNotFoundError:
        logger.warning("Photo %s has a row but no file at %s", sha256, photo.file.name)
        raise NotFound(f"No photo with SHA-256 {sha256}.") from None
    return photo, file


def _file_intact(photo: Photo) -> bool:
    # The size tells a complete file from one cut off by an interrupted write.
    name = photo.file.name
    return bool(name) and default_storage.exists(name) and default_storage.size(name) == photo.size


def _file_write(photo: Photo, data: bytes) -> None:
    """Make the photo's file hold ``data``, writing only if it is missing or damaged."""
    name = photo.file.name
    if default_storage.exists(name):
        if default_storage.size(name) == len(data):
            return  # written by an earlier attempt whose row was not kept
        logger.warning("Photo %s: replacing a damaged file at %s", photo.sha256, name)
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # The storage renamed ours because a file appeared meanwhile (written outside
        # the row lock): keep one copy, and only under the name the row records.
        default_storage.delete(saved)


def _decode(data: bytes) -> _Kind:
    """Check that the bytes decode as a JPEG, PNG or WebP image; say which."""
    try:
        with Image.open(BytesIO(data), formats=_OPENERS) as image:
            kind = _KINDS[str(image.format)]
            _check_pixels(*image.size)
            image.verify()  # structure and checksums (PNG's CRCs) without decoding
        # verify() leaves the image unusable; decode a fresh one to find truncation.
        with Image.open(BytesIO(data), formats=_OPENERS) as image:
            # A JPEG decodes at 1/8 scale: the whole stream is still read and checked,
            # in 1/64 of the memory. Other formats ignore the draft.
            image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except PayloadTooLarge:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own, larger limit
        raise PayloadTooLarge(
            f"The image has far more than {MAX_PIXELS // 1_000_000} megapixels, the most "
            "accepted. Send it at a lower resolution."
        ) from exc
    except Exception as exc:  # Pillow raises many types on malformed input; all mean "no"
        raise UnsupportedMediaType(
            f"The photo must be a JPEG, PNG or WebP image; this is {_describe(data)}."
        ) from exc
    return kind


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise PayloadTooLarge(
            f"The image is {width} x {height} pixels; at most {MAX_PIXELS // 1_000_000} "
            "megapixels are accepted. Send it at a lower resolution."
        )


def _describe(data: bytes) -> str:
    """A few words on what the bytes look like, for the 415 message."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image that does not decode (damaged or cut off)"
    if data[4:8] == b"ftyp":
        if data[8:12] in _HEIF_BRANDS:
            return "a HEIC/HEIF image (set the camera to save JPEG)"
        if data[8:12] in {b"avif", b"avis"}:
            return "an AVIF image"
        return "a video or other ISO media file"
    for prefix, description in _SIGNATURES:
        if data.startswith(prefix):
            return description
    head = data[:1024]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the 1024-byte window is still text.
        text = head[: exc.start].decode("utf-8") if exc.start > len(head) - 4 else ""
    if text and all(ch.isprintable() or ch in "\t\n\r" for ch in text):
        if text.lstrip().startswith("<"):
            return "text (HTML, XML or SVG)"
        return "text"
    return f"unrecognised data starting with 0x{data[:8].hex()}"


def _megabytes(size: int, *, up: bool = False) -> str:
    tenths = size * 10 / (1024 * 1024)
    return f"{(math.ceil(tenths) if up else math.floor(tenths)) / 10:.1f}".removesuffix(".0")
