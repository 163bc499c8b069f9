from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import server

SETTINGS_FILE = Path(server.__file__).parent / "settings.py"


@pytest.fixture
def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Run server/settings.py afresh with these SKOLMILJO_* variables; its names as a dict.

    The running suite's settings stay as they are: the module is executed, not imported.
    """

    def load(**env: str) -> dict[str, Any]:
        for name in ("SKOLMILJO_REDIS_URL", "SKOLMILJO_TRUSTED_PROXIES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SKOLMILJO_MODE", "test")
        monkeypatch.setenv("SKOLMILJO_VAR_DIR", str(tmp_path))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load
