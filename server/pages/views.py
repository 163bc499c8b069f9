"""Server-rendered pages. Who may call: the start page is public (it shows no personal
data); every other page is for signed-in planners and administrators."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from server.accounts.decorators import planner_only
from server.accounts.selectors import user_is_planner
from server.inspections.catalogues import element_name
from server.pages.charts import line_chart
from server.pages.dashboard import (
    cached_map_html,
    dashboard_extra,
    dashboard_map_html,
    key_figures,
    ranking_map_html,
)
from server.pages.forms import PlanForm, RankingForm, SavePlanForm
from server.pages.map_nonce import map_html_with_nonce
from server.pages.plan_page import (
    PlanView,
    compare_inputs,
    compare_items,
    plan_compute_from,
    plan_ranking_query,
    plan_view,
)
from server.pages.price_notes import price_notes
from server.pages.selectors import overview_get
from server.pages.site_page import (
    implausible_labels,
    pillar_values,
    plan_items_for_site,
    site_page_get,
)
from server.planning import services
from server.planning.models import SavedPlan
from server.planning.selectors import RankingQuery, ranking_get
from server.planning.services import ranking_records
from shared.errors import NotFound


def home(request: HttpRequest) -> HttpResponse:
    # Planners come for the map: the dashboard is their front page.
    if user_is_planner(user=request.user) and "start" not in request.GET:
        return redirect("dashboard")
    overview = overview_get()
    return render(
        request, "pages/home.html", {"overview": overview, "synthetic": overview.synthetic}
    )


def login_locked_out(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page saying the sign-in is locked and for how long, with status 429.

    django-axes answers with this (settings.AXES_LOCKOUT_CALLABLE) instead of the sign-in
    page, on /accounts/login/ and /admin/login/ alike. Every try during a lock-out starts
    the cool-off again, so the whole cool-off is the time left.
    """
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"form": AuthenticationForm(request), "locked_out_minutes": minutes}
    return render(request, "pages/login.html", context, status=429)


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the static manifest exists only after collectstatic.
    return redirect(static("pages/favicon.svg"), permanent=True)


@planner_only
def dashboard(request: HttpRequest) -> HttpResponse:
    ranking = ranking_get(RankingQuery())
    return render(
        request,
        "pages/dashboard.html",
        {
            "figures": key_figures(ranking),
            "top": ranking.frame.sort_values("rank").head(10),
            "synthetic": ranking.synthetic,
            "tiles_off": request.GET.get("tiles") == "0",
            "ranking": ranking,
        },
    )


@xframe_options_sameorigin
@planner_only
def dashboard_map(request: HttpRequest) -> HttpResponse:
    tiles = not _tiles(request)
    ranking = ranking_get(RankingQuery())
    html = cached_map_html(
        "dashboard",
        ranking,
        f"tiles={tiles}|{dashboard_extra()}",
        lambda: dashboard_map_html(ranking, tiles=tiles),
    )
    return _map_response(request, html)


def _query(form: Any, **extra: str) -> str:
    """The form's valid values as a query string, for export links and the map."""
    values = {k: v for k, v in form.cleaned_data.items() if k != "weights" and v not in (None, "")}
    return urlencode({**values, **extra})


def _tiles(request: HttpRequest) -> dict[str, str]:
    return {"tiles": "0"} if request.GET.get("tiles") == "0" else {}


@planner_only
def ranking_page(request: HttpRequest) -> HttpResponse:
    form = RankingForm(request.GET)
    context: dict[str, Any] = {"form": form, "rows": None}
    status = 200
    if form.is_valid():
        ranking = ranking_get(form.query())
        names = {
            "condition": _("skick"),
            "experience": _("upplevelse"),
            "equity": _("likvärdighet"),
        }
        rows = [  # copies: the records are the cached ranking's
            {**row, "missing_labels": [names.get(str(m), str(m)) for m in row["missing"]]}  # type: ignore[attr-defined]
            for row in ranking_records(ranking)
        ]
        query = ranking.query.as_query()
        export = f"/api/v1/ranking/export?{query}{'&' if query else ''}format="
        context.update(
            rows=rows,
            ranking=ranking,
            price_notes=price_notes(ranking.prices.assumptions()),
            synthetic=ranking.synthetic,
            data_date=ranking.data_date,
            export_csv=f"{export}csv",
            export_xlsx=f"{export}xlsx",
        )
    else:
        status = 400
    return render(request, "pages/ranking.html", context, status=status)


