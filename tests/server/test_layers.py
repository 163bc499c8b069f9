"""The server's apps form a stack with no cycle, and services know nothing of HTTP."""

from __future__ import annotations

import ast
from itertools import combinations
from pathlib import Path

import grimp
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def server_apps() -> list[str]:
    return [app for app in settings.INSTALLED_APPS if app.startswith("server.")]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("server", cache_dir=None)


def app_cycles(graph: grimp.ImportGraph, apps: list[str]) -> list[tuple[str, str]]:
    """Pairs of apps that import each other, directly or through other modules."""
    return [
        (a, b)
        for a, b in combinations(apps, 2)
        if graph.chain_exists(importer=a, imported=b, as_packages=True)
        and graph.chain_exists(importer=b, imported=a, as_packages=True)
    ]


def test_it_finds_no_import_cycle_between_server_apps(graph: grimp.ImportGraph) -> None:
    assert app_cycles(graph, server_apps()) == []


def test_it_would_see_a_cycle_between_two_apps() -> None:
    # The detector itself: planning imports campaigns, so a campaigns -> planning import
    # (added to a graph of its own) must show up as a cycle.
    copy = grimp.build_graph("server", cache_dir=None)
    copy.add_import(importer="server.campaigns.selectors", imported="server.planning.services")

    assert ("server.campaigns", "server.planning") in app_cycles(copy, server_apps())


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    "path", sorted((ROOT / "server").glob("*/services.py")), ids=lambda p: p.parent.name
)
def test_it_keeps_http_out_of_services(path: Path) -> None:
    http = {
        m for m in imported_modules(path) if m == "ninja" or m.startswith(("ninja.", "django.http"))
    }

    assert http == set(), f"{path.relative_to(ROOT)} imports {sorted(http)}"
