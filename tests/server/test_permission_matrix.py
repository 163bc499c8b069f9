"""Who may call what: every URL pattern and every API operation, for each kind of caller.

EXPECTED below is the one table of access (DESIGN section 8: "every endpoint states who
may call it"). The routes are not listed by hand: they are walked from Django's URL
resolver (the pages, the admin's and the API's patterns) and from the OpenAPI document,
so a new endpoint that nobody declared fails `test_it_declares_every_route`, and a row
whose route has gone fails `test_it_declares_no_route_that_is_gone`. Each caller's test
then calls every route once, path parameters filled from a small city, with an empty
body where the method takes one, and compares the outcome class with the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from ninja.operation import PathView
from pytest_django.fixtures import Settings

from server.api import api
from tests.server.small_city import SmallCity, small_city_make

CALLERS = ("anonymous", "device", "inspector", "planner", "administrator")
# "allow": the caller got through to the endpoint: a 2xx, a redirect within the area, or
# an answer about the request itself (not found, wrong method, conflict, invalid body).
# "deny": 401, 403, or a redirect to a sign-in page.
ALLOW, DENY = "allow", "deny"
INPUT_ERRORS = {400, 404, 405, 409, 410, 413, 415, 422}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def access(
    *, anonymous: str, device: str, inspector: str, planner: str, administrator: str
) -> dict[str, str]:
    return {
        "anonymous": anonymous,
        "device": device,
        "inspector": inspector,
        "planner": planner,
        "administrator": administrator,
    }


PUBLIC = access(anonymous=ALLOW, device=ALLOW, inspector=ALLOW, planner=ALLOW, administrator=ALLOW)
PLANNERS = access(anonymous=DENY, device=DENY, inspector=DENY, planner=ALLOW, administrator=ALLOW)
DEVICES = access(anonymous=DENY, device=ALLOW, inspector=DENY, planner=DENY, administrator=DENY)
PHOTO_READERS = access(
    anonymous=DENY, device=ALLOW, inspector=DENY, planner=ALLOW, administrator=ALLOW
)
ADMINS = access(anonymous=DENY, device=DENY, inspector=DENY, planner=DENY, administrator=ALLOW)
NOBODY = access(anonymous=DENY, device=DENY, inspector=DENY, planner=DENY, administrator=DENY)

# "METHOD path" -> who gets through. Paths are Django routes (`<slug:code>`) for views
# and OpenAPI paths (`{code}`) for API operations. Only the admin is matched by a glob:
# every admin view goes through AdminSite.admin_view, so a new model's admin pages are
# admin-only without a row each; they are still walked and called one by one.
EXPECTED: dict[str, dict[str, str]] = {
    # Public pages: the front page, sign-in, the language switch, the survey form.
    "GET /": PUBLIC,
    "GET /favicon.ico": PUBLIC,
    "GET /accounts/login/": PUBLIC,
    "POST /accounts/logout/": PUBLIC,
    "POST /i18n/setlang/": PUBLIC,
    "GET /s/<str:code>": PUBLIC,
    "POST /s/<str:code>": PUBLIC,
    "GET /s/<str:code>/tack": PUBLIC,
    # Planner pages (server.accounts.decorators.planner_only).
    "GET /dashboard/": PLANNERS,
    "GET /dashboard/map/": PLANNERS,
    "GET /ranking/": PLANNERS,
    "GET /sites/<slug:code>/": PLANNERS,
    "GET /plan/": PLANNERS,
    "GET /plan/map/": PLANNERS,
    "POST /plan/save/": PLANNERS,
    "GET /plan/compare/": PLANNERS,
    "GET /enkater/": PLANNERS,
    "GET /enkater/resultat/": PLANNERS,
    "GET /enkater/<str:code>/": PLANNERS,
    # The Django admin: staff only, bar its own sign-in and sign-out.
    "GET /admin/login/": PUBLIC,
    "POST /admin/logout/": PUBLIC,
    "GET /admin/*": ADMINS,
    # 403 to administrators too: devices exist only by enrolling (DeviceAdmin says no add);
    # the autocomplete refuses a request naming no autocomplete field, and no admin has one.
    "GET /admin/accounts/device/add/": NOBODY,
    "GET /admin/autocomplete/": NOBODY,
    # The audit trail and lock-out records are written by the server only, never by hand.
    "GET /admin/auditlog/logentry/add/": NOBODY,
    "GET /admin/auditlog/logentry/<path:object_id>/delete/": NOBODY,
    # The municipality's settings are one row, never deleted (its add form 403s once the
    # row exists; the small city has none, so administrators get the seeded form).
    "GET /admin/core/municipalitysettings/<path:object_id>/delete/": NOBODY,
    "GET /admin/axes/accessattempt/add/": NOBODY,
    # Price lists come only from import_prices and are never edited: saved plans name them.
    "GET /admin/prices/pricelist/add/": NOBODY,
    "GET /admin/prices/pricelist/<path:object_id>/delete/": NOBODY,
    "GET /admin/axes/accessfailurelog/add/": NOBODY,
    "GET /admin/axes/accesslog/add/": NOBODY,
    # Photos come from tablets; a row is the tombstone that keeps a hidden photo hidden.
    "GET /admin/inspections/photo/add/": NOBODY,
    "GET /admin/inspections/photo/<path:object_id>/delete/": NOBODY,
    # The API's own pages: the document, its viewer, and the root (a 404 naming the docs).
    "GET /api/v1/": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    # Public reference reads.
    "GET /api/v1/districts": PUBLIC,
    "GET /api/v1/districts/{code}": PUBLIC,
    "GET /api/v1/sites": PUBLIC,
    "GET /api/v1/sites/{code}": PUBLIC,
    "GET /api/v1/units": PUBLIC,
    "GET /api/v1/units/{code}": PUBLIC,
    # Enrollment: the one-time code in the body is the credential.
    "POST /api/v1/devices/enroll": PUBLIC,
    # Tablets.
    "GET /api/v1/sync/reference": DEVICES,
    "POST /api/v1/sync/inspections": DEVICES,
    "HEAD /api/v1/photos/{sha256}": DEVICES,
    "PUT /api/v1/photos/{sha256}": DEVICES,
    "GET /api/v1/photos/{sha256}": PHOTO_READERS,
    # Planners and administrators.
    "GET /api/v1/sites/{code}/inspections": PLANNERS,
    "GET /api/v1/inspections/{uuid}": PLANNERS,
    "GET /api/v1/ranking": PLANNERS,
    "GET /api/v1/ranking/export": PLANNERS,
    "GET /api/v1/sites/{code}/popup": PLANNERS,
    "GET /api/v1/ranking/status": PLANNERS,
    "GET /api/v1/plan": PLANNERS,
    "GET /api/v1/plan/export": PLANNERS,
    "POST /api/v1/plan": PLANNERS,
    "GET /api/v1/plan/frontier": PLANNERS,
    "POST /api/v1/plans": PLANNERS,
    "GET /api/v1/plans": PLANNERS,
    "GET /api/v1/plans/compare": PLANNERS,
    "GET /api/v1/plans/{plan_id}": PLANNERS,
    "GET /api/v1/planning/sites": PLANNERS,
    "GET /api/v1/planning/sites/{code}": PLANNERS,
    "GET /api/v1/planning/units": PLANNERS,
    "GET /api/v1/planning/units/{code}": PLANNERS,
    "POST /api/v1/campaigns": PLANNERS,
    "GET /api/v1/campaigns": PLANNERS,
    "GET /api/v1/campaigns/{code}": PLANNERS,
    "PATCH /api/v1/campaigns/{code}": PLANNERS,
    "GET /api/v1/campaigns/{code}/poster": PLANNERS,
    "GET /api/v1/campaigns/{code}/slips": PLANNERS,
    "GET /api/v1/survey-results": PLANNERS,
    "GET /api/v1/survey-results/city": PLANNERS,
    "GET /api/v1/survey-results/export": PLANNERS,
}


# -- Walking the routes ---------------------------------------------------------------


def _patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(route, namespaced name, pattern) for every leaf pattern, resolvers opened."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = ":".join(n for n in (namespace, pattern.name or "") if n)
            yield "/" + prefix + str(pattern.pattern), name, pattern


def _path_view(pattern: URLPattern) -> PathView | None:
    """The Ninja PathView behind an API operation's pattern (None for any other view)."""
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _openapi_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def view_routes() -> set[str]:
    """Every Django route that is not an API operation: pages, the admin, the API's docs."""
    return {route for route, _, p in _patterns(get_resolver().url_patterns) if not _path_view(p)}


