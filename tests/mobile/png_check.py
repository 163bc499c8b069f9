"""Read a PNG with the standard library, enough to tell a real screenshot from a blank.

Kivy's own image loader would need a window, and Pillow is not a dependency: a
screenshot is 8-bit RGB or RGBA, non-interlaced, which takes forty lines to decode.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


@dataclass(frozen=True, slots=True)
class PngImage:
    width: int
    height: int
    channels: int
    pixels: bytes  # unfiltered rows, top to bottom

    def colours(self) -> set[bytes]:
        """The distinct pixel values."""
        step = self.channels
        return {self.pixels[i : i + step] for i in range(0, len(self.pixels), step)}


def read_png(path: Path) -> PngImage:
    data = path.read_bytes()
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    position, header, compressed = len(_SIGNATURE), b"", bytearray()
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or interlace or colour_type not in _CHANNELS:
        raise ValueError(f"{path}: only 8-bit non-interlaced PNGs are supported")
    channels = _CHANNELS[colour_type]
    return PngImage(
        width,
        height,
        channels,
        _unfilter(zlib.decompress(compressed), width * channels, height, channels),
    )


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> bytes:
    out = bytearray()
    previous = bytearray(stride)
    for row_index in range(height):
        start = row_index * (stride + 1)
        kind = raw[start]
        row = bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + predictor) & 0xFF
        elif kind != 0:
            raise ValueError(f"unknown PNG filter {kind}")
        out += row
        previous = row
    return bytes(out)
