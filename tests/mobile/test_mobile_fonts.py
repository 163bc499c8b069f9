"""The field app draws with the shipped DejaVu Sans (mobile/fonts.py, mobile/app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mobile.fonts import app_font_path
from shared.fonts import font_path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_it_names_the_shipped_dejavu_files() -> None:
    assert app_font_path() == font_path("latin")
    assert app_font_path().name == "DejaVuSans.ttf"
    assert app_font_path(bold=True).name == "DejaVuSans-Bold.ttf"
    assert app_font_path().is_file() and app_font_path(bold=True).is_file()


def test_it_makes_the_shipped_font_every_labels_default(tmp_path: Path) -> None:
    # A fresh interpreter: registering a font changes Kivy for the whole process. Kivy's
    # core text label resolves its font name without a window.
    probe = (
        "import json; from kivy.core.text import Label; from mobile.app import register_app_font; "
        "before = Label(text='⚠').options['font_name_r']; register_app_font(); "
        "print(json.dumps([before] + [Label(text='⚠', bold=b).options['font_name_r'] "
        "for b in (False, True)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "KIVY_HOME": str(tmp_path), "KIVY_NO_CONSOLELOG": "1"},
    )

    before, regular, bold = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(before).name == "Roboto-Regular.ttf"
    assert (Path(regular), Path(bold)) == (app_font_path(), app_font_path(bold=True))
