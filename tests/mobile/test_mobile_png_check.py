"""The stdlib PNG reader the window tests use to look at screenshots."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from png_check import read_png

WIDTH, HEIGHT = 7, 5


def _pixel(x: int, y: int) -> bytes:
    return bytes([(x * 37 + y * 11) % 256, (x * y * 5) % 256, (200 - 9 * y) % 256])


def _filter_row(kind: int, row: bytes, previous: bytes, bpp: int = 3) -> bytes:
    out = bytearray()
    for i, value in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        p = a + b - c
        paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
        predictor = [0, a, b, (a + b) >> 1, paeth][kind]
        out.append((value - predictor) & 0xFF)
    return bytes(out)


def _write_png(path: Path, rows: list[bytes], kinds: list[int]) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    previous = bytes(len(rows[0]))
    raw = b""
    for row, kind in zip(rows, kinds, strict=True):
        raw += bytes([kind]) + _filter_row(kind, row, previous)
        previous = row
    header = struct.pack(">IIBBBBB", len(rows[0]) // 3, len(rows), 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("kind", [0, 1, 2, 3, 4], ids=["none", "sub", "up", "average", "paeth"])
def test_it_decodes_every_png_filter(tmp_path: Path, kind: int) -> None:
    rows = [b"".join(_pixel(x, y) for x in range(WIDTH)) for y in range(HEIGHT)]
    _write_png(tmp_path / "image.png", rows, [kind] * HEIGHT)

    image = read_png(tmp_path / "image.png")

    assert (image.width, image.height, image.channels) == (WIDTH, HEIGHT, 3)
    assert image.pixels == b"".join(rows)


def test_it_counts_one_colour_in_a_blank_image(tmp_path: Path) -> None:
    rows = [bytes([40, 40, 40]) * WIDTH] * HEIGHT
    _write_png(tmp_path / "blank.png", rows, [4, 2, 1, 3, 0])

    assert read_png(tmp_path / "blank.png").colours() == {bytes([40, 40, 40])}


def test_it_refuses_a_file_that_is_not_a_png(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_bytes(b"GIF89a")

    with pytest.raises(ValueError, match="not a PNG"):
        read_png(tmp_path / "fake.png")