@planner_only
def site_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        page = site_page_get(code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    ranking = ranking_get(RankingQuery())
    row = ranking.frame.loc[code] if code in ranking.frame.index else None
    saved = SavedPlan.objects.first()
    plan_items = [
        {**item, "element_name": element_name(str(item["element"]))}
        for item in (plan_items_for_site(saved.result.get("items", []), code) if saved else [])
    ]
    chart = line_chart(
        [(p.when.strftime("%Y-%m-%d"), p.condition) for p in page.history],
        title=_("Skick över tid"),
        y_label=_("Behov 0–100"),
    )
    return render(
        request,
        "pages/site.html",
        {
            "page": page,
            "site": page.site,
            "rank": row,
            "pillars": pillar_values(row),
            "implausible": implausible_labels(None if row is None else row["implausible"]),
            "schools": len(ranking.frame),
            "history_chart": mark_safe(chart),  # built from numbers and escaped labels
            "saved_plan": saved,
            "plan_items": plan_items,
            "synthetic": page.site.attributes_synthetic or ranking.synthetic,
            "ranking": ranking,
        },
    )


@planner_only
def plan_page(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "view": None,
        "save_form": SavePlanForm(),
        "saved": services.saved_plan_list()[:20],
    }
    status = 200
    if form.is_valid():
        plan = plan_compute_from(form.cleaned_data)
        view = plan_view(plan)
        # "tiles=0" (maps without background tiles, for offline use and tests) sticks.
        query = _query(form, **_tiles(request))
        # Built now, for the map frame's request that follows: it finds it in the cache.
        cached_map_html(
            "plan",
            plan.ranking,
            query,
            lambda: _plan_map_html(plan, view, tiles=not _tiles(request)),
        )
        context.update(
            view=view,
            equity_chart=mark_safe(view.equity_chart),  # numbers and escaped labels only
            floor_text=services.floor_text(view.payload.get("floor")),
            query=query,
            synthetic=view.payload["synthetic"],
            price_notes=price_notes(view.payload["assumptions"]),
            export_csv=f"/api/v1/plan/export?{query}&format=csv",
            export_xlsx=f"/api/v1/plan/export?{query}&format=xlsx",
            map_url=f"/plan/map/?{query}",
            tiles_off=bool(_tiles(request)),
        )
    else:
        status = 400
    return render(request, "pages/plan.html", context, status=status)


@xframe_options_sameorigin
@planner_only
def plan_map(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    tiles = not _tiles(request)

    def build() -> str:
        plan = plan_compute_from(form.cleaned_data)
        return _plan_map_html(plan, plan_view(plan), tiles=tiles)

    query = _query(form, **_tiles(request))
    ranking = ranking_get(plan_ranking_query(form.cleaned_data))
    return _map_response(request, cached_map_html("plan", ranking, query, build))


def _map_response(request: HttpRequest, html: str) -> HttpResponse:
    # The nonce is this response's own: the cached map HTML never holds one.
    return HttpResponse(map_html_with_nonce(html, str(request.csp_nonce)))  # type: ignore[attr-defined]


def _plan_map_html(plan: services.Plan, view: PlanView, *, tiles: bool) -> str:
    return ranking_map_html(plan.ranking, plan_years=view.funded, tiles=tiles, show_funded=True)


@require_POST
@planner_only
def plan_save(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.GET)
    save_form = SavePlanForm(request.POST)
    if not (form.is_valid() and save_form.is_valid()):
        return HttpResponse(
            _("Planen kunde inte sparas: kontrollera namnet och värdena."), status=400
        )
    plan = plan_compute_from(form.cleaned_data)
    inputs = {k: v for k, v in form.cleaned_data.items() if k not in ("weights", "method")}
    saved = services.saved_plan_create(
        name=save_form.cleaned_data["name"],
        inputs=inputs,
        payload=services.plan_payload(plan),
        user=request.user,
    )
    return redirect(f"/plan/?{_query(form, **_tiles(request))}&saved={saved.pk}")


@planner_only
def plan_compare(request: HttpRequest) -> HttpResponse:
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        comparison = services.saved_plans_compare(
            a=services.saved_plan_get(plan_id=a), b=services.saved_plan_get(plan_id=b)
        )
    except ValueError:
        return HttpResponse(_("Välj två sparade planer."), status=400)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    notes = {side: price_notes(comparison[side].result.get("assumptions") or {}) for side in "ab"}
    return render(
        request,
        "pages/plan_compare.html",
        {
            "c": comparison,
            "inputs": compare_inputs(comparison),
            "only": compare_items(comparison),
            "price_notes": notes,
        },
    )