def api_operations() -> set[str]:
    """Every API operation as "METHOD /path": the OpenAPI document's, and the URL
    patterns' (which include any operation left out of the document)."""
    document = api.get_openapi_schema()
    found = {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    }
    for route, _, pattern in _patterns(get_resolver().url_patterns):
        view = _path_view(pattern)
        for operation in view.operations if view else ():
            found |= {f"{method} {_openapi_path(route)}" for method in operation.methods}
    return found


def _split(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    return method, path


def _is_glob(key: str) -> bool:
    return "*" in key


def declared_requests() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(method, route, expected access) for every walked route and API operation, from
    its own rows, else from the first glob that matches it."""
    exact = {_split(k): v for k, v in EXPECTED.items() if not _is_glob(k)}
    globs = {_split(k): v for k, v in EXPECTED.items() if _is_glob(k)}
    for route in sorted(view_routes()):
        rows = {(m, p): v for (m, p), v in exact.items() if p == route}
        if not rows:
            matching = [((m, route), v) for (m, g), v in globs.items() if fnmatchcase(route, g)]
            rows = dict(matching[:1])
        for (method, _), expected in sorted(rows.items()):
            yield method, route, expected
    for key in sorted(api_operations()):
        if key in EXPECTED:
            method, path = _split(key)
            yield method, path, EXPECTED[key]


# -- Filling path parameters ----------------------------------------------------------


def path_values(city: SmallCity) -> dict[str, str]:
    """What a `{code}`-like parameter names, by the path segment before it."""
    return {
        "sites": city.site.code,
        "units": city.unit.code,
        "districts": city.district.code,
        "campaigns": city.campaign.code,
        "s": city.campaign.code,
        "enkater": city.campaign.code,
        "inspections": str(city.inspection.uuid),
        "photos": city.photo_sha256,
        "plans": str(city.plan.pk),
    }


def _admin_object_id(app_label: str, model_name: str) -> str:
    first = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    # No row of that model in the city: the admin answers "does not exist" all the same.
    return str(first.pk) if first else "1"


def concrete_url(route: str, city: SmallCity) -> str:
    """The route with its parameters filled: `<conv:name>`, `{name}` and `(?P<name>...)`."""
    values = path_values(city)
    parts = route.strip("/").split("/")
    filled: list[str] = []
    for i, part in enumerate(parts):
        previous = parts[i - 1] if i else ""
        name = re.fullmatch(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", part)
        if not name:
            filled.append(part)
        elif route.startswith("/admin/r/"):  # view_on_site: content type, then object
            site_type = ContentType.objects.get_for_model(type(city.site))
            filled.append(str(site_type.pk) if previous == "r" else str(city.site.pk))
        elif route.startswith("/admin/"):  # <app>/<model>/<object_id>/...
            filled.append(_admin_object_id(parts[i - 2], previous))
        elif previous in values:
            filled.append(values[previous])
        else:
            raise KeyError(f"No value for {part} in {route}: add one to path_values().")
    url = "/" + "/".join(filled) + ("/" if route.endswith("/") and len(filled) > 0 else "")
    # The admin's regex routes: an app's index, and the catch-all.
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "schools", url)
    url = re.sub(r"\(\?P<url>[^)]*\)", "no-such-page/", url)
    return url.replace("^", "").replace("$", "").replace("//", "/")


# -- Calling ----------------------------------------------------------------------------


def outcome(response: Any) -> str:
    status = response.status_code
    if status in (401, 403):
        return DENY
    if status in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        return DENY if target in (settings.LOGIN_URL, reverse("admin:login")) else ALLOW
    if 200 <= status < 300 or status in INPUT_ERRORS:
        return ALLOW
    return f"status {status}"


def call(client: Client, caller: str, city: SmallCity, method: str, url: str) -> Any:
    users = {
        "inspector": city.inspector,
        "planner": city.planner,
        "administrator": city.administrator,
    }
    user = users.get(caller)
    if user is not None:
        client.force_login(user)  # again each time: a sign-out route ends the session
    headers = {"Authorization": f"Bearer {city.device_token}"} if caller == "device" else {}
    cache.clear()  # rate limits (enrollment, survey answers) must not decide the outcome
    if method in BODY_METHODS and url.startswith("/api/"):
        return client.generic(method, url, b"{}", content_type="application/json", headers=headers)
    return client.generic(method, url, headers=headers)


@pytest.fixture
def city(db: None, settings: Settings, tmp_path: Path) -> SmallCity:
    settings.MEDIA_ROOT = tmp_path
    return small_city_make()


# -- The tests --------------------------------------------------------------------------


def test_it_declares_every_route() -> None:
    exact = {_split(k)[1] for k in EXPECTED if not _is_glob(k)}
    globs = [_split(k)[1] for k in EXPECTED if _is_glob(k)]
    undeclared_views = {
        r for r in view_routes() if r not in exact and not any(fnmatchcase(r, g) for g in globs)
    }
    undeclared_operations = api_operations() - set(EXPECTED)

    assert undeclared_views | undeclared_operations == set(), "Say who may call these in EXPECTED"


def test_it_declares_no_route_that_is_gone() -> None:
    routes, operations = view_routes(), api_operations()
    exact = {k for k in EXPECTED if not _is_glob(k)}
    gone = {k for k in exact if _split(k)[1] not in routes and k not in operations}
    unmatched_globs = {
        k
        for k in EXPECTED
        if _is_glob(k)
        and not any(fnmatchcase(r, _split(k)[1]) for r in routes - {_split(e)[1] for e in exact})
    }

    assert gone | unmatched_globs == set()


@pytest.mark.slow
@pytest.mark.parametrize("caller", CALLERS)
def test_each_caller_gets_exactly_the_declared_access(city: SmallCity, caller: str) -> None:
    client = Client()
    mismatches = []
    for method, route, expected in declared_requests():
        url = concrete_url(route, city)
        got = outcome(call(client, caller, city, method, url))
        if got != expected[caller]:
            mismatches.append(f"{method} {url} ({route}): expected {expected[caller]}, got {got}")

    assert mismatches == [], "\n".join(mismatches)
