"""The README tells the truth about the code: every setting the server reads is in its
configuration table, and its architecture box names every server app."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SETTING = re.compile(r"^(SKOLMILJO_[A-Z0-9_]+|DATABASE_URL)$")


def settings_variables(source: str) -> set[str]:
    """Environment variable names that a settings module reads (every matching string)."""
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SETTING.match(node.value)
    }


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end >= 0 else None]


def documented_variables(markdown: str) -> set[str]:
    rows = [
        line for line in section(markdown, "Configuration").splitlines() if line.startswith("|")
    ]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_it_documents_every_setting_the_server_reads() -> None:
    read = settings_variables((ROOT / "server" / "settings.py").read_text())

    assert "SKOLMILJO_SECRET_KEY" in read  # the scan sees the settings module's names
    assert read - documented_variables(README) == set()


def test_it_would_see_a_setting_missing_from_the_table() -> None:
    code = 'import os\nX = os.environ.get("SKOLMILJO_NOT_IN_README", "1")\n'

    assert settings_variables(code) - documented_variables(README) == {"SKOLMILJO_NOT_IN_README"}


def test_it_names_every_server_app_in_the_architecture_box() -> None:
    box = section(README, "Architecture").split("```")[1]
    apps = [
        app.removeprefix("server.") for app in settings.INSTALLED_APPS if app.startswith("server.")
    ]

    assert len(apps) >= 7
    assert [app for app in apps if not re.search(rf"\b{app}\b", box)] == []
