from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
HEADER = "skolenhetskod;skolenhetsnamn;skolform;årskurser;skolhus;lat;lon;område"


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def example_districts() -> None:
    run(
        "import_districts",
        str(EXAMPLES / "districts.geojson"),
        "--name-property=namn",
        "--code-property=kod",
        "--parent-property=tillhor",
    )


@pytest.fixture
def schools_file(tmp_path: Path) -> Callable[..., Path]:
    """A `;`-separated file with HEADER (or `header`) and the given lines."""

    def write(*lines: str, header: str = HEADER, name: str = "skolor.csv") -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8-sig")
        return path

    return write
