"""Server-rendered pages. Who may call: the start page is public; it shows no personal data."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.clickjacking import xframe_options_sameorigin

from server.accounts.selectors import user_is_planner
from server.pages.dashboard import dashboard_map_html, key_figures
from server.pages.selectors import overview_get
from server.planning.ranking import Weights
from server.planning.services import ranking_compute


def home(request: HttpRequest) -> HttpResponse:
    overview = overview_get()
    return render(
        request, "pages/home.html", {"overview": overview, "synthetic": overview.synthetic}
    )


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the static manifest exists only after collectstatic.
    return redirect(static("pages/favicon.svg"), permanent=True)


def _planner_only(request: HttpRequest) -> HttpResponse | None:
    """Planner pages: anonymous users sign in; signed-in non-planners are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_is_planner(user=request.user):
        return HttpResponseForbidden("Sidorna är för planerare och administratörer.")
    return None


def dashboard(request: HttpRequest) -> HttpResponse:
    refused = _planner_only(request)
    if refused:
        return refused
    ranking = ranking_compute(weights=Weights(), draws=200)
    return render(
        request,
        "pages/dashboard.html",
        {
            "figures": key_figures(ranking),
            "top": ranking.frame.head(10),
            "synthetic": ranking.synthetic,
        },
    )


@xframe_options_sameorigin
def dashboard_map(request: HttpRequest) -> HttpResponse:
    refused = _planner_only(request)
    if refused:
        return refused
    tiles = request.GET.get("tiles", "1") != "0"
    return HttpResponse(dashboard_map_html(weights=Weights(), tiles=tiles))
