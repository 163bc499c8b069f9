"""Short codes people read off a poster, a slip or a screen and type on a phone or tablet."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Final

# No 0/O, 1/I/L: codes are read aloud, printed and typed by children.
ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int, *, taken: Callable[[str], bool] | None = None) -> str:
    """A random code of `length` characters from `ALPHABET`, not `taken`."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if taken is None or not taken(code):
            return code


def normalize(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()
