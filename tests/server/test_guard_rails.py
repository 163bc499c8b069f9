"""Checks that keep the project honest: deploy settings, migrations, import directions."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SKOLMILJO_")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return subprocess.run(
        args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deploy_check_in_production_mode(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SKOLMILJO_MODE="production",
        SKOLMILJO_SECRET_KEY="Zq3-xL9v_Tp2W8rB5nY1mC4hJ6dF0sGaKeUiOoPlQzXcVbNmRtYu7I",
        SKOLMILJO_ALLOWED_HOSTS="skolmiljo.example.org",
        SKOLMILJO_MUNICIPALITY_NAME="Lerums kommun",
        SKOLMILJO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check"],
        SKOLMILJO_MODE="production",
        SKOLMILJO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "SKOLMILJO_SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_in_production_without_the_municipality_name(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check"],
        SKOLMILJO_MODE="production",
        SKOLMILJO_SECRET_KEY="Zq3-xL9v_Tp2W8rB5nY1mC4hJ6dF0sGaKeUiOoPlQzXcVbNmRtYu7I",
        SKOLMILJO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "SKOLMILJO_MUNICIPALITY_NAME is not set" in result.stderr


def test_it_rejects_an_unknown_mode(tmp_path: Path) -> None:
    result = run([sys.executable, "manage.py", "check"], SKOLMILJO_MODE="staging")

    assert result.returncode != 0
    assert "SKOLMILJO_MODE='staging' is not known" in result.stderr


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change() -> None:
    from django.core.management import call_command

    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"A model change has no migration (makemigrations --check exited {exc.code}).")


def test_it_keeps_the_import_directions_of_the_design() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")

    result = run([str(lint_imports), "--no-cache"])

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts['contracts'])} kept, 0 broken." in result.stdout
