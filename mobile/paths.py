"""Where the app keeps its files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_VARIABLE = "SKOLMILJO_MOBILE_DATA"
STORE_FILENAME = "skolmiljo.sqlite3"


def configured_data_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """`$SKOLMILJO_MOBILE_DATA` if set (tests, development); None means the platform's."""
    environ = os.environ if environ is None else environ
    configured = environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(configured).expanduser() if configured else None
