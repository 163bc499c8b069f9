"""Access decorators for server-rendered pages, so every app's pages share one rule."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _

from server.accounts.selectors import user_is_planner

View = Callable[..., HttpResponse]


def planner_only(view: View) -> View:
    """Anonymous users are sent to sign in; signed-in non-planners are refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_planner(user=request.user):
            return HttpResponseForbidden(_("Sidorna är för planerare och administratörer."))
        return view(request, *args, **kwargs)

    return wrapped
