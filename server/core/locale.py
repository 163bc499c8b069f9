"""Compile the translations (.po -> .mo) with polib: pure Python, no GNU gettext needed.

The .mo files are generated, not committed; `make locale` (run by `make demo` and
`make test`) and the test suite's start call this. ``python -m server.core.locale``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def compile_messages(root: Path = LOCALE_DIR) -> list[Path]:
    """Write a .mo beside every .po under `root` that is newer than its .mo; return them."""
    written = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_messages():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent.parent)}")
    sys.exit(0)
