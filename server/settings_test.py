"""Settings for the test suite: the real settings in test mode."""

from __future__ import annotations

import os

os.environ.setdefault("SKOLMILJO_MODE", "test")

from server.settings import *  # noqa: E402,F403
