"""A new municipality's first week, from the README alone: a fresh production install goes
from an empty database to a ranking of its own imported schools with the commands of the
README's "Set up your municipality" and nothing else.

The commands are read from the README's first `sh` block of that section and run as a new
city would run them, each its own `manage.py` process in production mode on an empty
SQLite file. What the README says to do in the admin (add the inspector) is done by
the script below the same way the admin form does it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Set up your municipality\n"
INSPECTOR = "anna.inspektor"  # the name the README's enrollment_code line uses

pytestmark = pytest.mark.slow


def readme_commands() -> list[list[str]]:
    """The `python manage.py ...` lines of the section's first sh block, as argument lists."""
    text = (ROOT / "README.md").read_text()
    body = text[text.index(SECTION) :]
    body = body[: body.find("\n## ", 1)]
    block = re.search(r"```sh\n(.*?)```", body, re.S)
    assert block, "the section has a ```sh block of commands"
    lines = block.group(1).replace("\\\n", " ").splitlines()
    return [
        shlex.split(line, comments=True)[2:]
        for line in lines
        if line.strip().startswith("python manage.py ")
    ]


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKOLMILJO_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SKOLMILJO_MODE="production",
        SKOLMILJO_SECRET_KEY="setup-test-" + "k" * 50,
        SKOLMILJO_ALLOWED_HOSTS="testserver",
        SKOLMILJO_VAR_DIR=str(tmp_path / "var"),
        SKOLMILJO_MUNICIPALITY_NAME="Exempelstads kommun",
        SKOLMILJO_MAP_CENTER="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'skolmiljo.sqlite3'}",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="admin@exempelstad.example",
        DJANGO_SUPERUSER_PASSWORD="a-long-admin-passphrase-2026",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {shlex.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


ADD_INSPECTOR = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from django.contrib.auth.models import Group, User
    # What the README's admin step does (Användare -> Lägg till, group "inspector").
    user = User.objects.create_user(sys.argv[1], password="an-inspector-passphrase")
    user.groups.add(Group.objects.get(name="inspector"))
    """
)

CHECK = textwrap.dedent(
    """
    import django, json, sys
    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    code = sys.argv[1]
    tablet = Client()
    enrolled = tablet.post("/api/v1/devices/enroll", {"code": code, "device_name": "Platta 1"},
                           content_type="application/json", secure=True)
    planner = Client()
    planner.force_login(User.objects.get(username="admin"))
    ranking = planner.get("/api/v1/ranking", secure=True)
    print(json.dumps({"enroll": enrolled.status_code, "status": ranking.status_code,
                      "ranking": ranking.json() if ranking.status_code == 200 else None}))
    """
)


def test_a_fresh_production_install_reaches_a_ranking_with_the_readme_commands(tmp_path):
    commands = readme_commands()
    names = [c[0] for c in commands]
    assert names[:2] == ["migrate", "createsuperuser"]
    assert {"import_districts", "import_schools", "import_prices", "import_survey_results"} <= set(
        names
    )
    assert names[-1] == "enrollment_code" and commands[-1][1] == INSPECTOR

    env = production_env(tmp_path)
    out = {}
    for args in commands:
        if args[0] == "createsuperuser":
            args = [*args, "--no-input"]  # the README's interactive prompt, from the env
        if args[0] == "enrollment_code":
            script = [sys.executable, "-c", ADD_INSPECTOR, INSPECTOR]
            env_django = {**env, "DJANGO_SETTINGS_MODULE": "server.settings"}
            subprocess.run(script, cwd=ROOT, env=env_django, check=True, timeout=120)
        out[args[0]] = run(args, env)

    code = out["enrollment_code"].strip().splitlines()[-1]
    checked = subprocess.run(
        [sys.executable, "-c", CHECK, code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "server.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
    result = json.loads(checked.stdout.strip().splitlines()[-1])

    assert result["enroll"] == 200
    assert result["status"] == 200
    ranked = result["ranking"]["sites"]
    schools = (ROOT / "docs" / "examples" / "schools.csv").read_text(encoding="utf-8-sig")
    assert ranked, "the imported schools are ranked"
    assert all(item["name"] in schools for item in ranked)
    assert any(item["has_survey"] for item in ranked), "imported survey results reach it"
    assert not result["ranking"]["synthetic"], "nothing of the demo in a city's own install"
