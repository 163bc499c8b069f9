"""Photo files as a camera makes them, for tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881


def camera_jpeg(
    path: Path,
    size: tuple[int, int] = (640, 480),
    taken: str | None = "2026:05:04 10:20:30",
    offset: str | None = "+02:00",
    colour: tuple[int, int, int] = (30, 120, 60),
) -> Path:
    """A JPEG with a gradient (so it compresses like a photo) and EXIF capture time."""
    image = Image.new("RGB", size, colour)
    pixels = image.load()
    assert pixels is not None
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 7):
            pixels[x, y] = (x * 255 // size[0], y * 255 // size[1], colour[2])
    exif = Image.Exif()
    if taken is not None:
        ifd = exif.get_ifd(EXIF_IFD)
        ifd[DATETIME_ORIGINAL] = taken
        if offset is not None:
            ifd[OFFSET_TIME_ORIGINAL] = offset
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="JPEG", exif=exif, quality=90)
    return path
