"""Habit 3 of STYLE.md: only the screens and the app import Kivy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KIVY_FREE = [
    "mobile.store",
    "mobile.store.photos",
    "mobile.controllers.home",
    "mobile.controllers.enroll",
    "mobile.controllers.sites",
    "mobile.controllers.inspection",
    "mobile.controllers.sync_status",
    "mobile.sync.engine",
    "mobile.sync.worker",
    "mobile.device",
    "mobile.i18n",
    "mobile.paths",
    "mobile.fonts",
]


def test_it_keeps_kivy_out_of_store_controllers_and_texts() -> None:
    # A fresh interpreter: in this one another test may have imported Kivy already.
    probe = "; ".join(
        [*(f"import {module}" for module in KIVY_FREE), "import sys"]
        + ["print(sorted(m for m in sys.modules if m.split('.')[0] == 'kivy'))"]
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "[]"
